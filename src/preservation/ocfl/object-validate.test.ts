import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { serializeInventory, type Inventory } from './inventory.ts';
import { objectRootPath } from './layout.ts';
import { OcflObjectStore } from './object.ts';
import { streamOf, TempDirBackend } from './test-backend.ts';

const USER = { name: '档案员', address: 'mailto:archivist@example.org' };
let backend: TempDirBackend;
let store: OcflObjectStore;
let n = 0;
before(async () => {
  backend = await TempDirBackend.create();
  store = new OcflObjectStore(backend);
});
after(() => backend.close());

async function object(): Promise<{ id: string; root: string }> {
  const id = `urn:dangan:volume:validate-${++n}`;
  await store.createOrUpdate(id, [{ logicalPath: 'a.pdf', source: streamOf('a') }, { logicalPath: 'm/volume.xml', source: streamOf('<v>1</v>') }], { message: 'v1', user: USER });
  await store.createOrUpdate(id, [{ logicalPath: 'a.pdf', unchanged: true }, { logicalPath: 'm/volume.xml', source: streamOf('<v>2</v>') }], { message: 'v2', user: USER });
  return { id, root: store.objectRoot(id) };
}

/** Rewrites an inventory (root: dir '') and its sidecar so that the sidecar still matches. */
async function rewrite(root: string, dir: string, change: (inv: Inventory) => void): Promise<void> {
  const file = backend.path(`${root}/${dir}inventory.json`);
  const inv = JSON.parse(await readFile(file, 'utf8')) as Inventory;
  change(inv);
  const s = serializeInventory(inv);
  await writeFile(file, s.bytes);
  await writeFile(`${file}.sha512`, s.sidecar);
}

async function codes(id: string): Promise<string[]> {
  return (await store.validateObject(id)).findings.map((f) => `${f.code}:${f.kind}`);
}

test('E003: no object at all, or no declaration', async () => {
  assert.deepEqual(await codes('urn:dangan:volume:absent'), ['E003:missing']);
  const { id, root } = await object();
  await backend.delete(`${root}/0=ocfl_object_1.1`);
  await backend.put(`${root}/0=ocfl_object_1.0`, streamOf('ocfl_object_1.0\n'));
  assert.deepEqual(await codes(id), ['E003:missing', 'E003:unexpected']);
});

test('E063: no root inventory', async () => {
  const { id, root } = await object();
  await backend.delete(`${root}/inventory.json`);
  assert.deepEqual(await codes(id), ['E063:missing']);
});

test('E058 / E061: root sidecar missing or malformed; reads fall back to the head version sidecar', async () => {
  const { id, root } = await object();
  const sidecar = backend.path(`${root}/inventory.json.sha512`);
  await writeFile(sidecar, 'not a sidecar\n');
  assert.deepEqual(await codes(id), ['E061:invalid']);
  // Still readable: the bytes match the head version's own sidecar (the same rule that survives a crash before the root sidecar).
  assert.equal((await store.readInventory(id)).head, 'v2');
  await rm(sidecar);
  assert.deepEqual(await codes(id), ['E058:missing']);
  assert.equal((await store.readInventory(id)).head, 'v2');
  await rm(backend.path(`${root}/v2/inventory.json.sha512`));
  await assert.rejects(store.readInventory(id), /E058/, 'no sidecar vouches for the root inventory any more');
});

test('W010: a version without its own inventory', async () => {
  const { id, root } = await object();
  await backend.delete(`${root}/v1/inventory.json`);
  await backend.delete(`${root}/v1/inventory.json.sha512`);
  assert.deepEqual(await codes(id), ['W010:missing']);
  assert.equal((await store.validateObject(id)).valid, true, 'a warning only');
});

test('E066 / W011: an earlier version inventory that tells another story', async () => {
  const { id, root } = await object();
  await rewrite(root, 'v1/', (inv) => {
    const v1 = inv.versions.v1!;
    const [digest, paths] = Object.entries(v1.state)[0]!;
    v1.state = { ...v1.state, [digest]: paths.map((p) => `renamed-${p}`) };
    v1.message = 'edited';
  });
  assert.deepEqual(await codes(id), ['E066:invalid', 'W011:invalid']);
});

test('E064: the root inventory differs from the head version inventory; E093: fixity value wrong while sha512 is right', async () => {
  const { id, root } = await object();
  await rewrite(root, '', (inv) => {
    const sm3 = inv.fixity!.sm3!;
    const [digest, paths] = Object.entries(sm3).find(([, p]) => p.includes('v1/content/a.pdf'))!;
    delete sm3[digest];
    sm3['0'.repeat(64)] = paths;
  });
  assert.deepEqual(await codes(id), ['E064:corrupted', 'E093:corrupted']);
  const fixity = await store.verifyFixity(id);
  assert.deepEqual(fixity.files.filter((f) => f.status !== 'ok').map((f) => [f.contentPath, f.mismatched]), [['v1/content/a.pdf', ['sm3']]]);
});

test('E083: the inventory at an object root names another object', async () => {
  const { root } = await object();
  const other = 'urn:dangan:volume:someone-else';
  for await (const o of backend.list(`${root}/`)) {
    await backend.put(`${objectRootPath(other)}/${o.key.slice(root.length + 1)}`, await backend.get(o.key));
  }
  assert.ok((await codes(other)).includes('E083:invalid'));
  await assert.rejects(store.readInventory(other), /E083/);
});

test('W002: a directory other than content inside a version directory', async () => {
  const { id, root } = await object();
  await backend.put(`${root}/v1/notes/readme.txt`, streamOf('x'));
  assert.deepEqual(await codes(id), ['W002:unexpected']);
});

test('logs/ and extensions/<name>/ are allowed in the object root', async () => {
  const { id, root } = await object();
  await backend.put(`${root}/logs/audit.log`, streamOf('x'));
  await backend.put(`${root}/extensions/other-ext/config.json`, streamOf('{}'));
  assert.deepEqual(await codes(id), []);
});
