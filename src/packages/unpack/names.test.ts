import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { UnpackError } from './errors.ts';
import { DEFAULT_LIMITS, resolveLimits } from './limits.ts';
import { checkEntryPath, decodeNameBytes, decodeZipName, NameRegistry } from './names.ts';

const gbk = (s: string) => iconv.encode(s, 'gbk');
const code = (c: string) => (err: unknown) => err instanceof UnpackError && err.code === c && typeof err.bilingual.zh === 'string';
const check = (p: string) => checkEntryPath(p, DEFAULT_LIMITS);

test('GBK names written by Chinese Windows tools (no UTF-8 flag) are decoded correctly', () => {
  for (const s of ['竣工图/结构施工图 01.pdf', 'ＡＢＣ１２３（全角）．ｄｏｃ', '3#楼-Foundation 基础/第1卷 卷内目录.xlsx', '档案馆·城建档案（2024）第０１号.ofd']) {
    const raw = gbk(s);
    assert.equal(decodeUtf8(raw), undefined, `${s} must not be valid UTF-8 for the test to mean anything`);
    assert.deepEqual(decodeZipName(raw, 0), { name: s, encoding: 'gb18030' });
  }
  // GB18030 four-byte sequences (characters outside GBK) decode too.
  const rare = '𠀀䶵€';
  assert.deepEqual(decodeZipName(iconv.encode(rare, 'gb18030'), 0), { name: rare, encoding: 'gb18030' });
});

function decodeUtf8(b: Buffer): string | undefined {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch { return undefined; }
}

test('UTF-8 names: flag bit 11, or unflagged but valid UTF-8, or ASCII', () => {
  const s = '竣工图/结构施工图 01.pdf';
  assert.deepEqual(decodeZipName(Buffer.from(s), 0x800), { name: s, encoding: 'utf8-flag' });
  assert.deepEqual(decodeZipName(Buffer.from(s), 0), { name: s, encoding: 'utf8' });
  assert.deepEqual(decodeZipName(Buffer.from('data/a.txt'), 0), { name: 'data/a.txt', encoding: 'utf8' });
  assert.throws(() => decodeZipName(gbk(s), 0x800), code('name-encoding-invalid'));
});

test('the Info-ZIP Unicode Path extra field (0x7075) wins only when its CRC matches the raw name', () => {
  const s = '竣工图/说明.txt';
  const raw = gbk('legacy-name.txt');
  const field = (crc: number) => ({ id: 0x7075, data: Buffer.concat([Buffer.from([1]), Buffer.from(Uint32Array.of(crc).buffer), Buffer.from(s)]) });
  assert.deepEqual(decodeZipName(raw, 0, [field(crc32(raw))]), { name: s, encoding: 'unicode-path-extra' });
  assert.deepEqual(decodeZipName(raw, 0, [field(crc32(raw) ^ 1)]), { name: 'legacy-name.txt', encoding: 'utf8' });
});

test('CP437 is the last resort for bytes that are neither UTF-8 nor GB18030', () => {
  const r = decodeNameBytes(Buffer.from([0x41, 0xff, 0x82]));
  assert.equal(r.encoding, 'cp437');
  assert.equal(r.name, 'A\u00a0é');
});

test('backslashes become slashes, NFC is applied, a leading ./ and a trailing / are removed, with warnings', () => {
  const r = check('竣工图\\结构\\01.pdf');
  assert.equal(r.path, '竣工图/结构/01.pdf');
  assert.deepEqual(r.warnings.map((w) => w.code), ['name-backslash']);
  const nfd = 'cafe\u0301.txt';
  assert.equal(check(nfd).path, 'café.txt');
  assert.equal(check(nfd).warnings[0]?.code, 'name-not-nfc');
  assert.equal(check('./data/a.txt').path, 'data/a.txt');
  assert.equal(check('data/').path, 'data');
});

test('each unsafe path is rejected with its own code and a message naming the entry', () => {
  const cases: [string, string][] = [
    ['../../etc/passwd', 'path-traversal'], ['a/../../b', 'path-traversal'], ['a\\..\\..\\b', 'path-traversal'],
    ['/etc/passwd', 'path-absolute'], ['C:\\Windows\\x', 'path-absolute'], ['c:x', 'path-absolute'], ['\\\\server\\share\\x', 'path-absolute'], ['\\x', 'path-absolute'], ['//server/x', 'path-absolute'],
    ['a//b', 'path-empty-segment'], ['a/./b', 'path-empty-segment'], ['.', 'path-empty-segment'],
    ['a\u0000b', 'path-control-char'], ['a\nb', 'path-control-char'], ['a\u007fb', 'path-control-char'],
    ['CON', 'path-reserved-name'], ['data/con.txt', 'path-reserved-name'], ['Nul', 'path-reserved-name'], ['aux.tar.gz', 'path-reserved-name'],
    ['COM1', 'path-reserved-name'], ['lpt9.log', 'path-reserved-name'], ['prn.', 'path-reserved-name'],
    ['data/report.', 'path-trailing-dot-space'], ['data /x', 'path-trailing-dot-space'],
    [`${'a/'.repeat(40)}x`, 'path-too-deep'], [`${'长'.repeat(90)}.pdf`, 'name-too-long'], [`${`${'长'.repeat(80)}/`.repeat(5)}x`, 'path-too-long'],
  ];
  for (const [p, c] of cases) {
    assert.throws(() => check(p), (err: unknown) => {
      assert.ok(err instanceof UnpackError, p);
      assert.equal(err.code, c, p);
      assert.ok(err.entry !== undefined && err.bilingual.zh.includes('条目') && err.bilingual.en.includes('entry'), p);
      return true;
    });
  }
  // Look-alikes that are fine.
  for (const ok of ['CONSOLE.txt', 'com10', 'lpt0.txt', 'data/.hidden', 'a..b', '竣工图 (1).pdf', 'NULL']) assert.equal(check(ok).path, ok);
});

test('duplicates: an exact NFC duplicate is an error, a case-only duplicate a warning, file vs directory an error', () => {
  const r = new NameRegistry();
  assert.equal(r.add(check('data/café.txt').path, 'file'), undefined);
  assert.throws(() => r.add(check('data/cafe\u0301.txt').path, 'file'), code('name-duplicate'));
  assert.equal(r.add('data/README.txt', 'file'), undefined);
  assert.equal(r.add('data/readme.TXT', 'file')?.code, 'name-case-collision');
  assert.equal(r.add('data', 'dir'), undefined);
  assert.equal(r.add('data', 'dir'), undefined, 'a directory named twice is harmless');
  assert.throws(() => r.add('data', 'file'), code('name-duplicate'));
  assert.throws(() => r.add('data/café.txt/x', 'file'), code('name-file-dir-conflict'));
  assert.throws(() => r.add('data/README.txt/inner', 'file'), code('name-file-dir-conflict'));
});

test('limits: defaults are safe and bad values are refused', () => {
  assert.equal(DEFAULT_LIMITS.maxEntries, 200_000);
  assert.equal(DEFAULT_LIMITS.maxCompressionRatio, 200);
  assert.equal(resolveLimits({ maxEntries: 5 }).maxEntries, 5);
  assert.throws(() => resolveLimits({ maxEntries: 0 }), code('limits-invalid'));
  assert.throws(() => resolveLimits({ maxTotalBytes: 1.5 }), code('limits-invalid'));
  assert.throws(() => resolveLimits({ maxEntryBytes: 10, maxTotalBytes: 5 }), code('limits-invalid'));
});
