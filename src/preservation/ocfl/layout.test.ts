import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { objectRootPath } from './layout.ts';
import { OcflObjectStore } from './object.ts';
import { RecordingBackend, streamOf, TempDirBackend } from './test-backend.ts';

let backend: TempDirBackend;
before(async () => {
  backend = await TempDirBackend.create();
});
after(() => backend.close());

test('0004 mapping matches the examples published with the extension', () => {
  assert.equal(objectRootPath('object-01'), '3c0/ff4/240/3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4');
  assert.equal(objectRootPath('..hor/rib:le-$id'), '487/326/d8c/487326d8c2a3c0b885e23da1469b4d6671fd4e76978924b4443e9e3c316cda6d');
});

test('an object lands at sha256(id) split 3×3 then the full digest, under the configured storage root', async () => {
  const id = 'urn:dangan:volume:德州市/2025/0001';
  const d = createHash('sha256').update(Buffer.from(id, 'utf8')).digest('hex');
  const path = `ocfl/${d.slice(0, 3)}/${d.slice(3, 6)}/${d.slice(6, 9)}/${d}`;
  const store = new OcflObjectStore(backend, { root: 'ocfl' });
  assert.equal(store.objectRoot(id), path);
  await store.createOrUpdate(id, [{ logicalPath: 'metadata/volume.xml', source: streamOf('<volume/>') }], { message: 'm', user: { name: 'u' } });
  assert.equal(await readFile(backend.path(`${path}/0=ocfl_object_1.1`), 'utf8'), 'ocfl_object_1.1\n');
  assert.ok(await backend.head(`${path}/v1/content/metadata/volume.xml`));
});

test('the storage root declares OCFL 1.1, its layout and the sm3 extension', async () => {
  const store = new OcflObjectStore(backend, { root: 'ocfl/' });
  await store.init();
  const read = (p: string) => readFile(backend.path(`ocfl/${p}`), 'utf8');
  assert.equal(await read('0=ocfl_1.1'), 'ocfl_1.1\n');
  const layout = JSON.parse(await read('ocfl_layout.json')) as Record<string, unknown>;
  assert.equal(layout.extension, '0004-hashed-n-tuple-storage-layout');
  assert.equal(typeof layout.description, 'string');
  assert.deepEqual(JSON.parse(await read('extensions/0004-hashed-n-tuple-storage-layout/config.json')), {
    extensionName: '0004-hashed-n-tuple-storage-layout',
    digestAlgorithm: 'sha256',
    tupleSize: 3,
    numberOfTuples: 3,
    shortObjectRoot: false,
  });
  const sm3 = JSON.parse(await read('extensions/dangan-sm3-fixity/config.json')) as { extensionName: string; digestAlgorithms: Record<string, { emptyBitstreamDigest: string }> };
  assert.equal(sm3.extensionName, 'dangan-sm3-fixity');
  assert.equal(sm3.digestAlgorithms.sm3?.emptyBitstreamDigest, createHash('sm3').update('').digest('hex'));
  assert.match(await read('dangan-sm3-fixity.md'), /GB\/T 32905/);
});

test('init refuses a storage root with another layout and never rewrites an existing one', async () => {
  const other = new OcflObjectStore(backend, { root: 'other' });
  await backend.put('other/extensions/0004-hashed-n-tuple-storage-layout/config.json', streamOf('{"tupleSize":2}'));
  await assert.rejects(other.init(), /another declaration or layout/);
  const recording = new RecordingBackend(backend);
  await new OcflObjectStore(recording, { root: 'ocfl' }).init();
  assert.deepEqual(recording.calls, [], 'an initialised root is only read');
});
