/**
 * Export → verify → import between two temp-dir FsBackend stores, with a three-version object whose
 * names are Chinese (one given in NFD, one with "%" and a space). Also: already-present imports write
 * nothing, a bag is never overwritten, and the bag checks with sha256sum and openssl alone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OcflObjectStore } from '../ocfl/index.ts';
import { RecordingBackend, bytesOf } from '../ocfl/test-backend.ts';
import { BagExportError, exportVolumeBag, importVolumeBag, verifyBag, type ExportResult } from './index.ts';
import { BAG_INFO, buildVolume, filesUnder, tempDir, tempStore, VOLUME_ID, type TempStore } from './test-fixtures.ts';

let source: TempStore;
let target: TempStore;
let out: string;
let expected: Record<string, Record<string, Buffer>>;
let exported: ExportResult;

before(async () => {
  source = await tempStore();
  target = await tempStore();
  out = await tempDir();
  expected = await buildVolume(source.store);
  exported = await exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName: 'JG-2025-0001-001_A', bagInfo: { ...BAG_INFO, '载体编号': 'DVD-0001-A' }, now: new Date(2025, 4, 6) });
});
after(async () => {
  await source.close();
  await target.close();
  await rm(out, { recursive: true, force: true });
});

test('export writes a BagIt 1.0 bag whose data/ is the whole OCFL object, and nothing else', async () => {
  assert.equal(exported.path, join(out, 'JG-2025-0001-001_A'));
  assert.deepEqual(await readdir(out), ['JG-2025-0001-001_A'], 'no .partial-* left');
  assert.deepEqual((await readdir(exported.path)).sort(), ['bag-info.txt', 'bagit.txt', 'data', 'manifest-sha256.txt', 'manifest-sm3.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sm3.txt']);
  assert.equal(await readFile(join(exported.path, 'bagit.txt'), 'utf8'), 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  const root = source.store.objectRoot(VOLUME_ID);
  const objectFiles: string[] = [];
  for await (const o of source.backend.list(`${root}/`)) objectFiles.push(o.key.slice(root.length + 1));
  assert.deepEqual(await filesUnder(join(exported.path, 'data')), objectFiles.sort());
  assert.ok(objectFiles.includes('v3/inventory.json') && objectFiles.includes('v1/content/001-项目建议书.pdf'), 'all versions');
  for (const f of objectFiles) assert.deepEqual(await readFile(join(exported.path, 'data', f)), await readFile(join(source.dir, root, f)), f);
  assert.equal(exported.files, objectFiles.length);
  assert.equal(exported.head, 'v3');
  assert.deepEqual(exported.skipped, []);
});

test('bag-info.txt, manifests and names: 档号, Payload-Oxum, NFC UTF-8 names, "%" encoded as %25', async () => {
  const info = await readFile(join(exported.path, 'bag-info.txt'), 'utf8');
  const lines = info.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(':'))), [
    'Source-Organization', 'External-Identifier', 'Contact-Name', '载体编号', 'Bagging-Date', 'Bag-Size', 'Payload-Oxum', 'Dangan-OCFL-Id', 'Dangan-OCFL-Head', 'Bag-Software-Agent',
  ]);
  assert.ok(lines.includes('External-Identifier: JG-2025-0001-001') && lines.includes('Source-Organization: 某市城市建设档案馆'));
  assert.ok(lines.includes('Bagging-Date: 2025-05-06'));
  assert.ok(lines.includes(`Payload-Oxum: ${exported.bytes}.${exported.files}`));
  assert.ok(lines.includes(`Dangan-OCFL-Id: ${VOLUME_ID}`) && lines.includes('Dangan-OCFL-Head: v3'));
  const sha = await readFile(join(exported.path, 'manifest-sha256.txt'), 'utf8');
  assert.match(sha, /^[0-9a-f]{64} {2}data\/v1\/content\/施工图\/总平面图 2025%25定稿\.dwg$/m);
  const names = await filesUnder(join(exported.path, 'data'));
  const cafe = names.find((n) => n.includes('说明.txt'))!;
  assert.equal(cafe, 'v2/content/café-说明.txt'.normalize('NFC'), 'the NFD name arrives as NFC');
  assert.ok(names.every((n) => n === n.normalize('NFC')));
  assert.ok(sha.includes(`data/${cafe}`));
  assert.equal(exported.report.valid, true);
  assert.deepEqual(exported.report.warnings, []);
});

test('verifyBag reads the written bag back: valid, no warnings, sha256 and sm3 manifests and tag manifests', async () => {
  const r = await verifyBag(exported.path);
  assert.deepEqual([r.valid, r.errors, r.warnings], [true, [], []]);
  assert.equal(r.version, '1.0');
  assert.deepEqual(r.algorithms, { payload: ['sha256', 'sm3'], tag: ['sha256', 'sm3'] });
  assert.deepEqual(r.payload, { files: exported.files, bytes: exported.bytes });
});

test('import into another store: byte-identical object, valid, every version reads back', async () => {
  const r = await importVolumeBag({ dir: exported.path, store: target.store });
  assert.equal(r.status, 'imported');
  assert.equal(r.head, 'v3');
  assert.equal(r.validation.valid, true, JSON.stringify(r.validation.findings));
  const root = target.store.objectRoot(VOLUME_ID);
  assert.deepEqual(await filesUnder(join(target.dir, root)), await filesUnder(join(source.dir, source.store.objectRoot(VOLUME_ID))));
  for (const f of await filesUnder(join(target.dir, root))) assert.deepEqual(await readFile(join(target.dir, root, f)), await readFile(join(source.dir, root, f)), f);
  for (const [version, files] of Object.entries(expected)) {
    const listed = await target.store.listFiles(VOLUME_ID, version);
    assert.deepEqual(listed.map((f) => f.logicalPath).sort(), Object.keys(files).map((p) => p.normalize('NFC')).sort());
    for (const [p, b] of Object.entries(files)) assert.deepEqual(await bytesOf(await target.store.openFile(VOLUME_ID, p, version)), b, `${version} ${p}`);
  }
});

test('importing the same bag again reports "already present" and writes nothing', async () => {
  const recording = new RecordingBackend(target.backend);
  const r = await importVolumeBag({ dir: exported.path, store: new OcflObjectStore(recording) });
  assert.equal(r.status, 'already-present');
  assert.equal(r.files, 0);
  assert.deepEqual(recording.calls, []);
});

test('a bag is never overwritten, and a bag name cannot leave the target folder', async () => {
  const before = await readFile(join(exported.path, 'bag-info.txt'));
  await assert.rejects(exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName: 'JG-2025-0001-001_A', bagInfo: BAG_INFO }), (e: unknown) => e instanceof BagExportError && /already exists/.test(e.message));
  assert.deepEqual(await readFile(join(exported.path, 'bag-info.txt')), before);
  assert.deepEqual(await readdir(out), ['JG-2025-0001-001_A']);
  for (const bagName of ['../x', '.hidden', 'a/b', '']) {
    await assert.rejects(exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName, bagInfo: BAG_INFO }), BagExportError);
  }
  await assert.rejects(exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName: 'B', bagInfo: { ...BAG_INFO, 'Payload-Oxum': '1.1' } }), /computed/);
  await assert.rejects(exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName: 'B', bagInfo: { ...BAG_INFO, 'External-Identifier': ' ' } }), /value|required/);
  assert.deepEqual(await readdir(out), ['JG-2025-0001-001_A']);
});

test('anyone can check the bag with sha256sum and openssl, no Dangan code', { skip: !hasTools() }, () => {
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: exported.path, encoding: 'utf8' });
  const sha = sh(`sed 's/%25/%/g' manifest-sha256.txt | sha256sum -c`).trim().split('\n');
  assert.equal(sha.length, exported.files);
  assert.ok(sha.every((l) => l.endsWith(': OK')), sha.join('\n'));
  assert.equal(sh('sha256sum -c tagmanifest-sha256.txt').trim().split('\n').filter((l) => l.endsWith(': OK')).length, 4);
  const sm3 = sh(`sed 's/%25/%/g' manifest-sm3.txt | while read -r d p; do a=$(openssl dgst -sm3 -r "$p" | cut -d' ' -f1); [ "$a" = "$d" ] && echo "OK $p" || echo "BAD $p"; done`);
  assert.equal(sm3.trim().split('\n').filter((l) => l.startsWith('OK ')).length, exported.files, sm3);
});

function hasTools(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v sha256sum && echo | openssl dgst -sm3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
