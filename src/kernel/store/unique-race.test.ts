import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { againOnUniqueRace, isUniqueViolation } from './unique-race.js';

const pgUnique = () => Object.assign(new Error('duplicate key value'), { code: '23505' });
const sqliteUnique = () => Object.assign(new Error('UNIQUE constraint failed'),
  { code: 'SQLITE_CONSTRAINT_UNIQUE' });

describe('unique-key races', () => {
  it('isUniqueViolation knows PostgreSQL\'s always, SQLite\'s only when asked, and causes',
    () => {
      assert.equal(isUniqueViolation(pgUnique()), true);
      assert.equal(isUniqueViolation(new Error('x', { cause: pgUnique() })), true);
      assert.equal(isUniqueViolation(sqliteUnique()), false);
      assert.equal(isUniqueViolation(sqliteUnique(), true), true);
      assert.equal(isUniqueViolation(Object.assign(new Error('fk'), { code: '23503' }), true),
        false);
      assert.equal(isUniqueViolation(null), false);
    });

  it('againOnUniqueRace runs again after a PostgreSQL unique violation only, three times in all',
    async () => {
      let runs = 0;
      assert.equal(await againOnUniqueRace(async () => {
        runs++;
        if (runs === 1) throw pgUnique();
        return 'second';
      }), 'second');
      assert.equal(runs, 2);
      runs = 0;
      await assert.rejects(againOnUniqueRace(async () => { runs++; throw pgUnique(); }),
        /duplicate key/);
      assert.equal(runs, 3, 'gives up: the last violation is thrown');
      runs = 0;
      await assert.rejects(againOnUniqueRace(async () => { runs++; throw sqliteUnique(); }),
        /UNIQUE constraint/);
      assert.equal(runs, 1, 'on SQLite a violation is no race: never run again');
      runs = 0;
      await assert.rejects(againOnUniqueRace(async () => { runs++; throw new Error('other'); }),
        /other/);
      assert.equal(runs, 1);
    });
});
