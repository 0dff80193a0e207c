import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { readDat93 } from './dat93.ts';
import { DAT93_ITEMS, dat93Catalog, withTempDir, writeDat93, writeTree } from './test-fixtures.ts';

const errors = (pkg: { problems: { code: string; severity: string; path?: string }[] }) => pkg.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.path ?? ''}`);

test('DA/T 93 happy path: GB18030 说明文件 and 目录, one folder per 档号, mapped by the field table', () =>
  withTempDir(async (dir) => {
    await writeDat93(dir);
    const pkg = await readDat93(dir);
    assert.deepEqual(errors(pkg), []);
    assert.equal(pkg.source.format, 'dat93');
    assert.deepEqual(pkg.submitter, { name: '某某置业有限公司' });
    assert.deepEqual(pkg.volumes, [{ key: 'Z001/2023/永久', title: 'Z001 / 2023 / 永久', retention: 'permanent', classification: 'internal' }]);
    const [a, b] = pkg.records;
    assert.deepEqual(a, {
      key: 'Z001-JS·2023-Y-0001', volumeKey: 'Z001/2023/永久', seq: 1, title: DAT93_ITEMS[0]!.题名, author: '某市自然资源和规划局', date: '2023-03-15', pages: 3,
      files: [
        { path: 'Z001/2023/永久/Z001-JS·2023-Y-0001/0001-规划许可.pdf', size: Buffer.byteLength(`%PDF-1.7 ${DAT93_ITEMS[0]!.题名}`), declared: {} },
        { path: 'Z001/2023/永久/Z001-JS·2023-Y-0001/元数据.xml', size: 92, declared: {} },
      ],
    });
    assert.equal(b!.remarks, '原件存档 & 复印件');
    assert.deepEqual(b!.files.map((f) => f.path), ['Z001/2023/永久/Z001-JS·2023-Y-0002/元数据.xml', 'Z001/2023/永久/Z001-JS·2023-Y-0002/正文.pdf']);
    assert.deepEqual(pkg.unclaimed, []);
    assert.deepEqual(pkg.problems, []);
  }));

test('a UTF-8 catalogue inside one top-level folder (as zipped packages often are) also reads', () =>
  withTempDir(async (dir) => {
    await writeDat93(join(dir, '移交包'), DAT93_ITEMS.map(({ 文件名: _f, ...it }) => it), {}, Buffer.from(dat93Catalog(DAT93_ITEMS.map(({ 文件名: _f, ...it }) => it), 'UTF-8')));
    const pkg = await readDat93(dir);
    assert.deepEqual(errors(pkg), []);
    assert.equal(pkg.records.length, 2);
    assert.ok(pkg.records.every((r) => r.files.length === 2 && !r.files[0]!.path.startsWith('移交包/')));
  }));

test('a 档号 without its folder is an error; the record is still mapped, without files', () =>
  withTempDir(async (dir) => {
    await writeDat93(dir, DAT93_ITEMS.slice(0, 1), {}, dat93Catalog(DAT93_ITEMS));
    const pkg = await readDat93(dir);
    assert.ok(errors(pkg).includes('dat93-folder-missing@Z001-JS·2023-Y-0002'), JSON.stringify(errors(pkg)));
    assert.deepEqual(pkg.records[1]!.files, []);
    assert.ok(pkg.problems.some((p) => p.code === 'dat93-count-mismatch'));
  }));

test('a file in a folder the catalogue does not list is unclaimed and reported; so is a listed file that is missing', () =>
  withTempDir(async (dir) => {
    await writeDat93(dir, DAT93_ITEMS, { 'Z001/2023/永久/Z001-JS·2023-Y-0099/多余.pdf': 'x', 'Z001/2023/永久/Z001-JS·2023-Y-0002/正文.pdf': 'y' });
    await writeTree(dir, { '文件目录.xml': dat93Catalog([{ ...DAT93_ITEMS[0]!, 文件名: ['0001-规划许可.pdf', '0002-附图.pdf'] }, DAT93_ITEMS[1]!]) }, ['文件目录.xml']);
    const pkg = await readDat93(dir);
    const e = errors(pkg);
    assert.ok(e.includes('dat93-file-not-listed@Z001/2023/永久/Z001-JS·2023-Y-0099/多余.pdf'), JSON.stringify(e));
    assert.ok(e.includes('dat93-file-missing@Z001/2023/永久/Z001-JS·2023-Y-0001/0002-附图.pdf'), JSON.stringify(e));
    assert.ok(pkg.unclaimed.some((f) => f.path.endsWith('多余.pdf')));
  }));

test('a catalogue that declares UTF-8 but is GB18030 is refused with the decoder error, not misread', () =>
  withTempDir(async (dir) => {
    await writeDat93(dir, DAT93_ITEMS, {}, iconv.encode(dat93Catalog(DAT93_ITEMS, 'UTF-8'), 'gb18030'));
    const pkg = await readDat93(dir);
    assert.deepEqual(errors(pkg), ['unpack-xml-encoding-invalid@文件目录.xml']);
    assert.equal(pkg.records.length, 0);
  }));

test('an XXE attempt in the catalogue is refused before any parser sees it', () =>
  withTempDir(async (dir) => {
    const xxe = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE 文件目录 [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<文件目录><文件><档号>A-1</档号><题名>&x;</题名></文件></文件目录>';
    await writeDat93(dir, DAT93_ITEMS, {}, Buffer.from(xxe));
    const pkg = await readDat93(dir);
    assert.deepEqual(errors(pkg), ['unpack-xml-entity-declared@文件目录.xml']);
    assert.ok(!JSON.stringify(pkg).includes('root:'));
  }));

test('retention and classification vocabularies; 绝密 is refused', () =>
  withTempDir(async (dir) => {
    const items = [{ ...DAT93_ITEMS[0]!, 保管期限: '定期30年', 密级: '秘密' }, { ...DAT93_ITEMS[1]!, 保管期限: '短期', 密级: '绝密' }];
    await writeDat93(dir, items);
    const pkg = await readDat93(dir);
    assert.equal(pkg.volumes[0]!.retention, 'long');
    assert.equal(pkg.volumes[0]!.classification, 'confidential');
    assert.ok(errors(pkg).includes('classification-top-secret@Z001-JS·2023-Y-0002'));
  }));
