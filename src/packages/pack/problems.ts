/**
 * Problems the packer finds before it writes anything. Each names where it is: a sheet, row and column
 * of the catalog workbook, or a file of the source folder. Codes are stable; messages are bilingual.
 */
import type { CodeIssue } from '../../codes/index.ts';

export type PackProblemCode =
  // the workbook
  | 'workbook-unreadable'
  | 'sheet-missing'
  | 'column-missing'
  | 'field-missing'
  | 'value-empty'
  | 'value-invalid'
  | 'code-invalid'
  | 'code-warning'
  | 'duplicate'
  | 'unknown-reference'
  | 'volume-without-records'
  | 'no-records'
  // the files
  | 'path-invalid'
  | 'name-invalid'
  | 'name-collision'
  | 'file-missing'
  | 'file-not-regular'
  | 'file-unreadable'
  | 'file-listed-twice'
  | 'file-not-listed'
  | 'file-ignored'
  | 'source-unreadable';

export type Severity = 'error' | 'warning';
export type Message = { zh: string; en: string };

export type PackProblem = {
  code: PackProblemCode;
  severity: Severity;
  message: Message;
  /** catalog sheet (项目, 单位工程, 案卷, 卷内目录) */
  sheet?: string;
  /** 1-based row number as Excel shows it */
  row?: number;
  /** column header (e.g. 日期) */
  column?: string;
  /** column letter (e.g. F) */
  cell?: string;
  /** path of a file, relative to the source folder */
  file?: string;
};

export type Where = Pick<PackProblem, 'sheet' | 'row' | 'column' | 'cell' | 'file'>;

/** Collects problems; `errors` blocks writing, warnings do not. */
export class PackProblems {
  readonly list: PackProblem[] = [];
  add(severity: Severity, code: PackProblemCode, where: Where, zh: string, en: string): void {
    const p: PackProblem = { code, severity, message: { zh, en } };
    for (const k of ['sheet', 'row', 'column', 'cell', 'file'] as const) if (where[k] !== undefined) Object.assign(p, { [k]: where[k] });
    this.list.push(p);
  }
  error(code: PackProblemCode, where: Where, zh: string, en: string): void {
    this.add('error', code, where, zh, en);
  }
  warn(code: PackProblemCode, where: Where, zh: string, en: string): void {
    this.add('warning', code, where, zh, en);
  }
  /** Errors and warnings of an identifier-code check (codes/), under one packer code. */
  fromCode(where: Where, what: string, issues: CodeIssue[], severity: Severity = 'error'): void {
    for (const i of issues) this.add(severity, severity === 'error' ? 'code-invalid' : 'code-warning', where, `${what}：${i.message.zh}`, `${what}: ${i.message.en}`);
  }
  get errors(): PackProblem[] {
    return this.list.filter((p) => p.severity === 'error');
  }
  get warnings(): PackProblem[] {
    return this.list.filter((p) => p.severity === 'warning');
  }
}

/** One line for people: `卷内目录 第 5 行 日期(F)：…` or `文件 a/b.pdf：…`. */
export function formatProblem(p: PackProblem, lang: 'zh' | 'en' = 'zh'): string {
  const parts: string[] = [];
  if (lang === 'zh') {
    if (p.sheet) parts.push(`工作表“${p.sheet}”`);
    if (p.row !== undefined) parts.push(`第 ${p.row} 行`);
    if (p.column) parts.push(`“${p.column}”列${p.cell ? `（${p.cell}）` : ''}`);
    if (p.file) parts.push(`文件 ${JSON.stringify(p.file)}`);
  } else {
    if (p.sheet) parts.push(`sheet ${p.sheet}`);
    if (p.row !== undefined) parts.push(`row ${p.row}`);
    if (p.column) parts.push(`column ${p.column}${p.cell ? ` (${p.cell})` : ''}`);
    if (p.file) parts.push(`file ${JSON.stringify(p.file)}`);
  }
  const tag = p.severity === 'error' ? (lang === 'zh' ? '错误' : 'error') : lang === 'zh' ? '警告' : 'warning';
  return `${tag} [${p.code}] ${parts.join(lang === 'zh' ? ' ' : ', ')}${parts.length ? (lang === 'zh' ? '：' : ': ') : ''}${p.message[lang]}`;
}
