import { strict as assert } from 'node:assert';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupSync } from './group-sync.js';
describe('group fsync', () => {
    it('covers every write made before a round with that one round', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-sync-'));
        const fd = openSync(join(dir, 'f'), 'w');
        try {
            const sync = new GroupSync(() => fd);
            assert.equal(await sync.durable().then(() => sync.rounds), 0, 'nothing to flush');
            const waits = [];
            for (let i = 0; i < 50; i++) {
                writeSync(fd, `commit ${i}\n`);
                sync.wrote();
                waits.push(sync.durable());
            }
            await Promise.all(waits);
            // The first write starts a round; the 49 made while it ran share at most one more.
            assert.ok(sync.rounds >= 1 && sync.rounds <= 2, `${sync.rounds} rounds for 50 writes`);
            const before = sync.rounds;
            await sync.durable();
            assert.equal(sync.rounds, before, 'no new write, no new round');
            sync.wrote();
            await sync.durable();
            assert.equal(sync.rounds, before + 1);
        }
        finally {
            closeSync(fd);
            rmSync(dir, { recursive: true, force: true });
        }
    });
    it('flushes inline on request, and a background round ending later does not undo it', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-sync-'));
        const fd = openSync(join(dir, 'f'), 'w');
        try {
            const sync = new GroupSync(() => fd);
            writeSync(fd, 'commit 1\n');
            sync.wrote();
            const background = sync.durable(); // a round starts, covering write 1 only
            writeSync(fd, 'commit 2\n');
            sync.wrote();
            sync.flushNow(); // covers both, before the round has ended
            assert.equal(sync.rounds, 1);
            await background;
            const rounds = sync.rounds;
            await sync.durable();
            assert.equal(sync.rounds, rounds, 'write 2 is still known to be on disk');
            sync.flushNow();
            assert.equal(sync.rounds, rounds, 'nothing new to flush');
        }
        finally {
            closeSync(fd);
            rmSync(dir, { recursive: true, force: true });
        }
    });
    it('throws a failed inline flush to its caller', () => {
        const sync = new GroupSync(() => 987_654);
        sync.wrote();
        assert.throws(() => sync.flushNow(), /EBADF/);
    });
    it('passes a failed flush to everyone waiting on it', async () => {
        const sync = new GroupSync(() => 987_654);
        sync.wrote();
        await assert.rejects(sync.durable(), /EBADF/);
    });
});
//# sourceMappingURL=group-sync.test.js.map