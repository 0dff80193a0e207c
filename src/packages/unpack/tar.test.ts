import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import iconv from 'iconv-lite';
import tar from 'tar-stream';
import { buildTar, tempDir } from './test-fixtures.ts';
import { isUnpack, readAll } from './test-read.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => { tmp = await tempDir(); });
after(() => tmp.drop());
let n = 0;
async function save(b: Buffer): Promise<string> {
  const p = join(tmp.dir, `t${++n}.tar`);
  await writeFile(p, b);
  return p;
}
async function nothingWritten(): Promise<void> {
  for (const f of await tmp.files()) assert.match(f, /^t\d+\.tar$/, `unexpected file ${f}`);
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a plain tar reads back in order with sizes and digests; a leading ./ is accepted', async () => {
  const a = Buffer.from('竣工图说明'), b = Buffer.alloc(70_000, 7);
  const p = await save(buildTar([{ name: './', type: '5' }, { name: './data/', type: '5' }, { name: './data/a.txt', data: a }, { name: 'data/b.bin', data: b }, { name: 'empty', data: Buffer.alloc(0) }]));
  const { entries } = await readAll(p);
  assert.deepEqual(entries.map((e) => [e.path, e.kind, e.size, e.sha256]), [
    ['data', 'dir', 0, undefined], ['data/a.txt', 'file', a.length, sha256(a)], ['data/b.bin', 'file', b.length, sha256(b)], ['empty', 'file', 0, sha256(Buffer.alloc(0))],
  ]);
});

test('symlinks, hard links, devices and FIFOs in a tar are refused', async () => {
  for (const [type, code] of [['2', 'entry-symlink'], ['1', 'entry-hardlink'], ['3', 'entry-special'], ['4', 'entry-special'], ['6', 'entry-special']] as const) {
    const p = await save(buildTar([{ name: 'ok.txt', data: Buffer.from('x') }, { name: 'bad', type, linkname: '/etc/passwd' }]));
    await assert.rejects(readAll(p), isUnpack(code, 'bad'));
  }
  await nothingWritten();
});

test('path traversal and absolute paths in a tar are refused', async () => {
  for (const [name, code] of [['../../etc/passwd', 'path-traversal'], ['a/../../b', 'path-traversal'], ['/etc/passwd', 'path-absolute']] as const) {
    await assert.rejects(readAll(await save(buildTar([{ name, data: Buffer.from('x') }]))), isUnpack(code, name));
  }
});

test('a truncated tar is refused, naming the last entry', async () => {
  const full = buildTar([{ name: 'first.txt', data: Buffer.alloc(1000, 1) }, { name: 'second.bin', data: Buffer.alloc(5000, 2) }]);
  for (const cut of [1536 + 2000, 1536 + 512 - 100]) {
    await assert.rejects(readAll(await save(full.subarray(0, cut))), isUnpack('tar-truncated', cut > 2048 ? 'second.bin' : 'first.txt'));
  }
  // A damaged header (its checksum no longer matches) is corruption, not truncation.
  const corrupt = Buffer.from(full);
  corrupt[1536 + 148] = 0x39;
  await assert.rejects(readAll(await save(corrupt)), isUnpack('tar-corrupt'));
});

test('ustar names written as GBK decode as GB18030; pax names are UTF-8', async () => {
  const gbkName = '竣工图/结构施工图 01.pdf';
  const p = await save(buildTar([{ name: iconv.encode(gbkName, 'gbk'), data: Buffer.from('pdf') }]));
  const { entries, reader } = await readAll(p);
  assert.equal(entries[0]?.path, gbkName);
  assert.equal(reader.warnings[0]?.code, 'name-encoding-guessed');

  const longName = `项目/${'单位工程/'.repeat(12)}卷内文件 ＡＢＣ.pdf`;
  const pack = tar.pack();
  pack.entry({ name: longName }, Buffer.from('x'));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const r = await readAll(await save(Buffer.concat(chunks)));
  assert.equal(r.entries[0]?.path, longName);
  assert.deepEqual(r.reader.warnings, []);
});

test('duplicates and reserved names in a tar', async () => {
  await assert.rejects(readAll(await save(buildTar([{ name: 'é.txt', data: Buffer.from('1') }, { name: 'e\u0301.txt', data: Buffer.from('2') }]))), isUnpack('name-duplicate'));
  await assert.rejects(readAll(await save(buildTar([{ name: 'data/PRN.pdf', data: Buffer.from('1') }]))), isUnpack('path-reserved-name', 'data/PRN.pdf'));
});

test('size limits apply to tar entries from the header, before the data is read', async () => {
  const p = await save(buildTar([{ name: 'a.bin', data: Buffer.alloc(4096) }, { name: 'b.bin', data: Buffer.alloc(4096) }]));
  await assert.rejects(readAll(p, { maxEntryBytes: 1000, maxTotalBytes: 10_000 }), isUnpack('entry-too-large', 'a.bin'));
  await assert.rejects(readAll(p, { maxEntryBytes: 5000, maxTotalBytes: 6000 }), isUnpack('total-too-large', 'b.bin'));
  await assert.rejects(readAll(p, { maxEntries: 1 }), isUnpack('too-many-entries', 'b.bin'));
});
