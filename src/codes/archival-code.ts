// 档号 (archival code) built from a per-repository rule (a template string, see archival-code-template.ts).
// DA/T 70 item 1-7 checks 档号 against "the local 档号 rule" — these functions are that rule.
//
// Issue codes: archival_code.missing_value · archival_code.value_invalid · archival_code.value_too_wide
//              · archival_code.too_long · archival_code.mismatch (errors); plus the template issues.
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';
import { ARCHIVAL_CODE_LIMITS, fieldSource } from './archival-code-template.ts';
import type { ArchivalCodeField, ArchivalCodeRule } from './archival-code-template.ts';

export {
  ARCHIVAL_CODE_FIELDS,
  ARCHIVAL_CODE_LIMITS,
  compileArchivalCodeRule,
} from './archival-code-template.ts';
export type { ArchivalCodeField, ArchivalCodePart, ArchivalCodeRule } from './archival-code-template.ts';

/**
 * Default rule for 城建档案: 分类号 + 项目号 + 案卷号 (digest §1.4 — composition NOT confirmed ❓; the
 * separators and the widths 4 and 3 are our choice ❓). Each repository should set its own rule.
 */
export const DEFAULT_ARCHIVAL_CODE_TEMPLATE = '{category}-{projectSeq:4}-{volumeSeq:3}';

/** Values to build a code from. Sequence numbers and year may be numbers or digit strings (e.g. SQL counts). */
export type ArchivalCodeValues = Partial<Record<ArchivalCodeField, string | number | null>>;

/** Values recovered from a code. */
export type ArchivalCodeParsed = {
  repository?: string;
  fonds?: string;
  category?: string;
  year?: number;
  projectSeq?: number;
  unitSeq?: number;
  volumeSeq?: number;
  projectCode?: string;
};

const isNumeric = (f: ArchivalCodeField): f is 'year' | 'projectSeq' | 'unitSeq' | 'volumeSeq' =>
  f === 'year' || f === 'projectSeq' || f === 'unitSeq' || f === 'volumeSeq';

const FIELD_ZH: Record<ArchivalCodeField, string> = {
  repository: '档案馆代号',
  fonds: '全宗号',
  category: '分类号',
  year: '年度',
  projectSeq: '项目号',
  unitSeq: '单位工程号',
  volumeSeq: '案卷号',
  projectCode: '项目代码',
};

const EXPECT: Record<ArchivalCodeField, [string, string]> = {
  repository: [`1–${ARCHIVAL_CODE_LIMITS.textLength} 位字母或数字`, `1–${ARCHIVAL_CODE_LIMITS.textLength} letters or digits`],
  fonds: [`1–${ARCHIVAL_CODE_LIMITS.textLength} 位字母或数字`, `1–${ARCHIVAL_CODE_LIMITS.textLength} letters or digits`],
  category: ['A–E，可带小类号（如 C5）', 'A–E with an optional sub-class number (e.g. C5)'],
  year: ['四位年份', 'a 4-digit year'],
  projectSeq: ['正整数', 'a positive integer'],
  unitSeq: ['正整数', 'a positive integer'],
  volumeSeq: ['正整数', 'a positive integer'],
  projectCode: ['24 位投资项目统一代码', 'a 24-character investment project code'],
};

const invalid = (field: ArchivalCodeField, value: string | number): CodeIssue =>
  issue(
    'archival_code.value_invalid',
    `${FIELD_ZH[field]}（${field}）的值“${value}”无效，应为${EXPECT[field][0]}`,
    `Value '${value}' of ${field} is invalid; expected ${EXPECT[field][1]}`,
    { field, value: String(value) },
  );

/** Format one field of a compiled rule, or the issue that prevents it. */
function formatField(field: ArchivalCodeField, width: number | undefined, raw: string | number): string | CodeIssue {
  if (isNumeric(field)) {
    const n = typeof raw === 'number' ? raw : /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    const valid = field === 'year' ? Number.isInteger(n) && n >= 1000 && n <= 9999 : Number.isSafeInteger(n) && n >= 1;
    if (!valid) return invalid(field, raw);
    const digits = String(n);
    const limit = width ?? (field === 'year' ? 4 : ARCHIVAL_CODE_LIMITS.maxWidth);
    if (digits.length > limit) {
      return issue(
        'archival_code.value_too_wide',
        `${FIELD_ZH[field]}（${field}）的值 ${digits} 超过 ${limit} 位`,
        `Value ${digits} of ${field} has more than ${limit} digits`,
        { field, value: digits, width: limit },
      );
    }
    return width === undefined ? digits : digits.padStart(width, '0');
  }
  const s = String(raw);
  return new RegExp(`^(?:${fieldSource({ kind: 'field', field, width: undefined })})$`).test(s) ? s : invalid(field, raw);
}

/** Build a 档号 from a compiled rule and values. All problems are reported together. */
export function buildArchivalCode(rule: ArchivalCodeRule, values: ArchivalCodeValues): CodeResult<string> {
  const issues: CodeIssue[] = [];
  let code = '';
  for (const part of rule.parts) {
    if (part.kind === 'literal') {
      code += part.text;
      continue;
    }
    const raw = values[part.field];
    if (raw === undefined || raw === null || raw === '') {
      issues.push(
        issue(
          'archival_code.missing_value',
          `缺少${FIELD_ZH[part.field]}（${part.field}），档号规则需要它`,
          `Missing value for ${part.field}, required by the archival-code rule`,
          { field: part.field },
        ),
      );
      continue;
    }
    const formatted = formatField(part.field, part.width, raw);
    if (typeof formatted === 'string') code += formatted;
    else issues.push(formatted);
  }
  if (issues.length > 0) return fail(issues);
  if (code.length > ARCHIVAL_CODE_LIMITS.codeLength) return fail([tooLong(code.length)]);
  return ok(code);
}

const tooLong = (length: number): CodeIssue =>
  issue(
    'archival_code.too_long',
    `档号过长（${length} 字符，上限 ${ARCHIVAL_CODE_LIMITS.codeLength}）`,
    `Archival code too long (${length} characters, limit ${ARCHIVAL_CODE_LIMITS.codeLength})`,
    { length },
  );

/** Recover the field values of a 档号 under a compiled rule (input trimmed). */
export function parseArchivalCode(rule: ArchivalCodeRule, input: string): CodeResult<ArchivalCodeParsed> {
  const code = input.trim();
  // Length cap before any regex work: bounded input, bounded time.
  if (code.length > ARCHIVAL_CODE_LIMITS.codeLength) return fail([tooLong(code.length)]);
  const m = rule.pattern.exec(code);
  if (!m) {
    return fail([
      issue(
        'archival_code.mismatch',
        `档号“${code}”不符合档号规则“${rule.template}”`,
        `Archival code '${code}' does not follow the rule '${rule.template}'`,
        { code, template: rule.template },
      ),
    ]);
  }
  const values: ArchivalCodeParsed = {};
  const issues: CodeIssue[] = [];
  rule.fields.forEach((field, k) => {
    const text = m[k + 1] ?? '';
    if (!isNumeric(field)) {
      values[field] = text;
      return;
    }
    // The pattern fixes the shape; the range (year 1000–9999, sequence ≥ 1) is checked here.
    const n = Number(text);
    if (field === 'year' ? n < 1000 : n < 1) issues.push(invalid(field, text));
    else values[field] = n;
  });
  return issues.length > 0 ? fail(issues) : ok(values);
}
