import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { OcflObjectStore, type NewFile } from './object.ts';
import type { Finding } from './paths.ts';
import { bytesOf, RecordingBackend, streamOf, TempDirBackend } from './test-backend.ts';

const USER = { name: '档案员', address: 'mailto:archivist@example.org' };
let backend: TempDirBackend;
let n = 0;
before(async () => {
  backend = await TempDirBackend.create();
});
after(() => backend.close());

const files = (m: Record<string, string>): NewFile[] => Object.entries(m).map(([logicalPath, s]) => ({ logicalPath, source: streamOf(s) }));
const codes = (fs: readonly Finding[]) => fs.map((f) => `${f.code}:${f.kind}:${f.path ?? ''}`);

/** A fresh object with two versions, written through a backend that can crash. */
async function twoVersions(): Promise<{ id: string; store: OcflObjectStore; rec: RecordingBackend; root: string }> {
  const id = `urn:dangan:volume:faults-${++n}`;
  const rec = new RecordingBackend(backend);
  const store = new OcflObjectStore(rec);
  await store.createOrUpdate(id, files({ '001-项目建议书.pdf': 'pdf', 'metadata/volume.xml': '<v>1</v>' }), { message: 'v1', user: USER });
  await store.createOrUpdate(id, files({ '001-项目建议书.pdf': 'pdf', 'metadata/volume.xml': '<v>2</v>' }), { message: 'v2', user: USER });
  return { id, store, rec, root: store.objectRoot(id) };
}

test('crash after content and version inventory, before the root inventory: previous head stays; orphans reported, then cleaned', async () => {
  const { id, rec, root } = await twoVersions();
  rec.crashWhen = (key) => key === `${root}/inventory.json`;
  const crashing = new OcflObjectStore(rec);
  await assert.rejects(crashing.createOrUpdate(id, files({ 'metadata/volume.xml': '<v>3</v>', '002-批复.pdf': 'new pdf' }), { message: 'v3', user: USER }), /simulated crash/);
  assert.ok(await backend.head(`${root}/v3/inventory.json`), 'the half-written version is still there (no cleanup after a crash)');

  const restarted = new OcflObjectStore(backend); // a new process
  assert.equal((await restarted.readInventory(id)).head, 'v2');
  assert.deepEqual(await bytesOf(await restarted.openFile(id, 'metadata/volume.xml')), Buffer.from('<v>2</v>'));
  const report = await restarted.validateObject(id);
  assert.deepEqual(codes(report.findings), [
    'E046:unexpected:v3/content/002-批复.pdf',
    'E046:unexpected:v3/content/metadata/volume.xml',
    'E046:unexpected:v3/inventory.json',
    'E046:unexpected:v3/inventory.json.sha512',
  ]);
  assert.equal((await restarted.verifyFixity(id)).ok, true);

  const r = await restarted.createOrUpdate(id, files({ 'metadata/volume.xml': '<v>3b</v>' }), { message: 'v3 again', user: USER });
  assert.equal(r.version, 'v3');
  assert.deepEqual(r.cleaned.map((k) => k.slice(root.length + 1)).sort(), ['v3/content/002-批复.pdf', 'v3/content/metadata/volume.xml', 'v3/inventory.json', 'v3/inventory.json.sha512']);
  assert.deepEqual((await restarted.validateObject(id)).findings, []);
  assert.equal(await backend.head(`${root}/v3/content/002-批复.pdf`), undefined);
});

test('crash between the root inventory and its sidecar: the new version is committed and readable', async () => {
  const { id, rec, root } = await twoVersions();
  rec.crashWhen = (key) => key === `${root}/inventory.json.sha512`;
  await assert.rejects(new OcflObjectStore(rec).createOrUpdate(id, files({ 'a.txt': 'three' }), { message: 'v3', user: USER }), /simulated crash/);
  const store = new OcflObjectStore(backend);
  assert.equal((await store.readInventory(id)).head, 'v3');
  assert.deepEqual(codes((await store.validateObject(id)).findings), ['E060:corrupted:inventory.json'], 'stale root sidecar until the next write');
  await store.createOrUpdate(id, files({ 'a.txt': 'four' }), { message: 'v4', user: USER });
  assert.deepEqual((await store.validateObject(id)).findings, []);
});

test('crash in the middle of v1: no object yet; the next write starts v1 cleanly', async () => {
  const id = `urn:dangan:volume:faults-${++n}`;
  const rec = new RecordingBackend(backend);
  rec.crashWhen = (key) => key.endsWith('/v1/content/b.pdf');
  await assert.rejects(new OcflObjectStore(rec).createOrUpdate(id, files({ 'a.pdf': 'a', 'b.pdf': 'b' }), { message: 'v1', user: USER }), /simulated crash/);
  const store = new OcflObjectStore(backend);
  assert.equal(await store.tryReadInventory(id), undefined);
  await assert.rejects(store.readInventory(id), /E063/);
  const r = await store.createOrUpdate(id, files({ 'a.pdf': 'a', 'b.pdf': 'b' }), { message: 'v1', user: USER });
  assert.equal(r.version, 'v1');
  assert.deepEqual((await store.validateObject(id)).findings, []);
});

test('a root inventory lost after v1 is not silently overwritten by a new v1', async () => {
  const { id, store, root } = await twoVersions();
  await backend.delete(`${root}/inventory.json`);
  await backend.delete(`${root}/inventory.json.sha512`);
  await assert.rejects(store.createOrUpdate(id, files({ x: 'x' }), { message: 'x', user: USER }), /repair by hand/);
  assert.ok(await backend.head(`${root}/v1/content/001-项目建议书.pdf`));
});

test('a source stream that fails mid-way leaves no trace and the head unchanged', async () => {
  const { id, store } = await twoVersions();
  const broken = new Readable({
    read() {
      this.destroy(new Error('upload interrupted'));
    },
  });
  await assert.rejects(store.createOrUpdate(id, [...files({ 'ok.pdf': 'ok' }), { logicalPath: 'broken.pdf', source: broken }], { message: 'v3', user: USER }), /upload interrupted/);
  assert.equal((await store.readInventory(id)).head, 'v2');
  assert.deepEqual((await store.validateObject(id)).findings, []);
});

test('tampering: a flipped byte is corrupted, a deleted file missing, stray files unexpected', async () => {
  const { id, store, root } = await twoVersions();
  const pdf = backend.path(`${root}/v1/content/001-项目建议书.pdf`);
  const bytes = await readFile(pdf);
  bytes[0] = bytes[0]! ^ 0x01;
  await writeFile(pdf, bytes);
  await rm(backend.path(`${root}/v2/content/metadata/volume.xml`));
  await backend.put(`${root}/notes.txt`, streamOf('stray'));
  await backend.put(`${root}/v1/content/extra.pdf`, streamOf('stray'));
  await backend.put(`${root}/v2/readme.txt`, streamOf('stray'));
  await backend.put(`${root}/extensions/stray.txt`, streamOf('stray'));
  await backend.put(`${root}/logs/2025.log`, streamOf('allowed'));

  const fixity = await store.verifyFixity(id);
  assert.equal(fixity.ok, false);
  const bad = fixity.files.filter((f) => f.status !== 'ok').map((f) => [f.contentPath, f.status, f.mismatched.sort().join(',')]);
  assert.deepEqual(bad, [
    ['v1/content/001-项目建议书.pdf', 'corrupted', 'sha256,sha512,sm3'],
    ['v2/content/metadata/volume.xml', 'missing', ''],
  ]);
  const report = await store.validateObject(id);
  assert.equal(report.valid, false);
  assert.deepEqual(codes(report.findings), [
    'E067:unexpected:extensions/stray.txt',
    'E001:unexpected:notes.txt',
    'E023:unexpected:v1/content/extra.pdf',
    'E015:unexpected:v2/readme.txt',
    'E092:corrupted:v1/content/001-项目建议书.pdf',
    'E092:missing:v2/content/metadata/volume.xml',
  ]);
  await assert.rejects(bytesOf(await store.openFile(id, '001-项目建议书.pdf', 'v1')), /E092/);
});

test('tampered inventories and declaration are caught', async () => {
  const { id, store, root } = await twoVersions();
  const inv = backend.path(`${root}/inventory.json`);
  const text = await readFile(inv, 'utf8');
  await writeFile(inv, text.replace('"message": "v2"', '"message": "v2!"'));
  await assert.rejects(store.readInventory(id), /E060/);
  await writeFile(inv, text);
  await writeFile(backend.path(`${root}/v1/inventory.json`), (await readFile(backend.path(`${root}/v1/inventory.json`), 'utf8')).replace('"v1"', '"v1 "'));
  await writeFile(backend.path(`${root}/0=ocfl_object_1.1`), 'ocfl_object_1.0\n');
  const found = codes((await store.validateObject(id)).findings);
  assert.ok(found.includes('E007:corrupted:0=ocfl_object_1.1'), found.join(' '));
  assert.ok(found.includes('E060:corrupted:v1/inventory.json'), found.join(' '));
});
