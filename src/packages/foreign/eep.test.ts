import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { eepDigests, readEep } from './eep.ts';
import { eepXml, withTempDir } from './test-fixtures.ts';

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 * 1024 + 5, 7), Buffer.from('\n%%EOF')]);
const scan = Buffer.from('%PDF-1.4 扫描件');
const errors = (pkg: { problems: { code: string; severity: string }[] }) => pkg.problems.filter((p) => p.severity === 'error').map((p) => p.code);

test('EEP: DA/T 46 metadata and the embedded documents (decoded window by window, hashed, extracted)', () =>
  withTempDir(async (dir) => {
    const file = join(dir, '备案表.eep');
    await writeFile(file, eepXml([{ id: 'DOC1', name: '备案表.pdf', data: pdf }, { id: 'DOC2', name: '附件.pdf', data: scan }], { signatures: 2 }));
    const out = join(dir, 'out');
    const pkg = await readEep(file, { extractTo: out });
    assert.deepEqual(errors(pkg), []);
    assert.equal(pkg.source.format, 'eep');
    assert.equal(pkg.source.version, '2009');
    assert.deepEqual(pkg.submitter, { name: '某某置业有限公司' });
    assert.deepEqual(pkg.volumes, [{ key: 'eep', title: '某某小区1号楼竣工验收备案表', archivalCode: 'Z001-JS-2023-永久-0012', year: 2023, retention: 'permanent', classification: 'internal' }]);
    const r = pkg.records[0]!;
    assert.deepEqual({ ...r, files: [] }, { key: 'EF-2023-0001', volumeKey: 'eep', seq: 3, title: '某某小区1号楼竣工验收备案表', author: '某市住房和城乡建设局', date: '2023-05-04', docNumber: '建竣备〔2023〕12号', pages: 4, remarks: '扫描件', files: [] });
    assert.deepEqual(r.files, [
      { path: 'DOC1/备案表.pdf', size: pdf.length, declared: {}, format: 'application/pdf' },
      { path: 'DOC2/附件.pdf', size: scan.length, declared: {}, format: 'application/pdf' },
    ]);
    assert.deepEqual(await readFile(join(out, 'DOC1/备案表.pdf')), pdf);
    assert.equal(eepDigests.get(pkg)![0]!.sha256, createHash('sha256').update(pdf).digest('hex'));
    const sig = pkg.problems.find((p) => p.code === 'eep-signature-not-verified');
    assert.equal(sig?.severity, 'warning');
    assert.match(sig!.message.en, /^2 signature/);
  }));

test('EEP: a size that does not match, bad Base64 and an escaping file name are errors', () =>
  withTempDir(async (dir) => {
    const file = join(dir, 'x.xml');
    await writeFile(file, eepXml([{ id: 'D1', name: 'a.pdf', data: scan, declaredSize: 999 }, { id: 'D2', name: 'b.pdf', data: scan, base64: 'QUJD*RA==' }, { id: 'D3', name: '../../etc/passwd', data: scan }]));
    const pkg = await readEep(file);
    assert.deepEqual(errors(pkg).sort(), ['eep-base64-invalid', 'eep-size-mismatch', 'unpack-path-traversal']);
    assert.deepEqual(pkg.records[0]!.files.map((f) => f.path), ['D1/a.pdf', 'D2/b.pdf']);
  }));

test('EEP: XXE is refused; a non-EEP root and an oversize file are clear errors', () =>
  withTempDir(async (dir) => {
    const xxe = join(dir, 'xxe.xml');
    await writeFile(xxe, eepXml([{ id: 'D1', name: 'a.pdf', data: scan }], { extraHead: '\n<!DOCTYPE 电子文件封装包 [<!ENTITY x SYSTEM "file:///etc/passwd">]>', title: '&x;' }));
    assert.deepEqual(errors(await readEep(xxe)), ['unpack-xml-entity-declared']);
    const other = join(dir, 'other.xml');
    await writeFile(other, '<?xml version="1.0"?><文件目录/>');
    assert.deepEqual(errors(await readEep(other)), ['eep-root-invalid']);
    const big = join(dir, 'big.xml');
    await writeFile(big, eepXml([{ id: 'D1', name: 'a.pdf', data: pdf }]));
    assert.deepEqual(errors(await readEep(big, { maxBytes: 1024 * 1024 })), ['unpack-xml-too-large']);
  }));
