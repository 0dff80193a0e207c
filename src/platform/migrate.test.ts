import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDb } from './db.ts';
import { migrate } from './migrate.ts';
import { projectRoot } from './paths.ts';
import { createEmptyDatabase } from './testing/db.ts';

test('migrations apply in order on an empty database, once, and a changed applied file is refused', async () => {
  const empty = await createEmptyDatabase();
  const db = createDb(empty.url, { max: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'dangan-mig-'));
  try {
    await cp(join(projectRoot(), 'migrations'), dir, { recursive: true });
    const first = await migrate(db, dir);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
    assert.ok(files.length >= 6);
    assert.deepEqual(first.applied, files);
    assert.equal(first.applied[0], '001_catalog.sql');
    assert.deepEqual((await migrate(db, dir)).applied, []);
    // Two migrators at once (two processes starting together): the advisory lock makes one wait.
    const [a, b] = await Promise.all([migrate(db, dir), migrate(db, dir)]);
    assert.deepEqual([a.applied, b.applied], [[], []]);
    await writeFile(join(dir, '003_event_chain.sql'), '-- edited\n', { flag: 'a' });
    await assert.rejects(migrate(db, dir), /changed after it was applied/);
    // A failing migration rolls back entirely and is not recorded.
    await writeFile(join(dir, '003_event_chain.sql'), (await import('node:fs')).readFileSync(join(projectRoot(), 'migrations/003_event_chain.sql')));
    await writeFile(join(dir, '004_bad.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await assert.rejects(migrate(db, dir), /004_bad.sql failed/);
    const [t] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half_done'`);
    assert.equal(t!.n, 0);
  } finally {
    await db.close();
    await empty.drop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the database uses UTF-8 with the C.UTF-8 locale (never C, which drops Chinese from trigram search)', async () => {
  const empty = await createEmptyDatabase();
  const db = createDb(empty.url, { max: 1 });
  try {
    const [row] = await db.query<{ enc: string; ctype: string; up: string }>(
      `SELECT pg_encoding_to_char(encoding) AS enc, datctype AS ctype, upper('档案abc') AS up FROM pg_database WHERE datname = current_database()`);
    assert.deepEqual(row, { enc: 'UTF8', ctype: 'C.UTF-8', up: '档案ABC' });
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const [trgm] = await db.query<{ n: number }>(`SELECT array_length(show_trgm('竣工图'), 1) AS n`);
    assert.ok(trgm!.n > 0, 'Chinese characters must survive into trigrams');
  } finally {
    await db.close();
    await empty.drop();
  }
});
