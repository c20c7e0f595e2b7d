// Drops' pieces of the global migrations (kernel/store/migrations.ts), numbered 9. The stock
// invariant is a CHECK: whatever the code does, a variant's units on sale, held and sold never
// go below zero nor add up to other than its quantity, so the database refuses an oversell.
// A piece is never edited after it has shipped: add a new number instead.
import { strict as assert } from 'node:assert';
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

/** drop_take_holds as migration 19 made it (its SQL), for migration 24 to restate. */
const takeHolds19 = (): string => dropsMigrations.find((m) => m.version === 19)!.sql('postgres');

/**
 * drop_take_holds with the limits counted over LIMITED's statuses (drop.ts): migration 19's
 * function, its two counts of `('held', 'paid')` made `('held', 'paid', 'revoked')` and its
 * CREATE a CREATE OR REPLACE. Restated from 19's text rather than copied, so the one rule stays
 * in one place; the asserts stop the start-up if 19's text no longer reads as expected.
 */
function takeHoldsCountingRevoked(): string {
  const before = "status IN ('held', 'paid')";
  const sql = takeHolds19();
  assert.equal(sql.split(before).length - 1, 2, 'drop_take_holds counts the limits twice');
  assert.equal(sql.split('CREATE FUNCTION drop_take_holds').length - 1, 1);
  return sql.replaceAll(before, "status IN ('held', 'paid', 'revoked')")
    .replace('CREATE FUNCTION drop_take_holds', 'CREATE OR REPLACE FUNCTION drop_take_holds');
}

export const dropsMigrations: readonly MigrationPiece[] = [
  {
    version: 9,
    sql: (d) => `
      CREATE TABLE drops (
        drop_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_zh TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('merch', 'car')),
        price_fen ${int(d)} NOT NULL, deposit_fen ${int(d)} NOT NULL,
        opens_at_ms ${int(d)} NOT NULL, per_account_limit INTEGER NOT NULL,
        per_identity_limit INTEGER NOT NULL, variants TEXT NOT NULL,
        created_at_ms ${int(d)} NOT NULL);
      CREATE TABLE drop_variants (
        drop_id TEXT NOT NULL, variant TEXT NOT NULL, quantity ${int(d)} NOT NULL,
        available ${int(d)} NOT NULL CHECK (available >= 0),
        held ${int(d)} NOT NULL CHECK (held >= 0),
        sold ${int(d)} NOT NULL CHECK (sold >= 0),
        CHECK (available + held + sold = quantity),
        PRIMARY KEY (drop_id, variant));
      CREATE TABLE drop_holds (
        hold_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, quantity INTEGER NOT NULL,
        amount_fen ${int(d)} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'paid', 'expired', 'failed', 'cancelled')),
        source TEXT NOT NULL CHECK (source IN ('sale', 'waitlist')),
        payment_reference TEXT NOT NULL UNIQUE,
        created_at_ms ${int(d)} NOT NULL, expires_at_ms ${int(d)} NOT NULL,
        settled_at_ms ${int(d)}, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
        entry_id TEXT, UNIQUE (account_id, idempotency_key));
      CREATE INDEX drop_holds_account ON drop_holds (drop_id, account_id);
      CREATE INDEX drop_holds_identity ON drop_holds (drop_id, identity_key);
      CREATE INDEX drop_holds_due ON drop_holds (expires_at_ms) WHERE status = 'held';
      CREATE TABLE drop_waitlist (
        entry_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, seq ${int(d)} NOT NULL,
        joined_at_ms ${int(d)} NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed')),
        hold_id TEXT, UNIQUE (drop_id, seq));
      CREATE INDEX drop_waitlist_line ON drop_waitlist (drop_id, variant, seq)
        WHERE status = 'waiting';
      CREATE INDEX drop_waitlist_account ON drop_waitlist (drop_id, account_id);
    `,
  },
  {
    version: 19,
    // drop_take_holds: a batch of holds decided inside PostgreSQL (drops-postgres.ts
    // takeHoldsAtCommit), so the drop's lock is taken and released with no event-loop turn of
    // an API process while it is held. Its rules are decideHold's (drop.ts) and dropHold's
    // (drop-commands.ts) restated: replay or key reused first, then drop_not_found, then
    // decideHold in its order, the limits counted only for the buyers of commands whose
    // variant had units on sale when the batch began (as holdingsOf). The JS re-runs
    // decideHold on the figures each row returns and fails the command if the verdicts differ,
    // and test/drops-take-holds-postgres.test.ts runs random batches through both paths.
    // With a hold past due it decides nothing ('again'): ending one offers its units down the
    // waitlist, which the JS path does. SQLite has no such function.
    sql: (d) => (d === 'sqlite' ? '' : `
      CREATE FUNCTION drop_take_holds(cmds json, now_ms bigint)
      RETURNS TABLE (ord integer, verdict text, prior json, drop_row json,
        account_units bigint, identity_units bigint, available bigint, held bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        ids text[];
        c record;
        dr drops%ROWTYPE;
        p drop_holds%ROWTYPE;
        seen text[] := '{}';
        -- [available, held] by [drop, variant] as JSON text, kept here and written once at
        -- the end: a row updated once per hold in one transaction leaves a chain of versions
        -- that every later read of it walks (a batch of 500 took 350 ms).
        stock jsonb;
        -- The [drop, account] and [drop, identity] pairs whose units count (holdingsOf's).
        live jsonb;
        sk text;
        ak text;
        ik text;
        av bigint;
        hd bigint;
      BEGIN
        SELECT array_agg(DISTINCT x->>'d' ORDER BY x->>'d') INTO ids
          FROM json_array_elements(cmds) x;
        PERFORM 1 FROM drops WHERE drop_id = ANY(ids) ORDER BY drop_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM drop_holds WHERE status = 'held' AND expires_at_ms <= now_ms
            AND drop_id = ANY(ids)) THEN
          RETURN QUERY SELECT (t.o - 1)::integer, 'again'::text, NULL::json, NULL::json,
            0::bigint, 0::bigint, 0::bigint, 0::bigint
            FROM json_array_elements(cmds) WITH ORDINALITY AS t(x, o);
          RETURN;
        END IF;
        SELECT coalesce(jsonb_object_agg(json_build_array(v.drop_id, v.variant)::text,
            jsonb_build_array(v.available, v.held)), '{}') INTO stock
          FROM drop_variants v WHERE v.drop_id = ANY(ids);
        -- The buyers of commands that may succeed: the variant has units on sale as the batch
        -- begins, and the key took no hold before it.
        SELECT coalesce(jsonb_object_agg(k, true), '{}') INTO live FROM (
          SELECT DISTINCT unnest(ARRAY[json_build_array(x->>'d', 'a', x->>'a')::text,
            json_build_array(x->>'d', 'i', x->>'i')::text]) AS k
          FROM json_array_elements(cmds) x
          WHERE (stock->(json_build_array(x->>'d', x->>'v')::text)->>0)::bigint > 0
            AND NOT EXISTS (SELECT 1 FROM drop_holds h WHERE h.account_id = x->>'a'
              AND h.idempotency_key = x->>'k')) l;
        FOR c IN SELECT (t.o - 1)::integer AS o, x->>'d' AS d, x->>'v' AS v,
            (x->>'q')::integer AS q, x->>'a' AS a, x->>'i' AS i, x->>'k' AS k,
            x->>'h' AS h, x->>'id' AS id, (x->>'e')::bigint AS e
            FROM json_array_elements(cmds) WITH ORDINALITY AS t(x, o) ORDER BY t.o LOOP
          ord := c.o;
          prior := NULL;
          drop_row := NULL;
          account_units := 0;
          identity_units := 0;
          available := 0;
          held := 0;
          SELECT * INTO p FROM drop_holds WHERE account_id = c.a AND idempotency_key = c.k;
          IF FOUND THEN
            verdict := CASE WHEN p.request_hash = c.h THEN 'replay' ELSE 'key_reused' END;
            prior := row_to_json(p);
            RETURN NEXT;
            CONTINUE;
          END IF;
          IF dr.drop_id IS DISTINCT FROM c.d THEN
            SELECT * INTO dr FROM drops WHERE drop_id = c.d;
          END IF;
          IF dr.drop_id IS DISTINCT FROM c.d THEN
            verdict := 'drop_not_found';
            RETURN NEXT;
            CONTINUE;
          END IF;
          IF NOT (c.d = ANY(seen)) THEN
            seen := seen || c.d;
            drop_row := row_to_json(dr);
          END IF;
          sk := json_build_array(c.d, c.v)::text;
          ak := json_build_array(c.d, 'a', c.a)::text;
          ik := json_build_array(c.d, 'i', c.i)::text;
          -- The holds inserted earlier in the batch count: they are in the table.
          IF live ? ak THEN
            SELECT coalesce(sum(quantity), 0) INTO account_units FROM drop_holds
              WHERE drop_id = c.d AND account_id = c.a AND status IN ('held', 'paid');
          END IF;
          IF live ? ik THEN
            SELECT coalesce(sum(quantity), 0) INTO identity_units FROM drop_holds
              WHERE drop_id = c.d AND identity_key = c.i AND status IN ('held', 'paid');
          END IF;
          IF stock ? sk THEN
            available := (stock->sk->>0)::bigint;
            held := (stock->sk->>1)::bigint;
          END IF;
          verdict := CASE WHEN now_ms < dr.opens_at_ms THEN 'drop_not_open'
            WHEN NOT (stock ? sk) THEN 'unknown_variant'
            WHEN account_units + c.q > dr.per_account_limit THEN 'drop_limit_reached'
            WHEN identity_units + c.q > dr.per_identity_limit THEN 'drop_limit_reached'
            WHEN available < c.q THEN 'drop_sold_out' ELSE 'held' END;
          IF verdict = 'held' THEN
            INSERT INTO drop_holds (hold_id, drop_id, variant, account_id, identity_key,
              quantity, amount_fen, status, source, payment_reference, created_at_ms,
              expires_at_ms, settled_at_ms, idempotency_key, request_hash, entry_id)
            VALUES (c.id, c.d, c.v, c.a, c.i, c.q, (CASE WHEN dr.kind = 'car'
              THEN dr.deposit_fen ELSE dr.price_fen END) * c.q, 'held', 'sale', 'drp_' || c.id,
              now_ms, c.e, NULL, c.k, c.h, NULL);
            stock := stock || jsonb_build_object(sk,
              jsonb_build_array(available - c.q, held + c.q));
          END IF;
          RETURN NEXT;
        END LOOP;
        UPDATE drop_variants v SET available = (s.value->>0)::bigint,
            held = (s.value->>1)::bigint
          FROM jsonb_each(stock) s
          WHERE json_build_array(v.drop_id, v.variant)::text = s.key
            AND v.drop_id = ANY(ids)
            AND (v.available, v.held) IS DISTINCT FROM ((s.value->>0)::bigint,
              (s.value->>1)::bigint);
      END
      $fn$;
    `),
  },
  {
    // A `closed` waitlist status (drop.ts EntryStatus): a variant sold for good (every unit
    // paid) closes its waiting entries in the batch that sells its last unit, so no buyer is
    // told they wait for a unit that cannot come back. The entries of variants already sold
    // for good close here.
    // SQLite cannot alter a CHECK: the table is rebuilt, same columns in the same order, and its
    // indexes made again. PostgreSQL named the column's CHECK drop_waitlist_status_check.
    version: 20,
    sql: (d) => `
      ${d === 'postgres' ? `
      LOCK TABLE drop_waitlist IN SHARE ROW EXCLUSIVE MODE;
      ALTER TABLE drop_waitlist DROP CONSTRAINT drop_waitlist_status_check;
      ALTER TABLE drop_waitlist ADD CONSTRAINT drop_waitlist_status_check
        CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed', 'closed'));` : `
      CREATE TABLE drop_waitlist_v20 (
        entry_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, seq INTEGER NOT NULL,
        joined_at_ms INTEGER NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed', 'closed')),
        hold_id TEXT, UNIQUE (drop_id, seq));
      INSERT INTO drop_waitlist_v20 SELECT * FROM drop_waitlist;
      DROP TABLE drop_waitlist;
      ALTER TABLE drop_waitlist_v20 RENAME TO drop_waitlist;
      CREATE INDEX drop_waitlist_line ON drop_waitlist (drop_id, variant, seq)
        WHERE status = 'waiting';
      CREATE INDEX drop_waitlist_account ON drop_waitlist (drop_id, account_id);`}
      UPDATE drop_waitlist SET status = 'closed' WHERE status = 'waiting' AND EXISTS (
        SELECT 1 FROM drop_variants v WHERE v.drop_id = drop_waitlist.drop_id
          AND v.variant = drop_waitlist.variant AND v.sold = v.quantity);
    `,
  },
  {
    // drop_settle_holds: a batch of settles (payments, declines, cancels) decided inside
    // PostgreSQL (drops-postgres.ts settleHoldsAtCommit), as drop_take_holds does for holds, so
    // the drop's lock is taken and released in the COMMIT's message and never held across an
    // event-loop turn of an API process. Its rule is settleVerdict's (drop.ts) restated, per
    // command in arrival order against the hold as earlier commands left it: not found (no
    // such hold, another drop's or another buyer's), a payment of a paid hold (`paid_before`),
    // expired, closed, else the hold ends with the outcome asked: a sale moves its units from
    // held to sold, a decline or a cancel back on sale; a waitlist entry's hold marks its entry
    // bought or lapsed. The variants whose last unit this batch sold close their waiting
    // entries (as soldForGoodOf). Each row returns the hold as the command found it; the JS
    // re-runs settleVerdict on it and fails the command if the verdicts differ, and
    // test/drops-settle-holds-postgres.test.ts runs random batches through both paths.
    // It decides nothing ('again') when a hold of the drops is past due, or a decline or cancel
    // would return units of a variant someone waits for: the JS path offers those down the
    // waitlist (limits, offers), under the lock. SQLite has no such function.
    version: 21,
    sql: (d) => (d === 'sqlite' ? '' : `
      CREATE FUNCTION drop_settle_holds(cmds json, now_ms bigint)
      RETURNS TABLE (ord integer, verdict text, hold json)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        ids text[];
        c record;
        p drop_holds%ROWTYPE;
        -- [available, held, sold, quantity] by [drop, variant] as JSON text, written once at
        -- the end (as drop_take_holds: one version of each variant's row per batch).
        stock jsonb;
        -- The [drop, variant] keys this batch sold units of.
        sold_in jsonb := '{}';
        sk text;
        s jsonb;
      BEGIN
        SELECT array_agg(DISTINCT x->>'d' ORDER BY x->>'d') INTO ids
          FROM json_array_elements(cmds) x;
        PERFORM 1 FROM drops WHERE drop_id = ANY(ids) ORDER BY drop_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM drop_holds WHERE status = 'held' AND expires_at_ms <= now_ms
            AND drop_id = ANY(ids))
          OR EXISTS (SELECT 1 FROM json_array_elements(cmds) x
            JOIN drop_holds h ON h.hold_id = x->>'h' AND h.status = 'held'
            JOIN drop_waitlist w ON w.drop_id = h.drop_id AND w.variant = h.variant
              AND w.status = 'waiting'
            WHERE x->>'o' <> 'paid') THEN
          RETURN QUERY SELECT (t.o - 1)::integer, 'again'::text, NULL::json
            FROM json_array_elements(cmds) WITH ORDINALITY AS t(x, o);
          RETURN;
        END IF;
        -- Each hold named once (a batch of payments, nearly always): decided as a set, in
        -- one statement that reads the holds, ends them, marks their entries and moves each
        -- variant's stock once (a batch of 256 took 20 ms row by row, under the lock).
        IF (SELECT count(DISTINCT x->>'h') = count(*) FROM json_array_elements(cmds) x) THEN
          RETURN QUERY WITH asked AS (
              SELECT (t.o - 1)::integer AS o, x->>'d' AS d, x->>'h' AS h, x->>'a' AS a,
                x->>'o' AS oc FROM json_array_elements(cmds) WITH ORDINALITY AS t(x, o)),
            f AS (SELECT asked.o, asked.oc, hd.hold_id, hd.drop_id, hd.variant, hd.quantity,
                hd.entry_id,
                CASE WHEN hd.hold_id IS NULL OR hd.drop_id <> asked.d
                    OR (asked.a IS NOT NULL AND hd.account_id <> asked.a) THEN 'hold_not_found'
                  WHEN hd.status = 'held' THEN asked.oc
                  WHEN hd.status = 'paid' AND asked.oc = 'paid' THEN 'paid_before'
                  WHEN hd.status = 'expired' THEN 'hold_expired' ELSE 'hold_closed' END
                  AS verdict,
                row_to_json(hd) AS pj
              FROM asked LEFT JOIN drop_holds hd ON hd.hold_id = asked.h),
            ended AS (UPDATE drop_holds h SET status = f.verdict, settled_at_ms = now_ms FROM f
              WHERE h.hold_id = f.hold_id AND f.verdict IN ('paid', 'failed', 'cancelled')
              RETURNING 1),
            entries AS (UPDATE drop_waitlist w SET status = CASE WHEN f.verdict = 'paid'
                THEN 'bought' ELSE 'lapsed' END, hold_id = f.hold_id FROM f
              WHERE w.entry_id = f.entry_id AND f.verdict IN ('paid', 'failed', 'cancelled')
              RETURNING 1),
            moved AS (UPDATE drop_variants v SET available = v.available + m.back,
                held = v.held - m.units, sold = v.sold + m.sold
              FROM (SELECT f.drop_id, f.variant, sum(f.quantity) AS units,
                  sum(CASE WHEN f.verdict = 'paid' THEN f.quantity ELSE 0 END) AS sold,
                  sum(CASE WHEN f.verdict = 'paid' THEN 0 ELSE f.quantity END) AS back
                FROM f WHERE f.verdict IN ('paid', 'failed', 'cancelled')
                GROUP BY f.drop_id, f.variant) m
              WHERE v.drop_id = m.drop_id AND v.variant = m.variant RETURNING 1)
            SELECT f.o, f.verdict, CASE WHEN f.verdict = 'hold_not_found' THEN NULL
              ELSE f.pj END FROM f ORDER BY f.o;
          -- The variants whose last unit a payment of this batch sold close their lines.
          UPDATE drop_waitlist w SET status = 'closed' FROM drop_variants v
            WHERE v.drop_id = ANY(ids) AND v.sold = v.quantity AND w.drop_id = v.drop_id
              AND w.variant = v.variant AND w.status = 'waiting'
              AND EXISTS (SELECT 1 FROM json_array_elements(cmds) x JOIN drop_holds h
                ON h.hold_id = x->>'h' WHERE x->>'o' = 'paid' AND h.status = 'paid'
                  AND h.settled_at_ms = now_ms AND h.drop_id = v.drop_id
                  AND h.variant = v.variant);
          RETURN;
        END IF;
        -- A hold named twice: command by command, each seeing what the ones before it did.
        SELECT coalesce(jsonb_object_agg(json_build_array(v.drop_id, v.variant)::text,
            jsonb_build_array(v.available, v.held, v.sold, v.quantity)), '{}') INTO stock
          FROM drop_variants v WHERE v.drop_id = ANY(ids);
        FOR c IN SELECT (t.o - 1)::integer AS o, x->>'d' AS d, x->>'h' AS h, x->>'a' AS a,
            x->>'o' AS oc
            FROM json_array_elements(cmds) WITH ORDINALITY AS t(x, o) ORDER BY t.o LOOP
          ord := c.o;
          hold := NULL;
          SELECT * INTO p FROM drop_holds WHERE hold_id = c.h;
          IF NOT FOUND OR p.drop_id <> c.d OR (c.a IS NOT NULL AND p.account_id <> c.a) THEN
            verdict := 'hold_not_found';
            RETURN NEXT;
            CONTINUE;
          END IF;
          hold := row_to_json(p);
          IF p.status <> 'held' THEN
            verdict := CASE WHEN p.status = 'paid' AND c.oc = 'paid' THEN 'paid_before'
              WHEN p.status = 'expired' THEN 'hold_expired' ELSE 'hold_closed' END;
            RETURN NEXT;
            CONTINUE;
          END IF;
          verdict := c.oc;
          UPDATE drop_holds SET status = c.oc, settled_at_ms = now_ms WHERE hold_id = c.h;
          IF p.entry_id IS NOT NULL THEN
            UPDATE drop_waitlist SET status = CASE WHEN c.oc = 'paid' THEN 'bought'
              ELSE 'lapsed' END, hold_id = p.hold_id WHERE entry_id = p.entry_id;
          END IF;
          sk := json_build_array(p.drop_id, p.variant)::text;
          s := stock->sk;
          IF c.oc = 'paid' THEN
            stock := stock || jsonb_build_object(sk, jsonb_build_array((s->>0)::bigint,
              (s->>1)::bigint - p.quantity, (s->>2)::bigint + p.quantity, s->3));
            sold_in := sold_in || jsonb_build_object(sk, true);
          ELSE
            stock := stock || jsonb_build_object(sk, jsonb_build_array(
              (s->>0)::bigint + p.quantity, (s->>1)::bigint - p.quantity, s->2, s->3));
          END IF;
          RETURN NEXT;
        END LOOP;
        UPDATE drop_variants v SET available = (s.value->>0)::bigint,
            held = (s.value->>1)::bigint, sold = (s.value->>2)::bigint
          FROM jsonb_each(stock) s
          WHERE json_build_array(v.drop_id, v.variant)::text = s.key
            AND v.drop_id = ANY(ids)
            AND (v.available, v.held, v.sold) IS DISTINCT FROM ((s.value->>0)::bigint,
              (s.value->>1)::bigint, (s.value->>2)::bigint);
        UPDATE drop_waitlist w SET status = 'closed' FROM drop_variants v
          WHERE sold_in ? json_build_array(v.drop_id, v.variant)::text
            AND v.drop_id = ANY(ids) AND v.sold = v.quantity
            AND w.drop_id = v.drop_id AND w.variant = v.variant AND w.status = 'waiting';
      END
      $fn$;
    `),
  },
  {
    // A `revoked` hold status (drop.ts HoldStatus): a purchase an operator cancelled as
    // suspicious (drop-revoke.ts). Unlike the buyer's own `cancelled`, its units keep counting
    // against that account's and identity's limits in the drop (drop.ts LIMITED), so the ring
    // cannot buy the returned unit again (the attacker's finding 4). The holds an operator
    // cancelled before this migration are found by their audit entries (drop_hold_cancelled).
    // SQLite cannot alter a CHECK: the table is rebuilt, same columns in the same order, and
    // its indexes made again. PostgreSQL named the column's CHECK drop_holds_status_check, and
    // drop_take_holds (migration 19) is replaced to count revoked holds as the JS path does.
    version: 24,
    sql: (d) => `
      ${d === 'postgres' ? `
      LOCK TABLE drop_holds IN SHARE ROW EXCLUSIVE MODE;
      ALTER TABLE drop_holds DROP CONSTRAINT drop_holds_status_check;
      ALTER TABLE drop_holds ADD CONSTRAINT drop_holds_status_check CHECK (status IN
        ('held', 'paid', 'expired', 'failed', 'cancelled', 'revoked'));
      UPDATE drop_holds SET status = 'revoked' WHERE status = 'cancelled' AND hold_id IN (
        SELECT detail::json->>'hold_id' FROM audit_log WHERE action = 'drop_hold_cancelled');
      ${takeHoldsCountingRevoked()}` : `
      CREATE TABLE drop_holds_v24 (
        hold_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, quantity INTEGER NOT NULL,
        amount_fen INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN
          ('held', 'paid', 'expired', 'failed', 'cancelled', 'revoked')),
        source TEXT NOT NULL CHECK (source IN ('sale', 'waitlist')),
        payment_reference TEXT NOT NULL UNIQUE,
        created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
        settled_at_ms INTEGER, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
        entry_id TEXT, UNIQUE (account_id, idempotency_key));
      INSERT INTO drop_holds_v24 SELECT * FROM drop_holds;
      DROP TABLE drop_holds;
      ALTER TABLE drop_holds_v24 RENAME TO drop_holds;
      CREATE INDEX drop_holds_account ON drop_holds (drop_id, account_id);
      CREATE INDEX drop_holds_identity ON drop_holds (drop_id, identity_key);
      CREATE INDEX drop_holds_due ON drop_holds (expires_at_ms) WHERE status = 'held';
      UPDATE drop_holds SET status = 'revoked' WHERE status = 'cancelled' AND hold_id IN (
        SELECT json_extract(detail, '$.hold_id') FROM audit_log
        WHERE action = 'drop_hold_cancelled');`}
    `,
  },
];
