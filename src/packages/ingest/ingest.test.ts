/** A submitted package, end to end: tus upload → ingest job → submission items, or a rejection with every problem. */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClient } from '../../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../../platform/testing/server.ts';
import { packFolder } from '../pack/index.ts';
import { goodFill, makeSource, tempDir, writeCatalog, PROJECT } from '../pack/test-fixtures.ts';
import { writeZip, zeroBody } from '../unpack/test-fixtures.ts';
import { submitFile, zipDir } from './testing.ts';

let srv: TestServer;
let submitter: TestClient;
let projectId: string;
let projectCode: string;
let work: string;

before(async () => {
  srv = await startTestServer({ web: false });
  submitter = await new TestClient(srv.baseUrl).login('submitter', srv.demoPassword);
  const [p] = await srv.rt.db.query<{ id: string; project_code: string }>(`SELECT p.id, p.project_code FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ' LIMIT 1`);
  projectId = p!.id;
  projectCode = p!.project_code;
  work = await tempDir();
});
after(async () => {
  await srv.close();
  await rm(work, { recursive: true, force: true });
});

/** Uploads a file in one PATCH and returns the submission id. */
const submit = (file: string) => submitFile(srv.baseUrl, submitter, projectId, file);

/** After unpacking, the automatic GD check moves a received submission on to checking and checked. */
const unpacked = (state: string) => (['received', 'checking', 'checked'].includes(state) ? 'received' : state);

async function outcome(id: string): Promise<{ state: string; problems: { code: string }[]; items: number }> {
  for (let i = 0; i < 150; i++) {
    const [row] = await srv.rt.db.query<{ state: string; problems: { code: string }[]; items: number; done: boolean }>(
      `SELECT s.state, s.problems, (SELECT count(*) FROM submission_item i WHERE i.submission_id = s.id) AS items,
              EXISTS (SELECT 1 FROM submission_package p WHERE p.submission_id = s.id) AS done FROM submission s WHERE s.id = $1`, [id]);
    if (row?.done) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('ingest did not finish');
}


async function danganPackage(name: string): Promise<string> {
  const src = join(work, `${name}-src`);
  await makeSource(src, { '立项批复.pdf': '%PDF-1.4 批复', '用地/规划许可证.pdf': '%PDF-1.4 许可证' });
  const fill = goodFill(['立项批复.pdf', '用地/规划许可证.pdf']);
  fill.project = { ...PROJECT, 项目代码: projectCode, 行政区划代码: '371402' };
  await mkdir(join(work, `${name}-cat`), { recursive: true });
  const catalog = await writeCatalog(join(work, `${name}-cat`), fill);
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: join(work, name), concurrency: 2 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return join(work, name);
}

test('a zipped Dangan package is unpacked into submission items with their digests', async () => {
  const bag = await danganPackage('good');
  const id = await submit(await zipDir(bag, join(work, 'good.zip')));
  const o = await outcome(id);
  assert.deepEqual([unpacked(o.state), o.items], ['received', 2], JSON.stringify(o.problems));
  const [pkg] = await srv.rt.db.query<{ package: { source: { format: string }; records: { title: string }[] } }>('SELECT package FROM submission_package WHERE submission_id = $1', [id]);
  assert.equal(pkg!.package.source.format, 'dangan-bag');
  assert.deepEqual(pkg!.package.records.map((r) => r.title), ['文件 1', '文件 2']);
  const [e] = await srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM event WHERE action = 'submission.unpacked' AND subject = $1`, [`submission:${id}`]);
  assert.equal(e!.n, 1);
  assert.deepEqual((await readdir(join(srv.dataDir, 'staging'))).filter((x) => !x.startsWith('.')), [], 'staging is cleaned up');
});

test('bad packages are rejected with every problem named; nothing is half-imported; the server stays up', async () => {
  const bag = await danganPackage('base');
  const cases: [string, () => Promise<string>, RegExp][] = [
    ['a manifest that lies about a digest', () => zipDir(bag, join(work, 'lie.zip'), (n, d) => (n.endsWith('立项批复.pdf') ? Buffer.concat([d, Buffer.from('x')]) : d)), /^bagit-/],
    ['a bag missing its manifest', () => zipDir(bag, join(work, 'nomanifest.zip'), (n, d) => (n.startsWith('manifest-') ? undefined : d)), /^bagit-/],
    ['a zip bomb', () => writeZip(join(work, 'bomb.zip'), [{ name: 'bagit.txt', data: Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n') }, { name: 'data/zeros.bin', body: zeroBody(4096), method: 8, declaredSize: 1024 }]), /^unpack-/],
    ['path traversal', () => writeZip(join(work, 'evil.zip'), [{ name: '../../evil.txt', data: Buffer.from('x') }]), /^unpack-/],
    ['a truncated zip', async () => { const z = await zipDir(bag, join(work, 'trunc-src.zip')); const b = await readFile(z); await writeFile(join(work, 'trunc.zip'), b.subarray(0, Math.floor(b.length / 2))); return join(work, 'trunc.zip'); }, /^unpack-/],
  ];
  for (const [what, make, code] of cases) {
    const id = await submit(await make());
    const o = await outcome(id);
    assert.equal(o.state, 'rejected', what);
    assert.equal(o.items, 0, `${what}: no items`);
    assert.ok(o.problems.some((p) => code.test(p.code)), `${what}: ${JSON.stringify(o.problems.map((p) => p.code))}`);
  }
  assert.equal((await new TestClient(srv.baseUrl).get('/healthz')).status, 200);
});

test('a package for another project is refused; a loose file becomes one item', async () => {
  const src = join(work, 'other-src');
  await makeSource(src, { 'a.pdf': '%PDF-1.4 a' });
  await mkdir(join(work, 'other-cat'), { recursive: true });
  const catalog = await writeCatalog(join(work, 'other-cat'), goodFill(['a.pdf']));
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: join(work, 'other'), concurrency: 1 });
  assert.ok(r.ok);
  const o = await outcome(await submit(await zipDir(join(work, 'other'), join(work, 'other.zip'))));
  assert.equal(o.state, 'rejected');
  assert.ok(o.problems.some((p) => p.code === 'project-mismatch'));
  await writeFile(join(work, '竣工验收报告.pdf'), '%PDF-1.4 loose file');
  const loose = await outcome(await submit(join(work, '竣工验收报告.pdf')));
  assert.deepEqual([unpacked(loose.state), loose.items], ['received', 1]);
});
