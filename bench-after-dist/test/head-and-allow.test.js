// HEAD and 405 as RFC 9110 has them: HEAD wherever GET is (the headers without the body; not
// for a route that writes its own reply), and a 405 that names the methods the path takes (Allow).
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import { inject } from 'light-my-request';
import { harness } from './harness.js';
let h;
before(async () => { h = await harness(); });
after(() => h.close());
const send = (method, url) => inject(h.ld.handler, { method: method, url });
it('HEAD answers as GET does, without the body', async () => {
    for (const url of ['/api/v1/launches', '/api/v1/launches/yu7-2025', '/api/v1/openapi.json',
        '/api/v1/launches/yu7-2025/stats']) {
        const get = await send('GET', url);
        const head = await send('HEAD', url);
        assert.equal(head.statusCode, 200, url);
        assert.equal(head.payload, '', url);
        assert.equal(head.headers['content-type'], get.headers['content-type'], url);
    }
    const missing = await send('HEAD', '/api/v1/launches/su9');
    assert.equal(missing.statusCode, 404);
});
it('a method the path does not take is 405 with the methods it does take', async () => {
    const table = [
        ['DELETE', '/api/v1/launches', 'GET, HEAD'],
        ['POST', '/api/v1/launches/yu7-2025', 'GET, HEAD'],
        ['PUT', '/api/v1/orders', 'POST, GET, HEAD'],
        // The routes that write their own reply (the live stream holds its connection for frames;
        // the snapshot writes its 304s itself): no HEAD.
        ['HEAD', '/api/v1/launches/yu7-2025/live', 'GET'],
        ['HEAD', '/api/v1/launches/yu7-2025/live.json', 'GET'],
    ];
    for (const [method, url, allow] of table) {
        const r = await send(method, url);
        assert.equal(r.statusCode, 405, `${method} ${url}`);
        assert.equal(r.headers.allow, allow, `${method} ${url}`);
        if (method !== 'HEAD')
            assert.equal(r.json().error.code, 'method_not_allowed');
    }
});
//# sourceMappingURL=head-and-allow.test.js.map