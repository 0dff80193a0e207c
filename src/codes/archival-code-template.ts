// 档号 rule templates: a small, safe template language, compiled once per repository rule.
//   Literal text, and fields in braces: {field} or {field:N} (zero-padded to N digits, sequence fields only).
//   '{{' and '}}' write literal braces. Whitespace and control characters are not allowed in literals.
// Safety: a variable-width field must be followed by the end of the template or by a literal whose first
// character the field can never contain. Every code then splits in exactly one way, and the anchored regex
// built here matches in linear time (no ambiguous backtracking).
//
// Issue codes (all errors): archival_code.template_too_long · archival_code.unbalanced_brace
//   · archival_code.unknown_field · archival_code.width · archival_code.width_not_allowed
//   · archival_code.duplicate_field · archival_code.literal_char · archival_code.ambiguous · archival_code.no_fields
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';

export const ARCHIVAL_CODE_FIELDS = [
  'repository', // 档案馆代号 / repository code
  'fonds', // 全宗号
  'category', // GB/T 50328 class A–E, optional sub-class (C5, A10)
  'year', // 年度, 4 digits
  'projectSeq', // 项目号 (sequence)
  'unitSeq', // 单位工程号 (sequence)
  'volumeSeq', // 案卷号 (sequence)
  'projectCode', // 投资项目统一代码 (GB/T 40058), 24 characters
] as const;
export type ArchivalCodeField = (typeof ARCHIVAL_CODE_FIELDS)[number];

export const ARCHIVAL_CODE_LIMITS = Object.freeze({ templateLength: 200, codeLength: 256, maxWidth: 12, textLength: 32 });

type FieldSpec = {
  /** Regex source (no capture groups) for a field without width. */
  source: string;
  /** Fixed length, or undefined when variable. */
  fixed: number | undefined;
  /** Characters the field can contain (for the ambiguity rule). */
  chars: RegExp;
  widthAllowed: boolean;
};

const TEXT: FieldSpec = { source: `[0-9A-Za-z]{1,${ARCHIVAL_CODE_LIMITS.textLength}}`, fixed: undefined, chars: /[0-9A-Za-z]/, widthAllowed: false };
const SEQ: FieldSpec = { source: `[1-9][0-9]{0,${ARCHIVAL_CODE_LIMITS.maxWidth - 1}}`, fixed: undefined, chars: /[0-9]/, widthAllowed: true };

export const FIELD_SPECS: Readonly<Record<ArchivalCodeField, FieldSpec>> = Object.freeze({
  repository: TEXT,
  fonds: TEXT,
  // GB/T 50328 §1.2 of the digest: classes A–E; sub-class numbers without leading zero.
  category: { source: '[A-E](?:[1-9][0-9]?)?', fixed: undefined, chars: /[A-E0-9]/, widthAllowed: false },
  year: { source: '[0-9]{4}', fixed: 4, chars: /[0-9]/, widthAllowed: false },
  projectSeq: SEQ,
  unitSeq: SEQ,
  volumeSeq: SEQ,
  projectCode: { source: '[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}', fixed: 24, chars: /[0-9-]/, widthAllowed: false },
});

export type ArchivalCodePart =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; field: ArchivalCodeField; width: number | undefined };

export type ArchivalCodeRule = Readonly<{
  template: string;
  parts: readonly ArchivalCodePart[];
  fields: readonly ArchivalCodeField[];
  /** Anchored; one capture group per field, in `fields` order. No flags, so it is safe to share. */
  pattern: RegExp;
}>;

const isField = (s: string): s is ArchivalCodeField => (ARCHIVAL_CODE_FIELDS as readonly string[]).includes(s);
const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
const BAD_LITERAL = /[\s\p{C}]/u;

export function fieldSource(part: Extract<ArchivalCodePart, { kind: 'field' }>): string {
  return part.width === undefined ? FIELD_SPECS[part.field].source : `[0-9]{${part.width}}`;
}

/** Compile and validate a 档号 template, e.g. '{category}-{projectSeq:4}-{volumeSeq:3}'. */
export function compileArchivalCodeRule(template: string): CodeResult<ArchivalCodeRule> {
  if (template.length > ARCHIVAL_CODE_LIMITS.templateLength) {
    return fail([
      issue(
        'archival_code.template_too_long',
        `档号规则过长（${template.length} 字符，上限 ${ARCHIVAL_CODE_LIMITS.templateLength}）`,
        `Archival-code template too long (${template.length} characters, limit ${ARCHIVAL_CODE_LIMITS.templateLength})`,
        { length: template.length },
      ),
    ]);
  }
  const issues: CodeIssue[] = [];
  const parts: ArchivalCodePart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  const unbalanced = (position: number): CodeIssue =>
    issue(
      'archival_code.unbalanced_brace',
      `档号规则第 ${position + 1} 个字符处花括号不成对（字面花括号请写作 {{ 或 }}）`,
      `Unbalanced brace at character ${position + 1} of the template (write {{ or }} for a literal brace)`,
      { position: position + 1 },
    );

  let i = 0;
  while (i < template.length) {
    const ch = template.charAt(i);
    if ((ch === '{' || ch === '}') && template.charAt(i + 1) === ch) {
      literal += ch;
      i += 2;
      continue;
    }
    if (ch === '}') {
      issues.push(unbalanced(i));
      break;
    }
    if (ch !== '{') {
      if (BAD_LITERAL.test(ch)) {
        issues.push(
          issue(
            'archival_code.literal_char',
            `档号规则第 ${i + 1} 个字符是空白或控制字符，不允许出现在档号中`,
            `Character ${i + 1} of the template is whitespace or a control character, not allowed in an archival code`,
            { position: i + 1, codePoint: ch.codePointAt(0) ?? 0 },
          ),
        );
      }
      literal += ch;
      i++;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    const nextOpen = template.indexOf('{', i + 1);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      issues.push(unbalanced(i));
      break;
    }
    flush();
    const spec = template.slice(i + 1, close);
    const colon = spec.indexOf(':');
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const widthText = colon < 0 ? undefined : spec.slice(colon + 1);
    if (!isField(name)) {
      issues.push(
        issue(
          'archival_code.unknown_field',
          `档号规则含未知字段“${name}”，可用字段：${ARCHIVAL_CODE_FIELDS.join('、')}`,
          `Unknown field '${name}' in the template; allowed: ${ARCHIVAL_CODE_FIELDS.join(', ')}`,
          { field: name, position: i + 1 },
        ),
      );
    } else {
      let width: number | undefined;
      if (widthText !== undefined) {
        width = /^\d{1,3}$/.test(widthText) ? Number(widthText) : NaN;
        if (!FIELD_SPECS[name].widthAllowed) {
          issues.push(
            issue(
              'archival_code.width_not_allowed',
              `字段“${name}”不能指定补零位数（只有项目号、单位工程号、案卷号可以）`,
              `Field '${name}' takes no padding width (only projectSeq, unitSeq and volumeSeq do)`,
              { field: name },
            ),
          );
        } else if (!(width >= 1 && width <= ARCHIVAL_CODE_LIMITS.maxWidth)) {
          issues.push(
            issue(
              'archival_code.width',
              `字段“${name}”的补零位数“${widthText}”应为 1–${ARCHIVAL_CODE_LIMITS.maxWidth} 的整数`,
              `Padding width '${widthText}' of field '${name}' must be an integer 1–${ARCHIVAL_CODE_LIMITS.maxWidth}`,
              { field: name, width: widthText },
            ),
          );
        }
      }
      if (parts.some((p) => p.kind === 'field' && p.field === name)) {
        issues.push(
          issue('archival_code.duplicate_field', `字段“${name}”在档号规则中出现了多次`, `Field '${name}' appears more than once in the template`, {
            field: name,
          }),
        );
      }
      parts.push({ kind: 'field', field: name, width });
    }
    i = close + 1;
  }
  flush();

  // Ambiguity rule (see header): variable-width field → end, or a literal it can never contain.
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (p?.kind !== 'field' || p.width !== undefined || FIELD_SPECS[p.field].fixed !== undefined) continue;
    const next = parts[k + 1];
    if (next === undefined) continue;
    if (next.kind === 'literal' && !FIELD_SPECS[p.field].chars.test(next.text.charAt(0))) continue;
    const nextName = next.kind === 'field' ? `{${next.field}}` : next.text;
    issues.push(
      issue(
        'archival_code.ambiguous',
        `字段“${p.field}”长度可变，其后的“${nextName}”无法与之区分；请加入分隔符（如 -）或为序号指定位数`,
        `Variable-width field '${p.field}' cannot be told apart from the following '${nextName}'; add a separator (e.g. '-') or a padding width`,
        { field: p.field, next: nextName },
      ),
    );
  }
  const fields = parts.flatMap((p) => (p.kind === 'field' ? [p.field] : []));
  if (issues.length === 0 && fields.length === 0) {
    issues.push(issue('archival_code.no_fields', '档号规则至少要包含一个字段', 'The template must contain at least one field'));
  }
  if (issues.length > 0) return fail(issues);

  const source = parts.map((p) => (p.kind === 'literal' ? escapeRegex(p.text) : `(${fieldSource(p)})`)).join('');
  return ok(Object.freeze({ template, parts: Object.freeze(parts), fields: Object.freeze(fields), pattern: new RegExp(`^${source}$`) }));
}
