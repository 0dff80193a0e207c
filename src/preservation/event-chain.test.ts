import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../platform/db.ts';
import { runCli } from '../platform/testing/cli.ts';
import { createTestDatabase, type TestDatabase } from '../platform/testing/db.ts';
import { GENESIS, appendEvent, eventHash, verifyChain } from './event-chain.ts';

let t: TestDatabase;
let db: Db;
before(async () => {
  t = await createTestDatabase();
  db = t.db;
  for (let i = 1; i <= 5; i++) {
    await db.tx((tx) => appendEvent(tx, { actor: 'user:tester', action: 'test.step', subject: `thing:${i}`, data: { i, 名称: '竣工图', nested: { b: 2, a: [1, 0.5] } } }));
  }
});
after(() => t.drop());

/** Runs the real command line (`dangan audit verify`) against the test database. */
const cli = (...args: string[]) => runCli(args, { DATABASE_URL: t.url });

test('events link: the first points at the genesis hash, each next one at the hash of the one before', async () => {
  const rows = await db.query<{ seq: number; prev: string; hash: string }>('SELECT seq, prev, hash FROM event ORDER BY seq');
  assert.equal(rows.length, 5);
  assert.equal(rows[0]!.prev, GENESIS);
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prev, rows[i - 1]!.hash);
});

test('the hash is SM3 over prev and the canonical event, so any field change changes it', () => {
  const e = { seq: 1, at: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'x.y', subject: 's', repositoryId: null, data: { k: 1 }, prev: GENESIS };
  const h = eventHash(e);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.notEqual(eventHash({ ...e, data: { k: 2 } }), h);
  assert.notEqual(eventHash({ ...e, actor: 'b' }), h);
  assert.notEqual(eventHash({ ...e, at: '2026-01-01T00:00:00.001Z' }), h);
  assert.equal(eventHash({ ...e, data: { k: 1 } }), h);
});

test('an intact chain verifies, through the API and through `dangan audit verify`', async () => {
  const v = await verifyChain(db);
  assert.equal(v.ok, true);
  assert.equal(v.count, 5);
  const r = cli('audit', 'verify', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), v);
  assert.match(r.stdout, /"anchor":"5:[0-9a-f]{64}"/);
});

test('the append-only trigger refuses an UPDATE and a DELETE', async () => {
  await assert.rejects(db.query(`UPDATE event SET actor = 'mallory' WHERE seq = 2`), /append-only/);
  await assert.rejects(db.query('DELETE FROM event WHERE seq = 2'), /append-only/);
});

test('verification is paged: a small page size gives the same verdict', async () => {
  const v = await verifyChain(db, 2);
  assert.deepEqual(v, await verifyChain(db));
});

test('editing a stored event (trigger bypassed, as a DBA could) is found and the broken link named', async () => {
  await db.query('ALTER TABLE event DISABLE TRIGGER event_no_update');
  try {
    await db.query(`UPDATE event SET data = jsonb_set(data, '{i}', '99') WHERE seq = 3`);
    const v = await verifyChain(db);
    assert.equal(v.ok, false);
    assert.equal(!v.ok && v.brokenAt, 3);
    assert.equal(!v.ok && v.reason, 'hash-mismatch');
    const r = cli('audit', 'verify');
    assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /BROKEN at event 3/);
    // Recomputing the edited row's own hash does not help: the next event still points at the old one.
    const [row] = await db.query<{ seq: number; at: Date; actor: string; action: string; subject: string; repository_id: string | null; data: Record<string, unknown>; prev: string }>(
      'SELECT seq, at, actor, action, subject, repository_id, data, prev FROM event WHERE seq = 3');
    const forged = eventHash({ seq: 3, at: row!.at.toISOString(), actor: row!.actor, action: row!.action, subject: row!.subject, repositoryId: row!.repository_id, data: row!.data, prev: row!.prev });
    await db.query('UPDATE event SET hash = $1 WHERE seq = 3', [forged]);
    const v2 = await verifyChain(db);
    assert.equal(!v2.ok && v2.brokenAt, 4);
    assert.equal(!v2.ok && v2.reason, 'prev-mismatch');
  } finally {
    await db.query('ALTER TABLE event ENABLE TRIGGER event_no_update');
  }
});

test('a deleted event is reported as a gap at its sequence number', async () => {
  const fresh = await createTestDatabase();
  try {
    for (let i = 0; i < 3; i++) await fresh.db.tx((tx) => appendEvent(tx, { actor: 'a', action: 'x', subject: `s${i}` }));
    await fresh.db.query('ALTER TABLE event DISABLE TRIGGER event_no_update');
    await fresh.db.query('DELETE FROM event WHERE seq = 2');
    const v = await verifyChain(fresh.db);
    assert.equal(!v.ok && v.reason, 'gap');
    assert.equal(!v.ok && v.brokenAt, 2);
  } finally {
    await fresh.drop();
  }
});

test('concurrent appends from many transactions still form one unbroken chain', async () => {
  const fresh = await createTestDatabase();
  try {
    await Promise.all(Array.from({ length: 20 }, (_, i) => fresh.db.tx((tx) => appendEvent(tx, { actor: 'a', action: 'x', subject: `c${i}` }))));
    const v = await verifyChain(fresh.db);
    assert.equal(v.ok, true);
    assert.equal(v.count, 20);
  } finally {
    await fresh.drop();
  }
});

test('an event appended in a transaction that rolls back leaves no trace', async () => {
  const before = await verifyChain(db, 1000);
  await assert.rejects(db.tx(async (tx) => {
    await appendEvent(tx, { actor: 'a', action: 'x', subject: 'rolled-back' });
    throw new Error('boom');
  }), /boom/);
  const [n] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM event WHERE subject = 'rolled-back'`);
  assert.equal(n!.n, 0);
  assert.equal((await verifyChain(db, 1000)).count, before.count);
});

test('an anchor kept outside the database catches removed newest events and a rewritten anchored event', async () => {
  const fresh = await createTestDatabase();
  try {
    for (let i = 0; i < 5; i++) await fresh.db.tx((tx) => appendEvent(tx, { actor: 'a', action: 'x', subject: `t${i}` }));
    const v = await verifyChain(fresh.db);
    assert.equal(v.ok, true);
    const anchor = v.ok ? v.anchor : '';
    assert.match(anchor, /^5:[0-9a-f]{64}$/);
    const env = { DATABASE_URL: fresh.url };
    assert.equal(runCli(['audit', 'verify', '--anchor', anchor], env).status, 0);
    assert.equal(runCli(['audit', 'verify', '--anchor', 'not-an-anchor'], env).status, 2);
    // Cut off the newest two events: the chain that remains is internally consistent …
    await fresh.db.query('ALTER TABLE event DISABLE TRIGGER event_no_update');
    await fresh.db.query('DELETE FROM event WHERE seq > 3');
    assert.equal((await verifyChain(fresh.db)).ok, true);
    // … but the anchor recorded earlier proves events are missing.
    const cut = runCli(['audit', 'verify', '--anchor', anchor, '--json'], env);
    assert.equal(cut.status, 1);
    assert.deepEqual([JSON.parse(cut.stdout).reason, JSON.parse(cut.stdout).brokenAt], ['truncated', 4]);
    const [three] = await fresh.db.query<{ hash: string }>('SELECT hash FROM event WHERE seq = 3');
    const wrong = await verifyChain(fresh.db, 2000, [{ seq: 3, hash: '0'.repeat(64) }]);
    assert.deepEqual(!wrong.ok && [wrong.reason, wrong.brokenAt], ['anchor-mismatch', 3]);
    assert.equal((await verifyChain(fresh.db, 2000, [{ seq: 3, hash: three!.hash }])).ok, true);
  } finally {
    await fresh.drop();
  }
});
