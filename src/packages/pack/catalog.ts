/**
 * The catalog workbook (.xlsx) the packer reads: its sheets and columns (the template), and a streaming
 * reader (exceljs WorkbookReader, `styles: 'cache'` so date cells come back as dates) that returns the
 * rows of the sheets it knows, each cell as text, number or date, with its row number and column.
 */
import ExcelJS from 'exceljs';
import { PackProblems } from './problems.ts';
import { readParts, WORKBOOK_PARTS } from './xlsx-parts.ts';
import { Readable } from 'node:stream';

export const SHEETS = { project: '项目', units: '单位工程', volumes: '案卷', records: '卷内目录' } as const;

/** 项目 sheet: one field per row, 字段 in column A, 值 in column B. */
export const PROJECT_FIELDS = [
  { key: 'code', label: '项目代码', required: true, hint: '投资项目统一代码，如 2509-110101-89-01-544060' },
  { key: 'name', label: '项目名称', required: true, hint: '' },
  { key: 'builderName', label: '建设单位', required: true, hint: '' },
  { key: 'builderUscc', label: '建设单位统一社会信用代码', required: true, hint: '18 位' },
  { key: 'regionCode', label: '行政区划代码', required: true, hint: '6 位，GB/T 2260' },
  { key: 'address', label: '项目地址', required: false, hint: '' },
  { key: 'submitterName', label: '报送单位', required: false, hint: '空则为建设单位' },
  { key: 'submitterUscc', label: '报送单位统一社会信用代码', required: false, hint: '空则为建设单位的代码' },
] as const;
export type ProjectFieldKey = (typeof PROJECT_FIELDS)[number]['key'];

type ColumnDef = { key: string; label: string; required: boolean };
const col = (key: string, label: string, required = true): ColumnDef => ({ key, label, required });

/** Table sheets: header in row 1, one item per row after it. `required`: the column must be present. */
export const TABLES = {
  [SHEETS.units]: [col('number', '单位工程编号'), col('name', '单位工程名称'), col('buildingCode', '房屋建筑统一编码', false)],
  [SHEETS.volumes]: [
    col('key', '案卷号'), col('unit', '单位工程编号'), col('title', '案卷题名'), col('category', '类别'), col('subclass', '子类', false),
    col('year', '年度'), col('retention', '保管期限'), col('secrecy', '密级'), col('pages', '页数', false), col('compiler', '编制单位', false),
    col('note', '备注', false),
  ],
  [SHEETS.records]: [
    col('volume', '案卷号', false), col('seq', '序号'), col('fileNumber', '文件编号'), col('responsible', '责任者'), col('title', '文件题名'),
    col('date', '日期'), col('pages', '页次'), col('note', '备注'), col('files', '文件'),
  ],
} as const satisfies Record<string, ColumnDef[]>;

export type Cell = string | number | boolean | Date | undefined;
export type CatalogRow = { row: number; cells: Map<string, { value: Cell; label: string; cell: string }> };
export type Catalog = {
  project: Map<ProjectFieldKey, { value: Cell; row: number }>;
  units: CatalogRow[];
  volumes: CatalogRow[];
  records: CatalogRow[];
};

export function columnLetter(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/** An exceljs cell value as a plain value: rich text and hyperlinks become text, formulas their result. */
export function plain(v: unknown): Cell {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return plain((o.richText as Array<{ text?: unknown }>).map((r) => String(r.text ?? '')).join(''));
    if ('result' in o) return plain(o.result);
    if ('text' in o) return plain(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

const headerKey = (s: string): string => s.replace(/[\s*＊]/g, '');

/** The exceljs WorkbookReader methods that parse the workbook-level parts (exceljs 4.4, stream/xlsx/workbook-reader.js). */
type ReaderInternals = {
  model?: unknown;
  _parseRels(s: Readable): Promise<void>;
  _parseWorkbook(s: Readable): Promise<void>;
  _parseSharedStrings(s: Readable): AsyncIterable<unknown>;
  _parseStyles(s: Readable): Promise<void>;
};

/** Gives the reader workbook.xml, its rels, the shared strings and styles before any sheet (see xlsx-parts.ts). */
async function primeReader(r: ReaderInternals, parts: Map<string, string>): Promise<void> {
  const part = (name: string) => Readable.from([Buffer.from(parts.get(name) ?? '')]);
  if (parts.has('xl/_rels/workbook.xml.rels')) await r._parseRels(part('xl/_rels/workbook.xml.rels'));
  if (parts.has('xl/workbook.xml')) await r._parseWorkbook(part('xl/workbook.xml'));
  if (parts.has('xl/sharedStrings.xml')) for await (const _ of r._parseSharedStrings(part('xl/sharedStrings.xml'))) void _;
  if (parts.has('xl/styles.xml')) await r._parseStyles(part('xl/styles.xml'));
  r.model ??= { sheets: [] };
}

/** Reads the workbook; problems (unreadable file, missing sheet or column) go to `problems`. */
export async function readCatalog(file: string, problems: PackProblems): Promise<Catalog | undefined> {
  const out: Catalog = { project: new Map(), units: [], volumes: [], records: [] };
  const seen = new Set<string>();
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    await primeReader(reader as unknown as ReaderInternals, await readParts(file, WORKBOOK_PARTS));
    for await (const ws of reader) {
      const name = String((ws as unknown as { name: string }).name).trim();
      seen.add(name);
      if (name === SHEETS.project) {
        for await (const row of ws) {
          const label = plain(row.getCell(1).value);
          const field = PROJECT_FIELDS.find((f) => typeof label === 'string' && headerKey(label) === f.label);
          if (field && !out.project.has(field.key)) out.project.set(field.key, { value: plain(row.getCell(2).value), row: row.number });
        }
        continue;
      }
      const defs: readonly ColumnDef[] | undefined = (TABLES as Record<string, readonly ColumnDef[]>)[name];
      if (!defs) continue;
      const target = name === SHEETS.units ? out.units : name === SHEETS.volumes ? out.volumes : out.records;
      let columns: Map<number, ColumnDef> | undefined;
      for await (const row of ws) {
        if (!columns) {
          columns = new Map();
          const found = new Set<string>();
          row.eachCell((c, n) => {
            const v = plain(c.value);
            const def = typeof v === 'string' ? defs.find((d) => d.label === headerKey(v)) : undefined;
            if (def && !found.has(def.key)) {
              columns!.set(n, def);
              found.add(def.key);
            }
          });
          for (const d of defs) {
            if (d.required && !found.has(d.key)) problems.error('column-missing', { sheet: name, row: row.number, column: d.label }, `缺少“${d.label}”列（第一行应为列名）`, `the column ${d.label} is missing (row 1 holds the column names)`);
          }
          continue;
        }
        const cells: CatalogRow['cells'] = new Map();
        for (const [n, def] of columns) {
          const value = plain(row.getCell(n).value);
          if (value !== undefined) cells.set(def.key, { value, label: def.label, cell: `${columnLetter(n)}${row.number}` });
        }
        if (cells.size > 0) target.push({ row: row.number, cells });
      }
      if (!columns) problems.error('column-missing', { sheet: name, row: 1 }, '工作表为空，第一行应为列名', 'the sheet is empty; row 1 must hold the column names');
    }
  } catch (err) {
    problems.error('workbook-unreadable', { file }, `无法读取 Excel 卷内目录（应为 .xlsx）：${(err as Error).message}`, `cannot read the catalog workbook (it must be .xlsx): ${(err as Error).message}`);
    return undefined;
  }
  for (const name of Object.values(SHEETS)) {
    if (!seen.has(name)) problems.error('sheet-missing', { sheet: name }, `缺少工作表“${name}”`, `the sheet ${name} is missing`);
  }
  return out;
}
