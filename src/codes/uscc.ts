// 统一社会信用代码 (Unified Social Credit Code, USCC) — GB 32100-2015; embedded 组织机构代码 — GB 11714.
// Source: standards digest §8.1 (✅ algorithm and worked example `91350100M000100Y43`).
// Clause numbers of GB 32100 are not cited because the digest does not give them.
//
// Issue codes: uscc.length · uscc.body_length · uscc.char · uscc.check_char (errors);
//              uscc.org_code_check (warning); org_code.length · org_code.char (orgCodeCheckChar errors).
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';

/** GB 32100-2015: the 31 code symbols, value = index (I, O, S, V, Z are excluded). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 32100-2015: weights of positions 1–17 (= 3^(i−1) mod 31). */
export const USCC_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** GB 11714: weights of the 8 body characters of a 组织机构代码. */
export const ORG_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

export type Uscc = {
  /** The normalised 18-character code. */
  code: string;
  /** Pos 1 登记管理部门码 (e.g. '9' 工商/市场监管 — meanings only 🟡 partially known, so not decoded here). */
  registrationDept: string;
  /** Pos 2 机构类别码 (meaning depends on registrationDept). */
  orgType: string;
  /** Pos 3–8 登记管理机关行政区划码 (GB/T 2260). Not checked against the region table: it is partial. */
  regionCode: string;
  /** Pos 9–17 主体标识码 = 9-character 组织机构代码 (GB 11714), incl. its own check character. */
  orgCode: string;
  /** Pos 18 校验码. */
  checkChar: string;
};

const normalise = (s: string): string => s.trim().toUpperCase();

function charIssues(s: string, offset = 0): CodeIssue[] {
  const out: CodeIssue[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (!USCC_ALPHABET.includes(ch)) {
      out.push(
        issue(
          'uscc.char',
          `第 ${i + 1 + offset} 位字符“${ch}”不属于统一社会信用代码字符集（数字及除 I、O、S、V、Z 外的大写字母）`,
          `Character '${ch}' at position ${i + 1 + offset} is not a USCC symbol (digits and capital letters except I, O, S, V, Z)`,
          { position: i + 1 + offset, char: ch },
        ),
      );
    }
  }
  return out;
}

// GB 32100-2015: C18 = 31 − (Σ value_i × w_i mod 31), 31 → 0. Caller guarantees 17 valid symbols.
function computeCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body17.charAt(i)) * (USCC_WEIGHTS[i] ?? 0);
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** Check character for the first 17 characters (trimmed, upper-cased). */
export function usccCheckChar(body17: string): CodeResult<string> {
  const body = normalise(body17);
  if (body.length !== 17) {
    return fail([
      issue(
        'uscc.body_length',
        `计算校验码需要 17 位本体代码，实际为 ${body.length} 位`,
        `The check character needs a 17-character body; got ${body.length}`,
        { length: body.length },
      ),
    ]);
  }
  const bad = charIssues(body);
  return bad.length > 0 ? fail(bad) : ok(computeCheckChar(body));
}

/** Code for demo/test data: body17 + its check character. The inner org-code check is not enforced. */
export function generateUscc(body17: string): CodeResult<string> {
  const r = usccCheckChar(body17);
  return r.ok ? ok(normalise(body17) + r.value) : r;
}

const orgValue = (ch: string): number => {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48; // '0'–'9' → 0–9
  if (c >= 65 && c <= 90) return c - 55; // GB 11714: 'A'–'Z' → 10–35
  return -1;
};

// GB 11714: C9 = 11 − (Σ value_i × w_i mod 11); 10 → 'X', 11 → '0'. Caller guarantees 8 valid characters.
function computeOrgCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgValue(body8.charAt(i)) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 11714 check character of a 组织机构代码 body (8 characters, digits or capital letters). */
export function orgCodeCheckChar(body8: string): CodeResult<string> {
  const body = normalise(body8);
  if (body.length !== 8) {
    return fail([
      issue(
        'org_code.length',
        `组织机构代码本体应为 8 位，实际为 ${body.length} 位`,
        `An organisation-code body has 8 characters; got ${body.length}`,
        { length: body.length },
      ),
    ]);
  }
  const bad: CodeIssue[] = [];
  for (let i = 0; i < 8; i++) {
    const ch = body.charAt(i);
    if (orgValue(ch) < 0) {
      bad.push(
        issue(
          'org_code.char',
          `组织机构代码第 ${i + 1} 位字符“${ch}”无效（应为数字或大写字母）`,
          `Organisation-code character '${ch}' at position ${i + 1} is invalid (digits or capital letters only)`,
          { position: i + 1, char: ch },
        ),
      );
    }
  }
  return bad.length > 0 ? fail(bad) : ok(computeOrgCheckChar(body));
}

/** Parse and validate a USCC. Input is trimmed and upper-cased first. */
export function parseUscc(input: string): CodeResult<Uscc> {
  const code = normalise(input);
  if (code.length !== 18) {
    return fail([
      issue(
        'uscc.length',
        `统一社会信用代码应为 18 位，实际为 ${code.length} 位`,
        `A unified social credit code has 18 characters; got ${code.length}`,
        { length: code.length },
      ),
    ]);
  }
  const bad = charIssues(code);
  if (bad.length > 0) return fail(bad);

  const expected = computeCheckChar(code.slice(0, 17));
  const actual = code.charAt(17);
  if (expected !== actual) {
    return fail([
      issue(
        'uscc.check_char',
        `统一社会信用代码校验码错误：应为“${expected}”，实际为“${actual}”`,
        `Wrong USCC check character: expected '${expected}', got '${actual}'`,
        { expected, actual },
      ),
    ]);
  }

  const orgCode = code.slice(8, 17);
  const warnings: CodeIssue[] = [];
  // Not every issued USCC carries a GB 11714-valid 主体标识码 (digest §8.1 ❓), so this is only a warning.
  const orgExpected = computeOrgCheckChar(orgCode.slice(0, 8));
  const orgActual = orgCode.charAt(8);
  if (orgExpected !== orgActual) {
    warnings.push(
      issue(
        'uscc.org_code_check',
        `主体标识码（组织机构代码）“${orgCode}”的校验码应为“${orgExpected}”，实际为“${orgActual}”`,
        `The embedded organisation code '${orgCode}' should end in '${orgExpected}', not '${orgActual}' (GB 11714)`,
        { orgCode, expected: orgExpected, actual: orgActual },
      ),
    );
  }

  return ok(
    {
      code,
      registrationDept: code.charAt(0),
      orgType: code.charAt(1),
      regionCode: code.slice(2, 8),
      orgCode,
      checkChar: actual,
    },
    warnings,
  );
}
