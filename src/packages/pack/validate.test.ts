/**
 * Every validation problem is reported at once, each with its sheet, row and column (or file), and
 * nothing at all is written when there is one.
 */
import assert from 'node:assert/strict';
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import ExcelJS from 'exceljs';
import { formatProblem, packFolder, SHEETS, type PackProblem } from './index.ts';
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
type Key = [code: string, sheet: string | undefined, row: number | undefined, column: string | undefined, file?: string];
const keyOf = (p: PackProblem): Key => (p.file === undefined ? [p.code, p.sheet, p.row, p.column] : [p.code, p.sheet, p.row, p.column, p.file]);
const has = (problems: PackProblem[], k: Key) =>
  assert.ok(problems.some((p) => JSON.stringify(keyOf(p)) === JSON.stringify(k)), `expected ${JSON.stringify(k)} in\n${problems.map((p) => formatProblem(p)).join('\n')}`);

test('every problem of a bad catalog and folder is listed at once, with sheet, row and column', async () => {
  const d = await fresh();
  const src = join(d, 'src');
  await makeSource(src, { 'a.pdf': 'a', 'b.pdf': 'b', 'c.pdf': 'c', '未列入.pdf': 'x', 'Thumbs.db': 't', 'Case.PDF': 'c' });
  await symlink(join(src, 'a.pdf'), join(src, 'link.pdf'));
  const fill = goodFill(['a.pdf', 'b.pdf', 'c.pdf']);
  fill.project.建设单位统一社会信用代码 = '91350100M000100Y44'; // wrong check character
  fill.project.项目代码 = '2509-1101-89-01-544060';
  fill.project.项目名称 = undefined;
  fill.units.push({ 单位工程编号: '1号楼', 单位工程名称: '重复' }, { 单位工程编号: '2号楼', 单位工程名称: '二号楼', 房屋建筑统一编码: '1101010102020010900000X' });
  fill.volumes.push(
    { 案卷号: '1', 单位工程编号: '1号楼', 案卷题名: '重复案卷', 类别: 'A', 年度: 2025, 保管期限: '永久', 密级: '公开' },
    { 案卷号: '2', 单位工程编号: '9号楼', 案卷题名: '坏案卷', 类别: 'F', 子类: 'Z9', 年度: 'abc', 保管期限: '十年', 密级: '公开', 页数: 'x' },
    { 案卷号: 'CON', 单位工程编号: '2号楼', 案卷题名: '保留名', 类别: 'C', 年度: 2025, 保管期限: '长期', 密级: '内部' },
  );
  const r = fill.records;
  r[1]!.序号 = 1; // duplicate 序号 (row 3)
  r[2]!.文件题名 = undefined; // row 4
  r[2]!.日期 = '2025-02-30';
  r[2]!.页次 = 'abc';
  r.push(
    { 案卷号: '1', 序号: 4, 责任者: '某单位', 文件题名: '缺文件', 日期: '2025-01-01', 文件: '不存在.pdf' }, // row 5
    { 案卷号: '1', 序号: 5, 责任者: '某单位', 文件题名: '重复文件', 日期: '2025-01-01', 文件: 'a.pdf' }, // row 6
    { 案卷号: '1', 序号: 6, 责任者: '某单位', 文件题名: '越界', 日期: '2025-01-01', 文件: '../etc/passwd' }, // row 7
    { 案卷号: '99', 序号: 7, 责任者: '某单位', 文件题名: '未知案卷', 日期: '2025-01-01', 文件: 'case.pdf' }, // row 8
    { 案卷号: '1', 序号: 0, 责任者: '某单位', 文件题名: '链接', 日期: '2025/1/2', 文件: 'link.pdf' }, // row 9
  );
  const catalog = await writeCatalog(d, fill);
  const out = join(d, 'pkg');
  const res = await packFolder({ source: src, catalogXlsx: catalog, out });
  assert.equal(res.ok, false);
  const problems = res.ok ? [] : res.problems;
  const P = SHEETS.project, U = SHEETS.units, V = SHEETS.volumes, R = SHEETS.records;
  has(problems, ['code-invalid', P, 2, '项目代码']);
  has(problems, ['field-missing', P, 3, '项目名称']);
  has(problems, ['code-invalid', P, 5, '建设单位统一社会信用代码']);
  has(problems, ['duplicate', U, 3, '单位工程编号']);
  has(problems, ['code-warning', U, 4, '房屋建筑统一编码']); // check table unverified: a warning only
  has(problems, ['duplicate', V, 3, '案卷号']);
  has(problems, ['unknown-reference', V, 4, '单位工程编号']);
  has(problems, ['value-invalid', V, 4, '类别']);
  has(problems, ['value-invalid', V, 4, '子类']);
  has(problems, ['value-invalid', V, 4, '年度']);
  has(problems, ['value-invalid', V, 4, '保管期限']);
  has(problems, ['value-invalid', V, 4, '页数']);
  has(problems, ['name-invalid', V, 5, '案卷号']);
  has(problems, ['duplicate', R, 3, '序号']);
  has(problems, ['value-empty', R, 4, '文件题名']);
  has(problems, ['value-invalid', R, 4, '日期']);
  has(problems, ['value-invalid', R, 4, '页次']);
  has(problems, ['file-missing', R, 5, '文件', '不存在.pdf']);
  has(problems, ['file-listed-twice', R, 6, '文件', 'a.pdf']);
  has(problems, ['path-invalid', R, 7, '文件', '../etc/passwd']);
  has(problems, ['unknown-reference', R, 8, '案卷号']);
  has(problems, ['file-missing', R, 8, '文件', 'case.pdf']);
  assert.match(problems.find((p) => p.row === 8 && p.code === 'file-missing')!.message.zh, /Case\.PDF/);
  has(problems, ['value-invalid', R, 9, '序号']);
  has(problems, ['file-not-regular', R, 9, '文件', 'link.pdf']);
  has(problems, ['file-not-listed', undefined, undefined, undefined, '未列入.pdf']);
  has(problems, ['file-not-listed', undefined, undefined, undefined, 'Case.PDF']);
  assert.ok(problems.some((p) => p.code === 'file-ignored' && p.severity === 'warning' && p.file === 'Thumbs.db'));
  // 2025/1/2 is accepted as a date: row 9 has no date problem
  assert.ok(!problems.some((p) => p.row === 9 && p.sheet === R && p.column === '日期'));
  assert.equal(problems.filter((p) => p.severity === 'error').length, 25, problems.map((p) => formatProblem(p, 'en')).join('\n'));
  assert.deepEqual((await readdir(d)).sort(), ['src', '卷内目录.xlsx']); // nothing written
});

test('a missing sheet, a missing column and an empty 卷内目录 are reported', async () => {
  const d = await fresh();
  const src = join(d, 'src');
  await makeSource(src, { 'a.pdf': 'a' });
  const catalog = await writeCatalog(d, { ...goodFill([]), records: [] });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(catalog);
  wb.removeWorksheet(wb.getWorksheet(SHEETS.units)!.id);
  wb.getWorksheet(SHEETS.records)!.getRow(1).getCell(6).value = '时间'; // 日期 renamed
  await wb.xlsx.writeFile(catalog);
  const res = await packFolder({ source: src, catalogXlsx: catalog, out: join(d, 'pkg') });
  assert.ok(!res.ok);
  has(res.problems, ['sheet-missing', SHEETS.units, undefined, undefined]);
  has(res.problems, ['column-missing', SHEETS.records, 1, '日期']);
  has(res.problems, ['no-records', SHEETS.records, undefined, undefined]);
  has(res.problems, ['unknown-reference', SHEETS.volumes, 2, '单位工程编号']);
  has(res.problems, ['file-not-listed', undefined, undefined, undefined, 'a.pdf']);
});

test('a file that is not an .xlsx workbook, or a missing source folder, is one clear problem', async () => {
  const d = await fresh();
  await makeSource(join(d, 'src'), { 'a.pdf': 'a' });
  await writeFile(join(d, 'bad.xlsx'), 'not a zip');
  const res = await packFolder({ source: join(d, 'src'), catalogXlsx: join(d, 'bad.xlsx'), out: join(d, 'pkg') });
  assert.ok(!res.ok);
  assert.deepEqual(res.problems.map((p) => p.code), ['workbook-unreadable']);
  const none = await packFolder({ source: join(d, 'nope'), catalogXlsx: join(d, 'bad.xlsx'), out: join(d, 'pkg') });
  assert.ok(!none.ok && none.problems[0]!.code === 'source-unreadable');
});
