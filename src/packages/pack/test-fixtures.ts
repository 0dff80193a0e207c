/** Helpers for the packer tests: temporary folders, a filled-in catalog workbook, a source folder. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { PROJECT_FIELDS, SHEETS } from './catalog.ts';
import { packTemplate } from './template.ts';

export type Row = Record<string, string | number | Date | undefined>;
export type Fill = { project: Record<string, string | undefined>; units: Row[]; volumes: Row[]; records: Row[] };

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'dangan-pack-'));

export const PROJECT: Fill['project'] = {
  项目代码: '2509-110101-89-01-544060',
  项目名称: '示例花园一期住宅工程',
  建设单位: '示例置业有限公司',
  建设单位统一社会信用代码: '91350100M000100Y43',
  行政区划代码: '110101',
  项目地址: '北京市东城区示例路 1 号',
};

/** A good catalog for `files` (one record per file, all in volume 1 of unit 1号楼). */
export function goodFill(files: string[]): Fill {
  return {
    project: { ...PROJECT },
    units: [{ 单位工程编号: '1号楼', 单位工程名称: '1号住宅楼' }],
    volumes: [{ 案卷号: '1', 单位工程编号: '1号楼', 案卷题名: '1号楼工程准备阶段文件', 类别: 'A', 子类: 'A1', 年度: 2025, 保管期限: '永久', 密级: '公开', 页数: 10 }],
    records: files.map((f, i) => ({ 案卷号: '1', 序号: i + 1, 文件编号: `文-${i + 1}`, 责任者: '福州市发展和改革委员会', 文件题名: `文件 ${i + 1}`, 日期: new Date(Date.UTC(2025, 0, 1 + (i % 28))), 页次: `${i + 1}`, 文件: f })),
  };
}

/** Writes the template to `dir`, then fills it in like a clerk would (example rows replaced). */
export async function writeCatalog(dir: string, fill: Fill, name = '卷内目录.xlsx'): Promise<string> {
  const scratch = await tempDir();
  const templ = join(scratch, 'template.xlsx');
  await packTemplate(templ);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(templ);
  await rm(scratch, { recursive: true, force: true });
  const project = wb.getWorksheet(SHEETS.project)!;
  project.eachRow((row, n) => {
    if (n === 1) return;
    const label = String(row.getCell(1).value);
    const f = PROJECT_FIELDS.find((x) => x.label === label);
    if (f) row.getCell(2).value = fill.project[label] ?? null;
  });
  for (const [sheet, rows] of [[SHEETS.units, fill.units], [SHEETS.volumes, fill.volumes], [SHEETS.records, fill.records]] as const) {
    const ws = wb.getWorksheet(sheet)!;
    const headers = (ws.getRow(1).values as unknown[]).map((v) => (v === undefined || v === null ? '' : String(v)));
    ws.spliceRows(2, 1);
    rows.forEach((r, i) => {
      const row = ws.getRow(i + 2);
      headers.forEach((h, c) => {
        if (h && r[h] !== undefined) row.getCell(c).value = r[h]!;
      });
      row.commit();
    });
  }
  const file = join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

/** Creates the files (relative path → content) under `root`. */
export async function makeSource(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, ...rel.split('/'));
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  }
}
