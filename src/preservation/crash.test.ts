/**
 * kill -9 at any moment of a write or a replication: after restart no half-written object is visible at
 * any location, no volume is marked preserved wrongly, and the next run finishes the job.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { createRecord, createVolume } from '../catalog/index.ts';
import { childEnv } from '../platform/testing/cli.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { ocflIdFor, packageState, intact } from './service.ts';
import { generated } from './storage/contract.ts';

let srv: TestServer;
let volumeId: string;
const SIZE = 160 * 1024 * 1024;

before(async () => {
  srv = await startTestServer({ web: false });
  const [unit] = await srv.rt.db.query<{ id: string }>(`SELECT u.id FROM unit_project u JOIN repository r ON r.id = u.repository_id WHERE r.code = 'DZ' ORDER BY u.code LIMIT 1`);
  const stored = await srv.rt.store.put(generated(SIZE));
  const system = { kind: 'system' as const, name: 'test' };
  volumeId = await srv.rt.db.tx(async (tx) => {
    const v = await createVolume(tx, system, unit!.id, { archivalCode: 'D1-2025-BIG-001', title: '大体量竣工图（扫描）', category: 'D', subclass: 'D1', year: 2025, retention: 'permanent', classification: 'none', access: 'restricted' });
    await createRecord(tx, system, v.id, { title: '总平面竣工图（高分辨率扫描）', author: '设计院', date: '2025-05-01', docNumber: 'ZP-01', pages: 1, subclass: 'D1', origin: 'digitised' },
      [{ fileName: '总平面竣工图.tif', format: 'image/tiff', size: stored.size, sha256: stored.sha256, sha512: stored.sha512, sm3: stored.sm3, storageKey: stored.key }]);
    return v.id;
  });
});
after(() => srv.close());

function preserveInChild(): { kill(): Promise<void>; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dev.ts', 'preserve', '--volume', 'D1-2025-BIG-001'], {
    env: childEnv({ DATABASE_URL: srv.databaseUrl, DANGAN_DATA_DIR: srv.dataDir, LOG_LEVEL: 'silent' }), stdio: 'ignore',
  });
  const done = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { done, kill: async () => void (child.kill('SIGKILL'), await done) };
}

/** The invariants that must hold whenever a process dies. */
async function assertConsistent(label: string): Promise<void> {
  const id = ocflIdFor(volumeId);
  const state = await packageState(srv.rt.db, volumeId);
  let verifiedHere = 0;
  for (const l of srv.rt.preservation.online) {
    const inv = await l.store.tryReadInventory(id).catch(() => undefined);
    if (inv === undefined) continue; // no root inventory: the object is not visible at all
    const report = await l.store.validateObject(id);
    // Leftovers of an interrupted version are "unexpected" files, never a damaged visible object.
    assert.ok(intact(report), `${label}: visible object at ${l.config.name} must verify: ${JSON.stringify(report.findings.slice(0, 3))}`);
    verifiedHere++;
  }
  if (state?.state === 'preserved') {
    assert.equal(verifiedHere, 3, `${label}: preserved means three verified copies exist`);
    assert.ok(state.replicas.every((r) => r.state === 'verified'));
  }
}

test('kill -9 during the write and during replication leaves every location consistent; a rerun finishes', async () => {
  for (const delay of [1500, 3500, 6000]) {
    const run = preserveInChild();
    await new Promise((r) => setTimeout(r, delay));
    await run.kill();
    await assertConsistent(`killed after ${delay} ms`);
  }
  const final = preserveInChild();
  assert.equal(await final.done, 0);
  await assertConsistent('after the final run');
  const state = (await packageState(srv.rt.db, volumeId))!;
  assert.equal(state.state, 'preserved');
  assert.equal(state.headVersion, 1, 'interrupted attempts never became versions');
  for (const l of srv.rt.preservation.online) {
    const report = await l.store.validateObject(ocflIdFor(volumeId));
    assert.equal(report.valid, true, `${l.config.name}: leftovers of the killed writes are cleaned by the next write: ${JSON.stringify(report.findings.slice(0, 3))}`);
  }
});
