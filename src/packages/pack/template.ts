/**
 * `dangan pack --template`: the catalog workbook a clerk fills in — sheets 项目 (field/value), 单位工程,
 * 案卷 and 卷内目录, column headers, one example row each, and data validation (drop-down lists and
 * number/date ranges) on the columns that have a closed set of values.
 */
import { lstat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { CATEGORIES, RETENTIONS, SECRECY_LEVELS } from '../format/index.ts';
import { columnLetter, PROJECT_FIELDS, SHEETS, TABLES } from './catalog.ts';

const EXAMPLE_PROJECT: Record<string, string> = {
  code: '2509-110101-89-01-544060',
  name: '示例花园一期住宅工程',
  builderName: '示例置业有限公司',
  builderUscc: '91350100M000100Y43',
  regionCode: '110101',
  address: '北京市东城区示例路 1 号',
};
const EXAMPLES: Record<string, Array<string | number | Date>> = {
  [SHEETS.units]: ['1号楼', '1号住宅楼', ''],
  [SHEETS.volumes]: ['1', '1号楼', '示例花园一期1号楼工程准备阶段文件', 'A', 'A1', 2025, '永久', '公开', 12, '示例置业有限公司', ''],
  [SHEETS.records]: ['1', 1, '闽发改〔2025〕1号', '福州市发展和改革委员会', '关于示例花园一期项目的批复', new Date(Date.UTC(2025, 2, 15)), '1-4', '', '立项/项目批复.pdf'],
};
const ROWS = 2000;

type Validation = { type: 'list' | 'whole' | 'date'; allowBlank: boolean; formulae: Array<string | number | Date>; operator?: string; showErrorMessage: boolean; errorTitle: string; error: string };
type WithValidations = { dataValidations: { add(range: string, v: Validation): void } };

const listOf = (values: readonly string[], what: string): Validation => ({
  type: 'list', allowBlank: false, formulae: [`"${values.join(',')}"`], showErrorMessage: true, errorTitle: what, error: `请选择：${values.join('、')}`,
});
const whole = (min: number, max: number, what: string, allowBlank = false): Validation => ({
  type: 'whole', operator: 'between', allowBlank, formulae: [min, max], showErrorMessage: true, errorTitle: what, error: `应为 ${min}–${max} 的整数`,
});

const VALIDATIONS: Record<string, Record<string, Validation>> = {
  [SHEETS.volumes]: {
    category: listOf(CATEGORIES, '类别'), retention: listOf(RETENTIONS, '保管期限'), secrecy: listOf(SECRECY_LEVELS, '密级'),
    year: whole(1900, 2100, '年度'), pages: whole(0, 1_000_000, '页数', true),
  },
  [SHEETS.records]: {
    seq: whole(1, 99_999, '序号'),
    date: { type: 'date', operator: 'between', allowBlank: false, formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2100, 11, 31))], showErrorMessage: true, errorTitle: '日期', error: '应为日期（YYYY-MM-DD）' },
  },
};

/** Writes the template to `path` (never overwrites an existing file). */
export async function packTemplate(path: string): Promise<void> {
  if (await lstat(path).catch(() => undefined)) throw new Error(`${path} already exists`);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Dangan (档案)';
  const header = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };

  const project = wb.addWorksheet(SHEETS.project);
  project.columns = [{ header: '字段', width: 28 }, { header: '值', width: 40 }, { header: '说明', width: 40 }];
  for (const f of PROJECT_FIELDS) project.addRow([f.label, EXAMPLE_PROJECT[f.key] ?? '', `${f.required ? '必填' : '选填'}${f.hint ? `；${f.hint}` : ''}`]);
  header(project);

  for (const name of [SHEETS.units, SHEETS.volumes, SHEETS.records] as const) {
    const ws = wb.addWorksheet(name);
    const cols = TABLES[name];
    ws.columns = cols.map((c) => ({ header: c.label, key: c.key, width: c.key === 'title' || c.key === 'files' ? 40 : 16 }));
    ws.addRow(EXAMPLES[name]);
    header(ws);
    cols.forEach((c, i) => {
      const letter = columnLetter(i + 1);
      if (c.key === 'date') ws.getColumn(i + 1).numFmt = 'yyyy-mm-dd';
      // Text columns stay text: a 序号 "001" or a 案卷号 "01" must not lose its zeros.
      if (['key', 'volume', 'number', 'unit', 'fileNumber', 'pages', 'files'].includes(c.key) && !(name === SHEETS.volumes && c.key === 'pages')) ws.getColumn(i + 1).numFmt = '@';
      const v = VALIDATIONS[name]?.[c.key];
      if (v) (ws as unknown as WithValidations).dataValidations.add(`${letter}2:${letter}${ROWS}`, v);
    });
  }
  await wb.xlsx.writeFile(path);
}
