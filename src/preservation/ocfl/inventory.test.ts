import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { addVersion, parseSidecar, serializeInventory, stateOf, validateInventory, type Inventory, type VersionEntry } from './inventory.ts';
import { OcflError } from './paths.ts';

const ID = 'urn:dangan:volume:0190f4a2-7c1e-7000-8000-000000000001';
const META = { created: '2025-03-01T08:00:00Z', message: '接收', user: { name: '张三', address: 'mailto:zhangsan@example.org' } };
const h = (alg: string, s: string) => createHash(alg).update(s, 'utf8').digest('hex');
const entry = (logicalPath: string, text: string): VersionEntry => ({
  logicalPath,
  digests: { sha512: h('sha512', text), sha256: h('sha256', text), sm3: h('sm3', text), size: Buffer.byteLength(text) },
});

function threeVersions(): Inventory {
  const v1 = addVersion(undefined, ID, [entry('001-项目建议书.pdf', 'pdf one'), entry('metadata/volume.xml', '<v>1</v>')], META).inventory;
  const v2 = addVersion(v1, ID, [entry('001-项目建议书.pdf', 'pdf one'), entry('metadata/volume.xml', '<v>2</v>')], { ...META, message: '著录修改' }).inventory;
  return addVersion(v2, ID, [entry('metadata/volume.xml', '<v>2</v>'), entry('002-批复.pdf', 'pdf two')], { ...META, message: '删除项目建议书' }).inventory;
}

test('v1: OCFL 1.1 header, content paths vN/content/<logical path>, state by sha512', () => {
  const { inventory: inv, version, stored } = addVersion(undefined, ID, [entry('001-项目建议书.pdf', 'pdf one'), entry('metadata/volume.xml', '<v>1</v>')], META);
  assert.equal(version, 'v1');
  assert.equal(inv.type, 'https://ocfl.io/1.1/spec/#inventory');
  assert.equal(inv.digestAlgorithm, 'sha512');
  assert.equal(inv.head, 'v1');
  assert.equal(inv.contentDirectory, undefined, 'the default "content" is not written');
  assert.deepEqual(inv.manifest[h('sha512', 'pdf one')], ['v1/content/001-项目建议书.pdf']);
  assert.deepEqual(inv.versions.v1?.state[h('sha512', '<v>1</v>')], ['metadata/volume.xml']);
  assert.deepEqual(inv.versions.v1?.user, META.user);
  assert.equal(inv.versions.v1?.message, '接收');
  assert.deepEqual([...stored.keys()], ['001-项目建议书.pdf', 'metadata/volume.xml']);
  assert.deepEqual(validateInventory(inv), []);
});

test('an unchanged file is not stored again: the manifest keeps pointing at the first copy', () => {
  const inv = threeVersions();
  assert.deepEqual(Object.keys(inv.versions), ['v1', 'v2', 'v3']);
  assert.equal(inv.head, 'v3');
  assert.deepEqual(inv.manifest[h('sha512', 'pdf one')], ['v1/content/001-项目建议书.pdf']);
  assert.deepEqual(inv.manifest[h('sha512', '<v>2</v>')], ['v2/content/metadata/volume.xml'], 'stored in v2, reused by v3');
  assert.equal(Object.values(inv.manifest).flat().length, 4, 'four distinct contents, four content paths');
  assert.deepEqual(validateInventory(inv), []);
});

test('a file left out of a version leaves its state but stays in earlier versions and the manifest', () => {
  const inv = threeVersions();
  assert.deepEqual([...stateOf(inv, 'v3').keys()], ['002-批复.pdf', 'metadata/volume.xml']);
  assert.deepEqual([...stateOf(inv, 'v2').keys()], ['001-项目建议书.pdf', 'metadata/volume.xml']);
  assert.ok(inv.manifest[h('sha512', 'pdf one')]);
  assert.equal(stateOf(inv, 'v1').get('metadata/volume.xml'), h('sha512', '<v>1</v>'));
});

test('two logical paths with the same bytes share one content path; a rename stores nothing', () => {
  const v1 = addVersion(undefined, ID, [entry('a.pdf', 'same'), entry('copy/a.pdf', 'same')], META);
  assert.deepEqual(v1.inventory.manifest[h('sha512', 'same')], ['v1/content/a.pdf']);
  assert.deepEqual(v1.inventory.versions.v1?.state[h('sha512', 'same')], ['a.pdf', 'copy/a.pdf']);
  assert.deepEqual([...v1.stored.keys()], ['a.pdf']);
  const v2 = addVersion(v1.inventory, ID, [entry('renamed.pdf', 'same')], META);
  assert.equal(v2.stored.size, 0);
  assert.deepEqual(v2.inventory.versions.v2?.state, { [h('sha512', 'same')]: ['renamed.pdf'] });
});

test('fixity holds sha256, sm3 and size for every content path, lower-case hex', () => {
  const inv = threeVersions();
  const paths = Object.values(inv.manifest).flat().sort();
  for (const alg of ['sha256', 'sm3', 'size']) {
    const block = inv.fixity?.[alg] ?? {};
    assert.deepEqual(Object.values(block).flat().sort(), paths, `${alg} covers every content path`);
  }
  assert.deepEqual(inv.fixity?.sm3?.[h('sm3', 'pdf one')], ['v1/content/001-项目建议书.pdf']);
  assert.deepEqual(inv.fixity?.sha256?.[h('sha256', 'pdf two')], ['v3/content/002-批复.pdf']);
  assert.deepEqual(inv.fixity?.size?.['7'], ['v1/content/001-项目建议书.pdf', 'v3/content/002-批复.pdf']);
  for (const k of Object.keys(inv.fixity?.sm3 ?? {})) assert.match(k, /^[0-9a-f]{64}$/);
});

test('bad logical paths are refused with their rule codes', () => {
  const codes = (paths: string[]) => {
    try {
      addVersion(undefined, ID, paths.map((p, i) => entry(p, String(i))), META);
      return [];
    } catch (err) {
      assert.ok(err instanceof OcflError);
      return err.findings.map((f) => f.code);
    }
  };
  assert.deepEqual(codes(['a/../b']), ['E052']);
  assert.deepEqual(codes(['a//b']), ['E052']);
  assert.deepEqual(codes(['./a']), ['E052']);
  assert.deepEqual(codes(['']), ['E052']);
  assert.deepEqual(codes(['/a']), ['E053']);
  assert.deepEqual(codes(['a/']), ['E053']);
  assert.deepEqual(codes(['e\u0301.pdf']), ['DANGAN-NFC']);
  assert.deepEqual(codes(['a\\b']), ['DANGAN-CHARS']);
  assert.deepEqual(codes(['a', 'a/b']), ['E095']);
  assert.deepEqual(codes(['x.pdf', 'x.pdf']), ['E095']);
  assert.deepEqual(codes(['ok/项目.pdf', 'ok/b.pdf']), []);
});

test('the id cannot change and created must be RFC 3339', () => {
  const v1 = addVersion(undefined, ID, [entry('a', 'a')], META).inventory;
  assert.throws(() => addVersion(v1, 'urn:other', [entry('a', 'a')], META), (e: OcflError) => e.findings[0]?.code === 'E110');
  assert.throws(() => addVersion(undefined, ID, [entry('a', 'a')], { ...META, created: '2025-03-01 08:00' }), (e: OcflError) => e.findings[0]?.code === 'E049');
});

test('serialisation is deterministic: sorted keys at every depth, 2-space indent, sidecar "<sha512> inventory.json\\n"', () => {
  const inv = threeVersions();
  const reordered: Inventory = { versions: inv.versions, manifest: inv.manifest, head: inv.head, id: inv.id, type: inv.type, digestAlgorithm: inv.digestAlgorithm, ...(inv.fixity ? { fixity: inv.fixity } : {}) };
  const a = serializeInventory(inv);
  assert.deepEqual(a.bytes, serializeInventory(reordered).bytes);
  const text = a.bytes.toString('utf8');
  assert.ok(text.startsWith('{\n  "digestAlgorithm": "sha512",\n  "fixity": {'));
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), inv);
  assert.equal(a.sha512, createHash('sha512').update(a.bytes).digest('hex'));
  assert.equal(a.sidecar, `${a.sha512} inventory.json\n`);
  assert.equal(parseSidecar(a.sidecar), a.sha512);
  assert.equal(parseSidecar(`${a.sha512.toUpperCase()}\t  inventory.json`), a.sha512);
  assert.equal(parseSidecar(`${a.sha512} inventory.jsonx\n`), undefined);
  assert.equal(parseSidecar('inventory.json'), undefined);
});
