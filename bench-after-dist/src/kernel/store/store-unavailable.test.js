import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { inTransaction } from './postgres-store.js';
import { isCommitUnknown, isStoreUnavailable, StoreUnavailable } from './store-unavailable.js';
const withCode = (code, message = 'x') => Object.assign(new Error(message), { code });
describe('isStoreUnavailable', () => {
    const rows = [
        ['PostgreSQL admin shutdown (restart)', withCode('57P01'), true],
        ['PostgreSQL crash shutdown', withCode('57P02'), true],
        ['PostgreSQL starting or stopping', withCode('57P03'), true],
        ['PostgreSQL connection failure (class 08)', withCode('08006'), true],
        ['PostgreSQL too many connections', withCode('53300'), true],
        ['PostgreSQL disk full', withCode('53100'), true],
        ['PostgreSQL read-only (standby)', withCode('25006'), true],
        ['socket refused', withCode('ECONNREFUSED'), true],
        ['socket reset', withCode('ECONNRESET'), true],
        ['pg: socket closed under a query', new Error('Connection terminated unexpectedly'), true],
        ['pg: connect timed out', new Error('timeout exceeded when trying to connect'), true],
        ['pg: broken client reused',
            new Error('Client has encountered a connection error and is not queryable'), true],
        ['SQLite disk full', withCode('SQLITE_FULL'), true],
        ['SQLite read-only file', withCode('SQLITE_READONLY_DBMOVED'), true],
        ['SQLite I/O error', withCode('SQLITE_IOERR_WRITE'), true],
        ['fsync on a full disk', withCode('ENOSPC'), true],
        ['wrapped in a cause', new Error('ROLLBACK failed', { cause: withCode('57P01') }), true],
        ['rebuilt after crossing threads', new StoreUnavailable('SqliteError: database full'), true],
        ['PostgreSQL unique violation: a bug or a race, not an outage', withCode('23505'), false],
        ['PostgreSQL serialisation failure: retried, not an outage', withCode('40001'), false],
        ['SQLite constraint', withCode('SQLITE_CONSTRAINT_NOTNULL'), false],
        ['a plain bug', new TypeError('undefined is not a function'), false],
        ['not an error at all', 'text', false],
        ['nothing', undefined, false],
    ];
    for (const [name, err, expected] of rows) {
        it(`${name}: ${expected}`, () => assert.equal(isStoreUnavailable(err), expected));
    }
});
describe('a connection lost during COMMIT', () => {
    /** A client whose connection is lost at the statement named. */
    const losing = (at) => ({
        statements: [],
        async query(sql) {
            this.statements.push(sql);
            if (sql === at)
                throw new Error('Connection terminated unexpectedly');
            return { rows: [] };
        },
    });
    it('leaves the outcome unknown, where one lost before it means nothing was done', async () => {
        const table = [['COMMIT', true], ['SELECT 1', false]];
        for (const [at, unknown] of table) {
            const client = losing(at);
            const err = await inTransaction(client, async () => {
                await client.query('SELECT 1');
                return 1;
            }).then(() => null, (e) => e);
            assert.ok(err !== null, at);
            assert.equal(isStoreUnavailable(err), true, at);
            assert.equal(isCommitUnknown(err), unknown, at);
        }
    });
});
//# sourceMappingURL=store-unavailable.test.js.map