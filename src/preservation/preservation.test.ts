import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { childEnv, runCli } from '../platform/testing/cli.ts';
import { TestClient } from '../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { runAudit } from './audit.ts';
import { ocflIdFor, packageState } from './service.ts';
import { verifyChain } from './event-chain.ts';

let srv: TestServer;
let volumes: { id: string; archival_code: string }[];
before(async () => {
  srv = await startTestServer({ web: false, preserve: true });
  volumes = await srv.rt.db.query<{ id: string; archival_code: string }>('SELECT id, archival_code FROM volume ORDER BY archival_code, id');
});
after(() => srv.close());

const p = () => srv.rt.preservation;
const cliEnv = () => ({ DATABASE_URL: srv.databaseUrl, DANGAN_DATA_DIR: srv.dataDir });
const objectFile = (location: string, volumeId: string, rel: string) =>
  join(srv.dataDir, 'preservation', location, p().location(location).store.objectRoot(ocflIdFor(volumeId)), rel);

async function contentPaths(volumeId: string): Promise<string[]> {
  const inv = await p().primary.store.readInventory(ocflIdFor(volumeId));
  return Object.values(inv.manifest).flat().filter((x) => x.includes('/records/'));
}

test('every demo volume is preserved: an OCFL object verified at all three locations, one of them off-site', async () => {
  assert.equal(volumes.length, 7);
  for (const v of volumes) {
    const s = (await packageState(srv.rt.db, v.id))!;
    assert.equal(s.state, 'preserved', v.archival_code);
    assert.deepEqual(s.replicas.map((r) => [r.location, r.state, r.version]), [['primary', 'verified', 1], ['same-city', 'verified', 1], ['off-site', 'verified', 1]]);
    for (const l of p().online) assert.equal((await l.store.validateObject(ocflIdFor(v.id))).valid, true);
  }
  const archivist = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  const r = await archivist.get(`/api/volumes/${volumes[0]!.id}/preservation`);
  assert.equal(r.status, 200);
  assert.equal(r.body.package.state, 'preserved');
  const viewer = await new TestClient(srv.baseUrl).login('viewer', srv.demoPassword);
  assert.equal((await viewer.get(`/api/volumes/${volumes[0]!.id}/preservation`)).body.code, 'auth.forbidden');
});

test('the package holds the original bytes under their names plus volume.xml, volume.json and events.json', async () => {
  const v = volumes.find((x) => x.archival_code === 'A1-2023-0001-001')!;
  const files = await p().primary.store.listFiles(ocflIdFor(v.id));
  const names = files.map((f) => f.logicalPath);
  assert.ok(names.includes('metadata/volume.xml') && names.includes('metadata/volume.json') && names.includes('metadata/events.json'));
  assert.ok(names.includes('records/001/001-项目建议书批复文件及项目建议书.pdf'), names.join('\n'));
  const xml = await readFile(objectFile('primary', v.id, 'v1/content/metadata/volume.xml'), 'utf8');
  assert.match(xml, /<档号>A1-2023-0001-001<\/档号>/);
  assert.match(xml, /<保管期限>永久<\/保管期限>/);
  const pdf = await readFile(objectFile('primary', v.id, 'v1/content/records/001/001-项目建议书批复文件及项目建议书.pdf'));
  const [c] = await srv.rt.db.query<{ sha256: string }>(`SELECT c.sha256 FROM component c JOIN record r ON r.id = c.record_id WHERE r.volume_id = $1 AND r.seq = 1`, [v.id]);
  assert.equal((await import('node:crypto')).createHash('sha256').update(pdf).digest('hex'), c!.sha256);
  const inv = JSON.parse(await readFile(objectFile('off-site', v.id, 'inventory.json'), 'utf8'));
  assert.deepEqual(Object.keys(inv.fixity).sort(), ['sha256', 'size', 'sm3']);
});

test('a metadata change makes a new version; unchanged files are not stored again; nothing is overwritten', async () => {
  const v = volumes.find((x) => x.archival_code === 'E1-2025-0001-001')!;
  const v1Xml = await readFile(objectFile('primary', v.id, 'v1/content/metadata/volume.xml'), 'utf8');
  await srv.rt.db.query(`UPDATE volume SET title = title || '（修订）' WHERE id = $1`, [v.id]);
  const s = await p().preserveVolume(v.id, 'user:test');
  assert.equal(s.headVersion, 2);
  assert.equal(s.state, 'preserved');
  assert.equal(await readFile(objectFile('primary', v.id, 'v1/content/metadata/volume.xml'), 'utf8'), v1Xml);
  assert.match(await readFile(objectFile('off-site', v.id, 'v2/content/metadata/volume.xml'), 'utf8'), /（修订）/);
  assert.equal(existsSync(objectFile('primary', v.id, 'v2/content/records')), false, 'PDFs are not stored twice');
  // Preserving again with no change writes no version.
  assert.equal((await p().preserveVolume(v.id, 'user:test')).headVersion, 2);
});

test('flip a byte, delete a file, add a stray: audits find all three, repair two from healthy copies, report the stray', async () => {
  const [a, b, c] = [volumes[0]!, volumes[1]!, volumes[2]!];
  const pa = (await contentPaths(a.id))[0]!;
  const pb = (await contentPaths(b.id))[0]!;
  const good = await readFile(objectFile('primary', a.id, pa));
  const flipped = Buffer.from(good);
  flipped[100] = flipped[100]! ^ 0x01;
  await writeFile(objectFile('same-city', a.id, pa), flipped);
  await rm(objectFile('off-site', b.id, pb));
  await writeFile(objectFile('primary', c.id, 'v1/content/stray.txt'), 'not ours');

  const reports = [];
  for (const location of ['primary', 'same-city', 'off-site']) reports.push(await runAudit(p(), { location, mode: 'full', actor: 'user:test' }));
  const all = reports.flatMap((r) => r.findings.map((f) => ({ ...f, location: r.location })));
  assert.deepEqual(all.map((f) => [f.location, f.kind, f.repaired]).sort(), [['off-site', 'missing', true], ['primary', 'unexpected', false], ['same-city', 'corrupted', true]]);
  assert.equal(reports.reduce((n, r) => n + r.unrepaired, 0), 0);
  assert.ok(reports.every((r) => r.status === 'done' && r.objectsChecked === 7));
  assert.deepEqual(await readFile(objectFile('same-city', a.id, pa)), good, 'the corrupted copy now holds the good bytes');
  assert.ok(existsSync(objectFile('off-site', b.id, pb)));
  assert.equal(await readFile(objectFile('primary', c.id, 'v1/content/stray.txt'), 'utf8'), 'not ours', 'stray files are reported, not deleted');
  const events = await srv.rt.db.query<{ action: string }>(`SELECT action FROM event WHERE action LIKE 'preservation.%' AND seq > 0`);
  assert.equal(events.filter((e) => e.action === 'preservation.repaired').length, 2);
  assert.equal(events.filter((e) => e.action === 'preservation.audit.finding').length, 3);
  assert.equal((await verifyChain(srv.rt.db)).ok, true);
  for (const v of [a, b, c]) assert.equal((await packageState(srv.rt.db, v.id))!.state, 'preserved');
  // The CLI agrees: nothing left unrepaired → exit 0 (the stray is listed as reported).
  const cli = runCli(['audit', 'fixity', '--now', '--location', 'primary'], cliEnv());
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /unexpected\s+reported/);
  await rm(objectFile('primary', c.id, 'v1/content/stray.txt'));
});

test('damage with no healthy copy anywhere is not "repaired" from bad bytes, and the CLI exits 1', async () => {
  const v = volumes[3]!;
  const path = (await contentPaths(v.id))[0]!;
  const good = await readFile(objectFile('primary', v.id, path));
  for (const l of ['primary', 'same-city', 'off-site']) await appendFile(objectFile(l, v.id, path), 'x');
  const cli = runCli(['audit', 'fixity', '--now', '--json'], cliEnv());
  assert.equal(cli.status, 1, cli.stderr);
  const reports = JSON.parse(cli.stdout) as { location: string; unrepaired: number }[];
  assert.deepEqual(reports.map((r) => r.unrepaired), [1, 1, 1]);
  assert.equal((await packageState(srv.rt.db, v.id))!.state, 'degraded');
  // Put the good bytes back at one location: the next audit repairs the other two from it.
  await writeFile(objectFile('off-site', v.id, path), good);
  const again = runCli(['audit', 'fixity', '--now'], cliEnv());
  assert.equal(again.status, 0, again.stdout + again.stderr);
  const st = (await packageState(srv.rt.db, v.id))!;
  assert.equal(st.state, 'preserved', JSON.stringify(st.replicas));
});

test('an audit stopped by its budget resumes from its checkpoint and checks each package once', async () => {
  const first = await runAudit(p(), { location: 'same-city', mode: 'full', actor: 'user:test', maxObjects: 3 });
  assert.equal(first.status, 'interrupted');
  assert.equal(first.objectsChecked, 3);
  const second = await runAudit(p(), { location: 'same-city', mode: 'full', actor: 'user:test' });
  assert.equal(second.resumed, true);
  assert.equal(second.runId, first.runId);
  assert.equal(second.objectsChecked, 7);
  const fresh = await runAudit(p(), { location: 'same-city', mode: 'full', actor: 'user:test' });
  assert.equal(fresh.resumed, false);
});

test('a sample audit checks a deterministic share of the packages', async () => {
  const r = await runAudit(p(), { location: 'off-site', mode: 'sample', samplePercent: 50, actor: 'user:test' });
  assert.equal(r.status, 'done');
  assert.ok(r.objectsChecked >= 1 && r.objectsChecked < 7, `checked ${r.objectsChecked}`);
});

test('kill -9 during an audit: the run stays resumable and the next call finishes it from the checkpoint', async () => {
  const cfgFile = join(srv.dataDir, 'slow-storage.json');
  const cfg = { ...p().config, audit: { ...p().config.audit, bytesPerSecond: 15_000 } };
  await writeFile(cfgFile, JSON.stringify(cfg));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dev.ts', 'audit', 'fixity', '--now', '--location', 'off-site'], {
    env: childEnv({ ...cliEnv(), DANGAN_STORAGE_CONFIG: cfgFile, LOG_LEVEL: 'silent' }), stdio: 'ignore',
  });
  // Throttled by the config (≈ 1 package a second): wait until it has checked one package, then kill it hard.
  let checked = 0;
  for (let i = 0; i < 200 && checked === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const [row] = await srv.rt.db.query<{ n: number }>(`SELECT objects_checked AS n FROM audit_run WHERE location = 'off-site' AND status = 'running' ORDER BY started_at DESC LIMIT 1`);
    checked = row?.n ?? 0;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const [stale] = await srv.rt.db.query<{ id: string; status: string; objects_checked: number; checkpoint: string }>(
    `SELECT id, status, objects_checked, checkpoint FROM audit_run WHERE location = 'off-site' ORDER BY started_at DESC LIMIT 1`);
  assert.equal(stale!.status, 'running');
  assert.ok(stale!.objects_checked >= 1 && stale!.objects_checked < 7, `killed after ${stale!.objects_checked}`);
  assert.notEqual(stale!.checkpoint, '');
  const resumed = await runAudit(p(), { location: 'off-site', mode: 'full', actor: 'user:test' });
  assert.equal(resumed.runId, stale!.id);
  assert.equal(resumed.resumed, true);
  assert.equal(resumed.objectsChecked, 7);
});

test('dangan restore rebuilds a wiped location and proves a 100 % fixity match', async () => {
  await rm(join(srv.dataDir, 'preservation', 'off-site'), { recursive: true, force: true });
  const audit = await runAudit(p(), { location: 'off-site', mode: 'full', actor: 'user:test', maxObjects: 1 });
  assert.ok(audit.findings.length >= 1, 'a wiped location is noticed by an audit');
  await rm(join(srv.dataDir, 'preservation', 'off-site'), { recursive: true, force: true });
  const r = runCli(['restore', '--location', 'off-site', '--json'], cliEnv());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.objects, 7);
  assert.equal(report.verified, 7);
  assert.deepEqual(report.failed, []);
  for (const v of volumes) {
    assert.equal((await p().location('off-site').store.validateObject(ocflIdFor(v.id))).valid, true);
    assert.equal((await packageState(srv.rt.db, v.id))!.state, 'preserved');
  }
});

test('changing a preserved volume through the API queues a new package version (never an overwrite)', async () => {
  const archivist = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  const v = volumes.find((x) => x.archival_code === 'C5-2024-0001-001')!;
  const before = (await packageState(srv.rt.db, v.id))!.headVersion;
  const r = await archivist.req('PATCH', `/api/volumes/${v.id}/access`, { access: 'restricted', classification: 'internal', reason: '含隐蔽工程细节' });
  assert.equal(r.status, 204);
  let head = before;
  for (let i = 0; i < 100 && head === before; i++) {
    await new Promise((res) => setTimeout(res, 200));
    head = (await packageState(srv.rt.db, v.id))!.headVersion;
  }
  assert.equal(head, before + 1);
  const xml = await readFile(objectFile('primary', v.id, `v${head}/content/metadata/volume.xml`), 'utf8');
  assert.match(xml, /<密级>内部<\/密级>/);
  for (let i = 0; i < 100 && (await packageState(srv.rt.db, v.id))!.state !== 'preserved'; i++) await new Promise((res) => setTimeout(res, 200));
  assert.equal((await packageState(srv.rt.db, v.id))!.state, 'preserved');
});
