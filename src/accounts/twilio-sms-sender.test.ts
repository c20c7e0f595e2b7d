// The Twilio adapter against a local stand-in that checks each request as Twilio documents it
// (path, Basic credentials, form fields) and answers as Twilio does: 201 with the Message
// resource, or an error object with Twilio's code and the HTTP status.
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SmsSendError, TwilioSmsSender, type TwilioConfig } from './twilio-sms-sender.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH = 'twilio-auth-token-for-tests';

interface Seen {
  path: string;
  authorization: string;
  contentType: string;
  form: Record<string, string>;
}

/** What the stand-in answers, by the To number; a To it does not know is sent. */
const ANSWERS: Record<string, [number, Record<string, unknown>]> = {
  '+8613900000001': [400, { code: 21211, message: "The 'To' number +8613900000001 is not a "
    + 'valid phone number.', more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }],
  '+8613900000002': [429, { code: 20429, message: 'Too Many Requests',
    more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 }],
  '+8613900000003': [400, { code: 21408, message: 'Permission to send an SMS has not been '
    + 'enabled for the region indicated by the \'To\' number: +8613900000003.',
  more_info: 'https://www.twilio.com/docs/errors/21408', status: 400 }],
};

describe('TwilioSmsSender', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let inFlight = 0;
  let inFlightMax = 0;
  /** Replies held back until released, to see how many requests run at once. */
  let hold: Array<() => void> | null = null;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = Object.fromEntries(new URLSearchParams(body));
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '',
      contentType: req.headers['content-type'] ?? '', form });
    inFlight += 1;
    inFlightMax = Math.max(inFlightMax, inFlight);
    if (form.To === '+8613900000004') return; // Never answers: the sender must give up.
    if (hold) await new Promise<void>((r) => hold!.push(r));
    inFlight -= 1;
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const expectedAuth = `Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`;
    if (req.headers.authorization !== expectedAuth) {
      return send(401, { code: 20003, message: 'Authentication Error - invalid username',
        more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    const known = ANSWERS[form.To ?? ''];
    if (known) return send(known[0], known[1]);
    send(201, { sid: `SM${'a'.repeat(32)}`, account_sid: SID, to: form.To, from: form.From,
      body: form.Body, status: 'queued', error_code: null, error_message: null });
  };

  before(async () => {
    server = createServer((req, res) => void answer(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const sender = (over: Partial<TwilioConfig> = {}, limits = {}) => new TwilioSmsSender(
    { accountSid: SID, authToken: AUTH, from: '+15005550006', baseUrl, ...over },
    { smsConcurrencyMax: 2, smsQueueMax: 100, smsTimeoutMs: 2_000, ...limits });

  it('posts the documented form with Basic credentials and returns the message SID', async () => {
    seen.length = 0;
    const sid = await sender().sendMessage('13800138000', 'launchday: your code is 123456');
    assert.equal(sid, `SM${'a'.repeat(32)}`);
    assert.deepEqual(seen, [{ path: `/2010-04-01/Accounts/${SID}/Messages.json`,
      authorization: `Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`,
      contentType: 'application/x-www-form-urlencoded',
      form: { To: '+8613800138000', Body: 'launchday: your code is 123456',
        From: '+15005550006' } }]);
  });

  it('sends from a Messaging Service when one is configured', async () => {
    seen.length = 0;
    const mg = `MG${'f'.repeat(32)}`;
    await sender({ from: mg }).sendMessage('13800138000', 'hi');
    assert.equal(seen[0]!.form.MessagingServiceSid, mg);
    assert.equal(seen[0]!.form.From, undefined);
  });

  it('reports Twilio\'s error codes, and which a retry may cure', async () => {
    const cases: Array<[string, Partial<TwilioConfig>, number, number, boolean]> = [
      ['13900000001', {}, 21211, 400, false],
      ['13900000002', {}, 20429, 429, true],
      ['13900000003', {}, 21408, 400, false],
      ['13800138000', { authToken: 'a-wrong-auth-token-123' }, 20003, 401, false],
    ];
    for (const [phone, over, code, status, retryable] of cases) {
      await assert.rejects(sender(over).sendMessage(phone, 'x'), (err: unknown) => {
        assert.ok(err instanceof SmsSendError);
        assert.deepEqual([err.code, err.status, err.retryable], [code, status, retryable], phone);
        return true;
      });
    }
  });

  it('gives up on a request that takes longer than the timeout', async () => {
    await assert.rejects(sender({}, { smsTimeoutMs: 200 }).sendMessage('13900000004', 'x'),
      (err: unknown) => err instanceof SmsSendError && err.code === 0 && err.retryable);
    inFlight -= 1;
  });

  it('keeps at most smsConcurrencyMax requests under way; a full queue refuses at once',
    async () => {
      inFlightMax = 0;
      hold = [];
      const s = sender({}, { smsConcurrencyMax: 2, smsQueueMax: 3 });
      const sends = Array.from({ length: 5 }, (_, i) =>
        s.sendMessage(`1380013800${i}`, `m${i}`));
      await assert.rejects(s.sendMessage('13800138009', 'too many'),
        (err: unknown) => err instanceof SmsSendError && err.code === 0);
      // Nothing is answered until both allowed requests are under way (released as they came,
      // the first could be answered before the second arrived on a busy machine: 1 of 2). A
      // third, had the sender let one through, would arrive meanwhile.
      while (hold.length < 2) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(inFlight, 2, 'two under way, no more');
      // Then release the held replies as they arrive until all five are answered.
      let done = false;
      const released = Promise.all(sends).finally(() => { done = true; });
      while (!done) {
        const next = hold.shift();
        if (next) next(); else await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal((await released).length, 5);
      assert.equal(inFlightMax, 2);
      hold = null;
    });
});
