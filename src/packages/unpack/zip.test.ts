import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { openPackage } from './reader.ts';
import { tempDir, writeZip, zeroBody, type ZipSpec } from './test-fixtures.ts';
import { isUnpack, readAll } from './test-read.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => { tmp = await tempDir(); });
after(() => tmp.drop());

let n = 0;
const zip = (specs: ZipSpec[], opts?: { truncateAt?: number }) => writeZip(join(tmp.dir, `t${++n}.zip`), specs, opts);
/** Nothing but the test's own input files may exist in the temp dir after a read. */
async function nothingWritten(): Promise<void> {
  for (const f of await tmp.files()) assert.match(f, /^t\d+\.zip$/, `unexpected file ${f}`);
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('zip bomb, honest header: one 10 GiB entry of zeros (~10 MB file) is refused before inflating', async (t) => {
  const p = await zip([{ name: 'data/zeros.bin', body: zeroBody(10 * 1024) }]);
  const t0 = performance.now();
  await assert.rejects(readAll(p), isUnpack('ratio-exceeded', 'data/zeros.bin'));
  t.diagnostic(`refused in ${Math.round(performance.now() - t0)} ms`);
  // With the ratio raised, the per-entry size limit still refuses it from the header alone.
  await assert.rejects(readAll(p, { maxCompressionRatio: 100_000, maxEntryBytes: 1 << 30 }), isUnpack('entry-too-large'));
  await nothingWritten();
});

test('zip bomb, lying header: 10 GiB of zeros declared as 4 KiB is stopped at the declared size', async () => {
  const p = await zip([{ name: 'data/small.txt', body: zeroBody(10 * 1024), declaredSize: 4096 }]);
  const r = await openPackage(p);
  for await (const e of r) {
    assert.equal(e.size, 4096);
    const s = e.open();
    await assert.rejects(async () => { for await (const _ of s); }, isUnpack('size-mismatch', 'data/small.txt'));
    assert.ok(s.bytes <= 4096 + (1 << 20), `read ${s.bytes} bytes`);
    break;
  }
  await nothingWritten();
});

test('zip bomb, plausible lying header: 10 GiB declared as 1 GiB is stopped by the streaming ratio check', async () => {
  const p = await zip([{ name: 'data/plausible.bin', body: zeroBody(10 * 1024), declaredSize: 1 << 30 }]);
  const r = await openPackage(p);
  let read = 0;
  await assert.rejects(async () => {
    for await (const e of r) {
      const s = e.open();
      try { for await (const _ of s); } finally { read = s.bytes; }
    }
  }, isUnpack('ratio-exceeded', 'data/plausible.bin'));
  assert.ok(read < 64 << 20, `stopped after ${read} bytes`);
});

test('42.zip-style nesting: archives inside the archive are opaque files, never expanded', async () => {
  const inner = await zip([{ name: 'bomb.bin', body: zeroBody(1024) }]);
  const innerBytes = await import('node:fs/promises').then((f) => f.readFile(inner));
  const specs: ZipSpec[] = Array.from({ length: 16 }, (_, i) => ({ name: `lib/${i.toString(16)}.zip`, data: innerBytes }));
  const p = await zip(specs);
  const { entries, reader } = await readAll(p);
  assert.equal(entries.length, 16);
  for (const e of entries) assert.deepEqual([e.size, e.sha256], [innerBytes.length, sha256(innerBytes)]);
  assert.equal(reader.stats.bytes, 16 * innerBytes.length);
});

test('path traversal and absolute paths are refused, naming the entry', async () => {
  for (const [name, code] of [['../../etc/passwd', 'path-traversal'], ['a/../../b', 'path-traversal'], ['/etc/passwd', 'path-absolute'], ['C:\\Windows\\win.ini', 'path-absolute'], ['\\\\srv\\share\\x', 'path-absolute']] as const) {
    const p = await zip([{ name: 'ok.txt', data: Buffer.from('x') }, { name, data: Buffer.from('evil') }]);
    await assert.rejects(readAll(p), isUnpack(code, name));
  }
  await nothingWritten();
});

test('symbolic links, FIFOs and devices in a zip are refused', async () => {
  await assert.rejects(readAll(await zip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }])), isUnpack('entry-symlink', 'link'));
  await assert.rejects(readAll(await zip([{ name: 'fifo', unixMode: 0o010644 }])), isUnpack('entry-special', 'fifo'));
  await assert.rejects(readAll(await zip([{ name: 'dev', unixMode: 0o020644 }])), isUnpack('entry-special', 'dev'));
  const ok = await readAll(await zip([{ name: 'plain.txt', data: Buffer.from('a'), unixMode: 0o100644 }]));
  assert.equal(ok.entries[0]?.path, 'plain.txt');
});

test('an encrypted entry (traditional PKWARE, flag bit 0) is refused', async () => {
  const body = randomBytes(112);
  const p = await zip([{ name: 'secret.pdf', flags: 0x1, body: { chunks: [body], size: 100, crc: 0 } }]);
  await assert.rejects(readAll(p), isUnpack('entry-encrypted', 'secret.pdf'));
});

test('a truncated zip is refused', async () => {
  const full = await zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'b.txt', data: randomBytes(5000), method: 8 }]);
  const size = (await import('node:fs/promises').then((f) => f.stat(full))).size;
  for (const cut of [size - 10, Math.floor(size / 2), 40]) {
    await assert.rejects(readAll(await zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'b.txt', data: randomBytes(5000), method: 8 }], { truncateAt: cut })), isUnpack('zip-truncated'));
  }
});

test('a corrupt body: CRC mismatch, unsupported compression', async () => {
  const data = Buffer.from('竣工图'.repeat(100));
  await assert.rejects(readAll(await zip([{ name: 'a.txt', body: { chunks: [deflateRawSync(data)], size: data.length, crc: crc32(data) ^ 1 } }])), isUnpack('crc-mismatch', 'a.txt'));
  await assert.rejects(readAll(await zip([{ name: 'a.bz2', data, method: 12 }])), isUnpack('compression-unsupported', 'a.bz2'));
});

test('GBK names without the UTF-8 flag read back as the right Chinese names, with a warning', async () => {
  const names = ['竣工图/', '竣工图/结构施工图 01.pdf', '竣工图/ＡＢＣ（全角）.dwg', 'data/3#楼 Foundation 基础.xlsx'];
  const p = await zip(names.map((s) => ({ name: iconv.encode(s, 'gbk'), ...(s.endsWith('/') ? {} : { data: Buffer.from(s) }) })));
  const { entries, reader } = await readAll(p);
  assert.deepEqual(entries.map((e) => e.path), ['竣工图', '竣工图/结构施工图 01.pdf', '竣工图/ＡＢＣ（全角）.dwg', 'data/3#楼 Foundation 基础.xlsx']);
  assert.deepEqual(entries.map((e) => e.kind), ['dir', 'file', 'file', 'file']);
  assert.ok(reader.warnings.every((w) => w.code === 'name-encoding-guessed'));
  assert.equal(reader.warnings.length, 4);
  // Flagged UTF-8 names give no warning.
  const u = await readAll(await zip(names.slice(1).map((s) => ({ name: s, flags: 0x800, data: Buffer.from(s) }))));
  assert.deepEqual(u.reader.warnings, []);
});

test('duplicate names after NFC are an error; names that differ only in case are a warning', async () => {
  await assert.rejects(readAll(await zip([{ name: 'data/café.txt', data: Buffer.from('1') }, { name: 'data/cafe\u0301.txt', data: Buffer.from('2') }])), isUnpack('name-duplicate', 'data/café.txt'));
  await assert.rejects(readAll(await zip([{ name: 'a.txt', data: Buffer.from('1') }, { name: 'a.txt', data: Buffer.from('2') }])), isUnpack('name-duplicate', 'a.txt'));
  const { reader } = await readAll(await zip([{ name: 'A.txt', data: Buffer.from('1') }, { name: 'a.txt', data: Buffer.from('2') }]));
  assert.deepEqual(reader.warnings.map((w) => [w.code, w.entry]), [['name-case-collision', 'a.txt']]);
});

test('Windows-reserved names are refused', async () => {
  for (const name of ['data/CON', 'data/aux.txt', 'lpt1', 'data/nul.tar.gz']) {
    await assert.rejects(readAll(await zip([{ name, data: Buffer.from('x') }])), isUnpack('path-reserved-name', name));
  }
});

test('a 0-byte file is accepted: size 0 and the digests of empty input', async () => {
  const { entries } = await readAll(await zip([{ name: 'empty.txt' }, { name: 'empty-deflated.txt', method: 8 }]));
  for (const e of entries) {
    assert.equal(e.size, 0);
    assert.equal(e.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(e.sm3, '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  }
});

test('the entry-count limit is enforced from the central directory before any entry is read', async () => {
  const p = await zip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
  let yielded = 0;
  await assert.rejects(async () => { for await (const _ of await openPackage(p, { maxEntries: 10 })) yielded++; }, isUnpack('too-many-entries'));
  assert.equal(yielded, 0);
});

test('100,000 tiny entries stream through in bounded memory and reasonable time', async (t) => {
  const specs: ZipSpec[] = Array.from({ length: 100_000 }, (_, i) => ({ name: `data/${Math.floor(i / 1000)}/记录-${i}.txt`, data: Buffer.from(String(i)) }));
  const p = await zip(specs);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const t0 = performance.now();
  let count = 0;
  const reader = await openPackage(p);
  for await (const e of reader) {
    const s = e.open({ digest: true });
    for await (const _ of s);
    if (++count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - t0;
  t.diagnostic(`100,000 entries read and hashed in ${Math.round(ms)} ms (${Math.round(count / (ms / 1000))} entries/s); RSS +${Math.round((peak - rss0) / 2 ** 20)} MiB`);
  assert.equal(count, 100_000);
  assert.ok(ms < 120_000, `took ${ms} ms`);
  assert.ok(peak - rss0 < 200 * 2 ** 20);
});
