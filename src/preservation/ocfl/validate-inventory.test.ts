import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { addVersion, type Inventory, type VersionEntry } from './inventory.ts';
import { compareInventories, validateInventory } from './validate-inventory.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break inventories on purpose
type Loose = any;

const ID = 'urn:dangan:volume:1';
const META = { created: '2025-03-01T08:00:00+08:00', message: '接收', user: { name: '张三', address: 'mailto:zhangsan@example.org' } };
const h = (alg: string, s: string) => createHash(alg).update(s, 'utf8').digest('hex');
const entry = (logicalPath: string, text: string): VersionEntry => ({
  logicalPath,
  digests: { sha512: h('sha512', text), sha256: h('sha256', text), sm3: h('sm3', text), size: Buffer.byteLength(text) },
});
const A = h('sha512', 'a');
const B = h('sha512', 'b');
const v1 = addVersion(undefined, ID, [entry('dir/a.pdf', 'a')], META).inventory;
const base = addVersion(v1, ID, [entry('dir/a.pdf', 'a'), entry('b.xml', 'b')], { ...META, message: '著录修改' }).inventory;

function codesAfter(change: (inv: Loose) => void): string[] {
  const inv: Loose = structuredClone(base);
  change(inv);
  return [...new Set(validateInventory(inv).map((f) => f.code))].sort();
}

test('the inventories Dangan builds have no finding at all', () => {
  assert.deepEqual(validateInventory(v1), []);
  assert.deepEqual(validateInventory(base), []);
});

const cases: Array<[code: string, rule: string, change: (inv: Loose) => void]> = [
  ['E036', 'a required key is missing', (inv) => delete inv.digestAlgorithm],
  ['E037', 'id empty', (inv) => (inv.id = '')],
  ['W005', 'id not a URI', (inv) => (inv.id = 'volume 1')],
  ['E038', 'type is not the 1.1 inventory URI', (inv) => (inv.type = 'https://ocfl.io/1.0/spec/#inventory')],
  ['E025', 'digestAlgorithm neither sha512 nor sha256', (inv) => (inv.digestAlgorithm = 'md5')],
  ['W004', 'digestAlgorithm sha256', (inv) => (inv.digestAlgorithm = 'sha256')],
  ['E017', 'contentDirectory with "/"', (inv) => (inv.contentDirectory = 'a/b')],
  ['E018', 'contentDirectory ".."', (inv) => (inv.contentDirectory = '..')],
  ['E108', 'contentDirectory empty', (inv) => (inv.contentDirectory = '')],
  ['E041', 'no manifest', (inv) => delete inv.manifest],
  ['E106', 'manifest not an object', (inv) => (inv.manifest = [])],
  ['E045', 'versions not an object', (inv) => (inv.versions = [])],
  ['E008', 'no version at all', (inv) => ((inv.versions = {}), (inv.manifest = {}), (inv.fixity = {}))],
  ['E104', 'version name not v<number>', (inv) => ((inv.versions.version2 = inv.versions.v2), delete inv.versions.v2)],
  ['E105', 'version number 0', (inv) => (inv.versions.v0 = inv.versions.v1)],
  ['W001', 'zero-padded version names', (inv) => ((inv.versions = { v01: inv.versions.v1, v02: inv.versions.v2 }), (inv.head = 'v02'))],
  ['E011', 'padded sequence with a name not starting v0', (inv) => ((inv.versions = { v01: inv.versions.v1, v10: inv.versions.v2 }), (inv.head = 'v10'))],
  ['E012', 'padded and unpadded names mixed', (inv) => ((inv.versions = { v01: inv.versions.v1, v2: inv.versions.v2 }), (inv.head = 'v2'))],
  ['E009', 'sequence does not start at v1', (inv) => delete inv.versions.v1],
  ['E010', 'gap in the sequence', (inv) => ((inv.versions.v4 = inv.versions.v2), (inv.head = 'v4'))],
  ['E040', 'head is not the highest version', (inv) => (inv.head = 'v1')],
  ['E047', 'version not an object', (inv) => (inv.versions.v2 = 'v2')],
  ['E048', 'version without created', (inv) => delete inv.versions.v2.created],
  ['E049', 'created not RFC 3339', (inv) => (inv.versions.v2.created = '2025-03-01 08:00')],
  ['E050', 'state digest not in the manifest', (inv) => (inv.versions.v2.state[h('sha512', 'x')] = ['x'])],
  ['E094', 'message not a string', (inv) => (inv.versions.v2.message = 42)],
  ['W007', 'no message', (inv) => delete inv.versions.v2.message],
  ['E054', 'user without name', (inv) => (inv.versions.v2.user = { address: 'mailto:a@b' })],
  ['W008', 'user without address', (inv) => delete inv.versions.v2.user.address],
  ['W009', 'address not a URI', (inv) => (inv.versions.v2.user.address = 'zhangsan@example.org')],
  ['E102', 'unknown key', (inv) => (inv.versions.v2.note = 'x')],
  ['E052', 'logical path with ".."', (inv) => (inv.versions.v2.state[A] = ['dir/../a.pdf'])],
  ['E053', 'logical path beginning with "/"', (inv) => (inv.versions.v2.state[A] = ['/dir/a.pdf'])],
  ['E095', 'logical path both file and directory', (inv) => (inv.versions.v2.state[B] = ['dir'])],
  ['DANGAN-NFC', 'logical path not NFC', (inv) => (inv.versions.v2.state[B] = ['cafe\u0301.xml'])],
  ['DANGAN-CHARS', 'logical path with a control character', (inv) => (inv.versions.v2.state[B] = ['b\u0007.xml'])],
  ['E039', 'manifest key not a sha512 digest', (inv) => ((inv.manifest.abc = inv.manifest[B]), delete inv.manifest[B], (inv.versions.v2.state.abc = ['b.xml']), delete inv.versions.v2.state[B])],
  ['E096', 'the same digest twice in other case', (inv) => (inv.manifest[B.toUpperCase()] = ['v2/content/other.xml'])],
  ['E092', 'manifest value not an array', (inv) => (inv.manifest[B] = 'v2/content/b.xml')],
  ['E099', 'content path with an empty element', (inv) => (inv.manifest[B] = ['v2/content//b.xml'])],
  ['E100', 'content path ending with "/"', (inv) => (inv.manifest[B] = ['v2/content/b.xml/'])],
  ['E035', 'content path with a backslash separator', (inv) => (inv.manifest[B] = ['v2\\content\\b.xml'])],
  ['E042', 'content path outside <version>/content/', (inv) => (inv.manifest[B] = ['v9/content/b.xml'])],
  ['E101', 'content path both file and directory', (inv) => (inv.manifest[B] = ['v1/content/dir'])],
  ['E107', 'manifest digest in no state', (inv) => (inv.manifest[h('sha512', 'z')] = ['v2/content/z'])],
  ['E111', 'fixity not an object', (inv) => (inv.fixity = [])],
  ['E056', 'fixity algorithm unknown', (inv) => (inv.fixity.crc32 = {})],
  ['E057', 'fixity names a path not in the manifest', (inv) => (inv.fixity.sm3[h('sm3', 'q')] = ['v2/content/q'])],
  ['E097', 'the same fixity digest twice in other case', (inv) => (inv.fixity.sha256[h('sha256', 'b').toUpperCase()] = ['v2/content/b.xml'])],
  ['DANGAN-FIXITY', 'a content path without sm3', (inv) => delete inv.fixity.sm3[h('sm3', 'b')]],
];

for (const [code, rule, change] of cases) {
  test(`${code}: ${rule}`, () => {
    assert.ok(codesAfter(change).includes(code), `expected ${code}, got ${codesAfter(change).join(', ')}`);
  });
}

test('E033: an inventory that is not a JSON object', () => {
  for (const v of [[], 'inventory', 42, null]) assert.deepEqual(validateInventory(v).map((f) => f.code), ['E033']);
});

test('each finding carries severity, kind and the offending path where there is one', () => {
  const f = validateInventory({ ...structuredClone(base), versions: { ...base.versions, v2: { ...base.versions.v2!, state: { [A]: ['/x'] } } } });
  const e053 = f.find((x) => x.code === 'E053');
  assert.deepEqual(e053 && { severity: e053.severity, kind: e053.kind, path: e053.path }, { severity: 'error', kind: 'invalid', path: '/x' });
  assert.equal(validateInventory({ ...structuredClone(base), id: 'plain' }).find((x) => x.code === 'W005')?.severity, 'warning');
});

test('sm3 and size are accepted fixity algorithms, crc32 is not', () => {
  assert.ok(!codesAfter(() => undefined).includes('E056'));
  assert.deepEqual(codesAfter((inv) => (inv.fixity.crc32 = {})), ['E056']);
});

test('compareInventories: E066 for a different logical state, W011 for other metadata, E110 for another id', () => {
  const prior = structuredClone(v1) as Inventory;
  assert.deepEqual(compareInventories(prior, base, 'v1'), []);
  const moved: Inventory = structuredClone(v1);
  moved.versions.v1!.state = { [A]: ['moved.pdf'] };
  assert.deepEqual(compareInventories(moved, base, 'v1').map((f) => f.code), ['E066']);
  const other: Inventory = { ...structuredClone(v1), id: 'urn:x' };
  other.versions.v1!.message = 'changed';
  assert.deepEqual(compareInventories(other, base, 'v1').map((f) => f.code).sort(), ['E110', 'W011']);
  const extra: Inventory = structuredClone(base);
  assert.deepEqual(compareInventories(extra, v1, 'v2').map((f) => f.code), ['E066']);
});
