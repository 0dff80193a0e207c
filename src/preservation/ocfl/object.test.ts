import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { OcflObjectStore, type NewFile } from './object.ts';
import { bytesOf, RecordingBackend, streamOf, TempDirBackend } from './test-backend.ts';

const ID = 'urn:dangan:volume:0190f4a2-7c1e-7000-8000-0000000000aa';
const USER = { name: '档案员 张三', address: 'mailto:zhangsan@example.org' };
const PDF1 = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200_000, 7), Buffer.from('\n%%EOF\n')]);
const XML1 = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><volume><title>某小区1号楼竣工档案</title></volume>\n');
const XML2 = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><volume><title>某小区1号楼竣工档案（修订）</title></volume>\n');
const JSON1 = Buffer.from('{"title":"某小区1号楼竣工档案"}\n');
const EVENTS = (n: number) => Buffer.from(`${Array.from({ length: n }, (_, i) => `{"seq":${i + 1}}`).join('\n')}\n`);
const PDF2 = Buffer.from('%PDF-1.7\n批复\n%%EOF\n');

let backend: TempDirBackend;
let recording: RecordingBackend;
let store: OcflObjectStore;
const expected: Record<string, Record<string, Buffer>> = {};
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

before(async () => {
  backend = await TempDirBackend.create();
  recording = new RecordingBackend(backend);
  store = new OcflObjectStore(recording);
  await store.init();
  expected.v1 = { '001-项目建议书.pdf': PDF1, 'metadata/volume.xml': XML1, 'metadata/volume.json': JSON1, 'metadata/events.jsonl': EVENTS(1) };
  await store.createOrUpdate(ID, Object.entries(expected.v1).map(([logicalPath, b]) => ({ logicalPath, open: () => streamOf(b) })), { message: '接收进馆', user: USER, created: '2025-03-01T08:00:00+08:00' });
});
after(() => backend.close());

test('v1: object at the 0004 path with declaration, inventories and sidecars; content under v1/content', async () => {
  const root = store.objectRoot(ID);
  const keys: string[] = [];
  for await (const o of backend.list(`${root}/`)) keys.push(o.key.slice(root.length + 1));
  assert.deepEqual(keys.sort(), [
    '0=ocfl_object_1.1',
    'extensions/dangan-sm3-fixity/config.json',
    'inventory.json',
    'inventory.json.sha512',
    'v1/content/001-项目建议书.pdf',
    'v1/content/metadata/events.jsonl',
    'v1/content/metadata/volume.json',
    'v1/content/metadata/volume.xml',
    'v1/inventory.json',
    'v1/inventory.json.sha512',
  ]);
  assert.equal(await readFile(backend.path(`${root}/0=ocfl_object_1.1`), 'utf8'), 'ocfl_object_1.1\n');
  const rootInv = await readFile(backend.path(`${root}/inventory.json`));
  assert.deepEqual(rootInv, await readFile(backend.path(`${root}/v1/inventory.json`)));
  assert.equal(await readFile(backend.path(`${root}/inventory.json.sha512`), 'utf8'), `${sha512(rootInv)} inventory.json\n`);
});

test('three versions: dedup on disk, removed files leave the state, every version reads back byte-identical', async () => {
  const root = store.objectRoot(ID);
  const v1Files = ['001-项目建议书.pdf', 'metadata/volume.xml', 'metadata/volume.json', 'metadata/events.jsonl'];
  const before = new Map<string, { ino: number; mtimeMs: number; bytes: Buffer }>();
  for (const p of v1Files) {
    const st = await stat(backend.path(`${root}/v1/content/${p}`));
    before.set(p, { ino: st.ino, mtimeMs: st.mtimeMs, bytes: await readFile(backend.path(`${root}/v1/content/${p}`)) });
  }
  // v2, metadata change: the PDF streamed again (same bytes) and volume.json marked unchanged.
  expected.v2 = { '001-项目建议书.pdf': PDF1, 'metadata/volume.xml': XML2, 'metadata/volume.json': JSON1, 'metadata/events.jsonl': EVENTS(2) };
  async function* v2(): AsyncIterable<NewFile> {
    yield { logicalPath: '001-项目建议书.pdf', source: streamOf(PDF1) };
    yield { logicalPath: 'metadata/volume.xml', source: streamOf(XML2) };
    yield { logicalPath: 'metadata/volume.json', unchanged: true };
    yield { logicalPath: 'metadata/events.jsonl', source: streamOf(EVENTS(2)) };
  }
  const r2 = await store.createOrUpdate(ID, v2(), { message: '著录修改', user: USER });
  assert.equal(r2.version, 'v2');
  assert.deepEqual(r2.stored.sort(), ['v2/content/metadata/events.jsonl', 'v2/content/metadata/volume.xml']);
  assert.deepEqual(r2.deduplicated.sort(), ['001-项目建议书.pdf', 'metadata/volume.json']);
  assert.equal(await backend.head(`${root}/v2/content/001-项目建议书.pdf`), undefined, 'the unchanged PDF is not stored twice');

  // v3: the proposal is withdrawn (left out), an approval is added; v1/v2 must not be touched.
  const mark = recording.calls.length;
  expected.v3 = { '002-批复.pdf': PDF2, 'metadata/volume.xml': XML2, 'metadata/volume.json': JSON1, 'metadata/events.jsonl': EVENTS(3) };
  const r3 = await store.createOrUpdate(ID, Object.entries(expected.v3).map(([logicalPath, b]) => ({ logicalPath, source: streamOf(b) })), { message: '撤出项目建议书，补充批复', user: USER });
  assert.equal(r3.version, 'v3');
  const writes = recording.calls.slice(mark);
  assert.ok(writes.every((c) => !c.key.startsWith(`${root}/v1/`) && !c.key.startsWith(`${root}/v2/`)), 'no put or delete in an earlier version');

  assert.deepEqual((await store.listVersions(ID)).map((v) => [v.version, v.message, v.files]), [['v1', '接收进馆', 4], ['v2', '著录修改', 4], ['v3', '撤出项目建议书，补充批复', 4]]);
  assert.ok(!(await store.listFiles(ID)).some((f) => f.logicalPath === '001-项目建议书.pdf'), 'removed from the head state');
  for (const version of ['v1', 'v2', 'v3']) {
    const files = await store.listFiles(ID, version);
    assert.deepEqual(files.map((f) => f.logicalPath).sort(), Object.keys(expected[version]!).sort());
    for (const [p, bytes] of Object.entries(expected[version]!)) {
      assert.deepEqual(await bytesOf(await store.openFile(ID, p, version)), bytes, `${version} ${p}`);
    }
  }
  assert.deepEqual(await bytesOf(await store.openFile(ID, '002-批复.pdf')), PDF2, 'head by default');
  for (const [p, b] of before) {
    const st = await stat(backend.path(`${root}/v1/content/${p}`));
    assert.equal(st.ino, b.ino, `${p} not replaced`);
    assert.equal(st.mtimeMs, b.mtimeMs, `${p} not rewritten`);
    assert.deepEqual(await readFile(backend.path(`${root}/v1/content/${p}`)), b.bytes);
  }
  const report = await store.validateObject(ID);
  assert.deepEqual(report.findings, []);
  assert.equal(report.valid, true);
  const fixity = await store.verifyFixity(ID);
  assert.equal(fixity.ok, true);
  assert.equal(fixity.files.length, 8);
});

test('a write whose state equals the head makes no version, unless asked', async () => {
  const files = (await store.listFiles(ID)).map((f): NewFile => ({ logicalPath: f.logicalPath, unchanged: true }));
  const head = (await store.readInventory(ID)).head;
  const same = await store.createOrUpdate(ID, files, { message: 'retry', user: USER });
  assert.equal(same.changed, false);
  assert.equal(same.version, head);
  const forced = await store.createOrUpdate(ID, files, { message: '复核（无变化）', user: USER, allowUnchanged: true });
  assert.equal(forced.changed, true);
  assert.deepEqual(forced.stored, []);
  assert.deepEqual(forced.inventory.versions[forced.version]?.state, forced.inventory.versions[head]?.state);
  assert.equal((await store.validateObject(ID)).valid, true);
});

test('concurrent writes to one object are serialised into consecutive versions', async () => {
  const id = 'urn:dangan:volume:concurrent';
  const write = (n: number) => store.createOrUpdate(id, [{ logicalPath: 'n.txt', source: streamOf(String(n)) }], { message: `w${n}`, user: USER });
  const results = await Promise.all([write(1), write(2), write(3)]);
  assert.deepEqual(results.map((r) => r.version), ['v1', 'v2', 'v3']);
  assert.equal((await store.validateObject(id)).valid, true);
});

test('logical paths: NFD names are stored as NFC; conflicts and unknown "unchanged" paths are refused', async () => {
  const id = 'urn:dangan:volume:paths';
  const r = await store.createOrUpdate(id, [{ logicalPath: 'cafe\u0301.pdf', source: streamOf('x') }], { message: 'nfd', user: USER });
  assert.deepEqual(r.stored, ['v1/content/café.pdf']);
  assert.deepEqual(await bytesOf(await store.openFile(id, 'cafe\u0301.pdf')), Buffer.from('x'));
  await assert.rejects(store.createOrUpdate(id, [{ logicalPath: 'a', source: streamOf('1') }, { logicalPath: 'a/b', source: streamOf('2') }], { message: 'x', user: USER }), /E095/);
  await assert.rejects(store.createOrUpdate(id, [{ logicalPath: '../etc/passwd', source: streamOf('1') }], { message: 'x', user: USER }), /E052/);
  await assert.rejects(store.createOrUpdate(id, [{ logicalPath: 'nope.pdf', unchanged: true }], { message: 'x', user: USER }), /not in the head/);
  assert.deepEqual((await store.validateObject(id)).findings, [], 'failed writes left nothing behind');
  assert.equal((await store.readInventory(id)).head, 'v1');
});

test('anyone can check an object with jq, sha512sum and openssl, no Dangan code', { skip: !hasTools() }, () => {
  const cwd = backend.path(store.objectRoot(ID));
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd, encoding: 'utf8' });
  assert.match(sh('sha512sum -c inventory.json.sha512'), /inventory.json: OK/);
  const manifestCheck = sh(`jq -r '.manifest | to_entries[] | .key as $d | .value[] | "\\($d)  \\(.)"' inventory.json | sha512sum -c`);
  assert.equal(manifestCheck.trim().split('\n').length, 8);
  assert.ok(manifestCheck.trim().split('\n').every((l) => l.endsWith(': OK')));
  const sm3 = sh(`jq -r '.fixity.sm3 | to_entries[] | .key as $d | .value[] | "\\($d) \\(.)"' inventory.json | while read d p; do a=$(openssl dgst -sm3 -r "$p" | cut -d' ' -f1); [ "$a" = "$d" ] && echo "OK $p" || echo "BAD $p"; done`);
  assert.equal(sm3.trim().split('\n').filter((l) => l.startsWith('OK ')).length, 8, sm3);
  const head = sh(`jq -r '.head as $h | .versions[$h].state | to_entries[] | .value[]' inventory.json`).trim().split('\n').sort();
  assert.deepEqual(head, Object.keys(expected.v3!).sort());
});

function hasTools(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v jq && command -v sha512sum && echo | openssl dgst -sm3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
