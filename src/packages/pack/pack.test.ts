/**
 * The packer end to end: template → filled catalog → package → verifyBag → metadata.json parsed with
 * the schema. Chinese names, spaces, several files per record, a 0-byte file, long paths, an
 * unreadable file, and nothing written when something is wrong.
 */
import assert from 'node:assert/strict';
import { chmod, lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import ExcelJS from 'exceljs';
import { verifyBag } from '../../preservation/bagit/index.ts';
import { PackageMetadataSchema } from '../format/index.ts';
import { packFolder, packTemplate, SHEETS, type PackOutcome } from './index.ts';
import { goodFill, makeSource, tempDir, writeCatalog } from './test-fixtures.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const fresh = async () => {
  const d = await tempDir();
  dirs.push(d);
  return d;
};
const mustPack = (r: PackOutcome) => {
  if (!r.ok) assert.fail(`packing failed: ${JSON.stringify(r.problems, null, 1)}`);
  return r;
};

test('the template has the four sheets, their headers, an example row and data validation', async () => {
  const d = await fresh();
  const file = join(d, '模板.xlsx');
  await packTemplate(file);
  await assert.rejects(packTemplate(file), /already exists/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  assert.deepEqual(wb.worksheets.map((w) => w.name), [SHEETS.project, SHEETS.units, SHEETS.volumes, SHEETS.records]);
  const records = wb.getWorksheet(SHEETS.records)!;
  assert.deepEqual((records.getRow(1).values as unknown[]).slice(1), ['案卷号', '序号', '文件编号', '责任者', '文件题名', '日期', '页次', '备注', '文件']);
  assert.equal(records.getRow(2).getCell(5).value, '关于示例花园一期项目的批复');
  const model = (wb.getWorksheet(SHEETS.volumes) as unknown as { dataValidations: { model: Record<string, { type: string; formulae: unknown[] }> } }).dataValidations.model;
  const lists = Object.values(model).filter((v) => v.type === 'list').map((v) => v.formulae[0]);
  assert.ok(lists.includes('"永久,长期,短期"'), JSON.stringify(lists));
  assert.ok(lists.includes('"A,B,C,D,E"'));
});

test('round trip: Chinese names, spaces, a 0-byte file and two files in one record make a valid bag', async () => {
  const d = await fresh();
  const src = join(d, '源 文件夹');
  const files = { '立项/项目 建议书 批复.pdf': '%PDF-1.7 批复', '图纸/总平面图 (修订).dwg': Buffer.alloc(70_000, 7), '空文件.txt': '', '图纸/附图.pdf': 'x', 'a%25b.pdf': 'percent' };
  await makeSource(src, files);
  const fill = goodFill(['立项/项目 建议书 批复.pdf', '图纸\\总平面图 (修订).dwg|图纸/附图.pdf', '空文件.txt', 'a%25b.pdf']);
  fill.records[1]!.页次 = '5－12'; // a full-width dash, as typed on a Chinese keyboard
  fill.records[2]!.日期 = '20250301';
  const catalog = await writeCatalog(src, fill); // the catalog may sit in the source folder itself
  const seen = new Set<string>();
  const r = mustPack(await packFolder({ source: src, catalogXlsx: catalog, out: join(d, '报送包'), concurrency: 3, onProgress: (p) => seen.add(p.phase) }));
  assert.deepEqual(r.warnings, []);
  assert.deepEqual([...seen], ['validate', 'copy', 'verify', 'done']);
  const { result } = r;
  assert.equal(result.files, 5);
  assert.equal(result.records, 4);

  const report = await verifyBag(result.path);
  assert.equal(report.valid, true, JSON.stringify(report.errors));
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.algorithms, { payload: ['sha256', 'sm3'], tag: ['sha256', 'sm3'] });
  const info = Object.fromEntries(report.bagInfo.map((e) => [e.label, e.value]));
  assert.equal(info['Dangan-Submitter-USCC'], '91350100M000100Y43');
  assert.equal(info['Dangan-Project-Code'], '2509-110101-89-01-544060');
  assert.equal(info['Dangan-Record-Count'], '4');
  assert.equal(info['Dangan-File-Count'], '5');
  assert.equal(info['Source-Organization'], '示例置业有限公司');
  assert.equal(info['Payload-Oxum'], `${report.payload.bytes}.6`);

  const meta = PackageMetadataSchema.parse(JSON.parse(await readFile(join(result.path, 'data', 'metadata.json'), 'utf8')));
  const vol = meta.units[0]!.volumes[0]!;
  assert.equal(vol.records[1]!.pages, '5-12');
  assert.equal(vol.records[2]!.date, '2025-03-01');
  assert.deepEqual(vol.records[1]!.files.map((f) => f.path), [
    'data/2509-110101-89-01-544060/1号楼/1/002-总平面图 (修订).dwg',
    'data/2509-110101-89-01-544060/1号楼/1/002-附图.pdf',
  ]);
  assert.equal(vol.records[1]!.files[0]!.size, 70_000);
  assert.equal(vol.records[2]!.files[0]!.size, 0);
  assert.equal(vol.dateFrom, '2025-01-01');
  const copied = await readFile(join(result.path, ...vol.records[0]!.files[0]!.path.split('/')), 'utf8');
  assert.equal(copied, '%PDF-1.7 批复');
  const manifest = await readFile(join(result.path, 'manifest-sm3.txt'), 'utf8');
  assert.match(manifest, /004-a%2525b\.pdf\n/); // BagIt 1.0 percent-encodes "%"
  assert.deepEqual((await readdir(d)).sort(), ['报送包', '源 文件夹'].sort()); // no .partial- left
});

test('paths longer than 260 characters are packed and verified', async () => {
  const d = await fresh();
  const src = join(d, 'src');
  const dir = Array.from({ length: 4 }, (_, i) => `第${i + 1}层目录${'长'.repeat(60)}`).join('/');
  const name = `${'很长的文件名'.repeat(13)}.pdf`;
  const rel = `${dir}/${name}`;
  assert.ok(rel.length > 260);
  await makeSource(src, { [rel]: 'long' });
  const fill = goodFill([rel]);
  fill.volumes[0]!.案卷号 = `卷${'名'.repeat(70)}`;
  fill.records[0]!.案卷号 = fill.volumes[0]!.案卷号;
  fill.units[0]!.单位工程编号 = fill.volumes[0]!.单位工程编号 = `1号楼${'栋'.repeat(75)}`;
  const r = mustPack(await packFolder({ source: src, catalogXlsx: await writeCatalog(d, fill), out: join(d, 'pkg') }));
  const path = r.result.metadata.units[0]!.volumes[0]!.records[0]!.files[0]!.path;
  assert.ok(path.length > 260, `${path.length}`);
  assert.equal((await verifyBag(r.result.path)).valid, true);
});

test('a name too long for a file system is a problem, not a crash', async () => {
  const d = await fresh();
  const src = join(d, 'src');
  await makeSource(src, { 'a.pdf': 'a' });
  const fill = goodFill(['a.pdf']);
  fill.volumes[0]!.案卷号 = '卷'.repeat(90); // 270 bytes in UTF-8
  fill.records[0]!.案卷号 = fill.volumes[0]!.案卷号;
  const r = await packFolder({ source: src, catalogXlsx: await writeCatalog(d, fill), out: join(d, 'pkg') });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.problems.some((p) => p.code === 'name-invalid' && p.sheet === '案卷' && p.row === 2), JSON.stringify(!r.ok && r.problems));
});

test('an unreadable file is reported with its row, and nothing is written', async (t) => {
  const d = await fresh();
  const src = join(d, 'src');
  await makeSource(src, { 'ok.pdf': 'ok', 'secret.pdf': 'no' });
  await chmod(join(src, 'secret.pdf'), 0o000);
  const readable = await readFile(join(src, 'secret.pdf')).then(() => true, () => false);
  if (readable) {
    await chmod(join(src, 'secret.pdf'), 0o644);
    return t.skip('running as root: chmod 000 does not stop reading');
  }
  const r = await packFolder({ source: src, catalogXlsx: await writeCatalog(d, goodFill(['ok.pdf', 'secret.pdf'])), out: join(d, 'pkg') });
  await chmod(join(src, 'secret.pdf'), 0o644);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => [p.code, p.sheet, p.row, p.file]), [['file-unreadable', '卷内目录', 3, 'secret.pdf']]);
  assert.equal(await lstat(join(d, 'pkg')).catch(() => undefined), undefined);
});

test('an existing package is never overwritten; a .zip package is refused as not implemented', async () => {
  const d = await fresh();
  const src = join(d, 'src');
  await makeSource(src, { 'a.pdf': 'a' });
  const catalog = await writeCatalog(d, goodFill(['a.pdf']));
  mustPack(await packFolder({ source: src, catalogXlsx: catalog, out: join(d, 'pkg') }));
  await assert.rejects(packFolder({ source: src, catalogXlsx: catalog, out: join(d, 'pkg') }), /already exists/);
  await assert.rejects(packFolder({ source: src, catalogXlsx: catalog, out: join(d, 'pkg.zip') }), /\.zip .* not implemented/);
  const inside = await packFolder({ source: src, catalogXlsx: catalog, out: join(src, 'pkg') });
  assert.ok(!inside.ok && inside.problems[0]!.code === 'path-invalid');
  assert.deepEqual((await readdir(d)).sort(), ['pkg', 'src', '卷内目录.xlsx'].sort());
});
