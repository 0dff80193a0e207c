/** Offline copies: `dangan export` writes verified BagIt bags; `dangan import` verifies and re-ingests them. */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../platform/testing/cli.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { verifyBag } from './bagit/index.ts';
import { ocflIdFor, packageState } from './service.ts';

let srv: TestServer;
let out: string;
before(async () => {
  srv = await startTestServer({ web: false, preserve: true });
  out = await mkdtemp(join(tmpdir(), 'dangan-disc-'));
});
after(async () => {
  await srv.close();
  await rm(out, { recursive: true, force: true });
});
const env = () => ({ DATABASE_URL: srv.databaseUrl, DANGAN_DATA_DIR: srv.dataDir });

test('export writes one verified bag per volume with SHA-256 and SM3 manifests, and records it in the chain', async () => {
  const r = runCli(['export', '--volumes', 'A1-2023-0001-001,D2-2025-0001-001', '--to', join(out, 'disc1'), '--json'], env());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const bags = (await readdir(join(out, 'disc1'))).sort();
  assert.deepEqual(bags, ['DZ_A1-2023-0001-001', 'DZ_D2-2025-0001-001']);
  for (const b of bags) {
    const report = await verifyBag(join(out, 'disc1', b));
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    assert.deepEqual([...report.algorithms.payload].sort(), ['sha256', 'sm3']);
  }
  const info = await readFile(join(out, 'disc1', 'DZ_A1-2023-0001-001', 'bag-info.txt'), 'utf8');
  assert.match(info, /External-Identifier: A1-2023-0001-001/);
  assert.match(info, /Source-Organization: 德州市城建档案馆/);
  const [n] = await srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM event WHERE action = 'preservation.exported'`);
  assert.equal(n!.n, 2);
  const unknown = runCli(['export', '--volumes', 'NO-SUCH', '--to', join(out, 'x')], env());
  assert.equal(unknown.status, 2);
});

test('import re-ingests a lost package from its bag and replicates it; a second import finds it present', async () => {
  const [v] = await srv.rt.db.query<{ id: string }>(`SELECT id FROM volume WHERE archival_code = 'A1-2023-0001-001'`);
  const p = srv.rt.preservation;
  const id = ocflIdFor(v!.id);
  for (const l of p.online) await rm(join(srv.dataDir, 'preservation', l.config.name, l.store.objectRoot(id)), { recursive: true, force: true });
  const r = runCli(['import', join(out, 'disc1', 'DZ_A1-2023-0001-001'), '--json'], env());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((x: { status: string; state: string }) => [x.status, x.state]), [['imported', 'preserved']]);
  for (const l of p.online) assert.equal((await l.store.validateObject(id)).valid, true, l.config.name);
  assert.equal((await packageState(srv.rt.db, v!.id))!.state, 'preserved');
  const again = runCli(['import', join(out, 'disc1'), '--json'], env());
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).map((x: { status: string }) => x.status), ['already-present', 'already-present']);
});

test('a tampered bag is refused with its problems named, and nothing is written', async () => {
  const [v] = await srv.rt.db.query<{ id: string }>(`SELECT id FROM volume WHERE archival_code = 'D2-2025-0001-001'`);
  const p = srv.rt.preservation;
  const id = ocflIdFor(v!.id);
  await rm(join(srv.dataDir, 'preservation', 'primary', p.primary.store.objectRoot(id)), { recursive: true, force: true });
  const bag = join(out, 'disc1', 'DZ_D2-2025-0001-001');
  const inv = JSON.parse(await readFile(join(bag, 'data', 'inventory.json'), 'utf8'));
  const pdf = Object.values(inv.manifest as Record<string, string[]>).flat().find((x) => x.endsWith('.pdf'))!;
  await appendFile(join(bag, 'data', pdf), 'tampered');
  const r = runCli(['import', bag], env());
  assert.equal(r.status, 1);
  assert.match(r.stderr, /does not verify/);
  assert.equal(await p.primary.store.tryReadInventory(id), undefined, 'nothing written at the primary');
  // The audit puts the primary copy back from a replica, as it would after any loss.
  const audit = runCli(['audit', 'fixity', '--now', '--location', 'primary'], env());
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.equal((await p.primary.store.validateObject(id)).valid, true);
});
