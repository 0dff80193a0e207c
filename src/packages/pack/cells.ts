/**
 * Reading one catalog cell as the type a field needs; every failure becomes a problem naming sheet,
 * row and column, and the caller goes on to the next cell so that every problem is reported at once.
 */
import { isIsoDate } from '../../codes/index.ts';
import { PAGES_PATTERN } from '../format/index.ts';
import type { CatalogRow, Cell } from './catalog.ts';
import type { PackProblems, Where } from './problems.ts';

export class RowReader {
  constructor(readonly problems: PackProblems, readonly sheet: string, readonly r: CatalogRow, readonly labels: Record<string, string>) {}

  where(key: string): Where {
    const c = this.r.cells.get(key);
    return { sheet: this.sheet, row: this.r.row, column: c?.label ?? this.labels[key] ?? key, ...(c ? { cell: c.cell.replace(/\d+$/, '') } : {}) };
  }

  raw(key: string): Cell {
    return this.r.cells.get(key)?.value;
  }

  /** Text of the cell; numbers become their decimal form; undefined when empty. */
  text(key: string, required: boolean): string | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (required) this.problems.error('value-empty', this.where(key), `“${this.labels[key]}”不能为空`, `${this.labels[key]} must not be empty`);
      return undefined;
    }
    if (v instanceof Date) return dateText(v);
    return String(v).trim();
  }

  /** A whole number in [min, max]. */
  int(key: string, required: boolean, min: number, max: number): number | undefined {
    const t = this.text(key, required);
    if (t === undefined) return undefined;
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.error('value-invalid', this.where(key), `“${this.labels[key]}”应为 ${min}–${max} 的整数，实为“${t}”`, `${this.labels[key]} must be a whole number ${min}–${max}, not "${t}"`);
      return undefined;
    }
    return n;
  }

  /** One of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const t = this.text(key, true);
    if (t === undefined) return undefined;
    const v = allowed.find((a) => a === t.toUpperCase() || a === t);
    if (!v) this.problems.error('value-invalid', this.where(key), `“${this.labels[key]}”应为 ${allowed.join('、')} 之一，实为“${t}”`, `${this.labels[key]} must be one of ${allowed.join(', ')}, not "${t}"`);
    return v;
  }

  /** YYYY-MM-DD from a date cell, "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD" or "YYYYMMDD". */
  date(key: string, required: boolean): string | undefined {
    const v = this.raw(key);
    const t = this.text(key, required);
    if (t === undefined) return undefined;
    // A date cell read before the workbook's styles comes as its serial number (days since 1899-12-30).
    const serial = typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2_958_466 ? dateText(new Date(Date.UTC(1899, 11, 30) + v * 86_400_000)) : undefined;
    const iso = v instanceof Date ? t : (serial ?? normalizeDate(t));
    if (iso === undefined || !isIsoDate(iso)) {
      this.problems.error('value-invalid', this.where(key), `“${this.labels[key]}”“${t}”不是有效日期（应为 YYYY-MM-DD 或 YYYYMMDD）`, `${this.labels[key]} "${t}" is not a valid date (YYYY-MM-DD or YYYYMMDD)`);
      return undefined;
    }
    return iso;
  }

  /** 页次: "5" or "5-12" (a full-width or en dash is accepted and written as "-"). */
  pages(key: string): string | undefined {
    const t = this.text(key, false)?.replace(/[－–—~～]/g, '-').replace(/\s/g, '');
    if (t === undefined) return undefined;
    const m = PAGES_PATTERN.test(t) ? t.split('-').map(Number) : undefined;
    if (!m || m.some((n) => n < 1) || (m.length === 2 && m[0]! > m[1]!)) {
      this.problems.error('value-invalid', this.where(key), `“${this.labels[key]}”应为页码数字或“起-止”页码，实为“${t}”`, `${this.labels[key]} must be a page number or a range "from-to", not "${t}"`);
      return undefined;
    }
    return t;
  }
}

/** A date cell (exceljs gives dates as UTC midnight) as YYYY-MM-DD. */
export function dateText(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

function normalizeDate(t: string): string | undefined {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const sep = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (sep) return `${sep[1]}-${sep[2]!.padStart(2, '0')}-${sep[3]!.padStart(2, '0')}`;
  return undefined;
}
