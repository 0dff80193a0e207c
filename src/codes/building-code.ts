// 房屋建筑统一编码 (unified building code) — JGJ/T 496-2022 chapter 编码规则, as read in digest §8.3 (🟡/❓).
// 23 characters = 22-character body + 1 check character:
//   9-digit street/township region code · 4-digit completion year (竣工年份) · 4-digit 幢码 (building sequence)
//   · 5-digit 户码 (unit; 00000 = the whole building) · check character.
// Check (🟡): S = Σ A_i × W_i (i = 0…21), W_i = 2^(i+1) mod 11, '*' counts as 10, Y = S mod 11,
// check character = lookup table — NOT verified ❓, see building-code-check-table.ts.
// Not handled: the 2-digit logical-building suffix seen in a Beijing 不动产 description (🟡).
//
// Issue codes: building_code.length · building_code.body_length · building_code.char · building_code.check_char
//              · building_code.township · building_code.year · building_code.building_seq · building_code.unit_seq
//              (errors); building_code.placeholder · building_code.region_unknown (warnings).
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';
import { BUILDING_CODE_CHECK_TABLE } from './building-code-check-table.ts';
import { lookupRegion, parseRegionCode } from './region.ts';
import type { RegionEntry } from './region.ts';

/** W_i = 2^(i+1) mod 11 for body positions i = 0…21. */
export const BUILDING_CODE_WEIGHTS: readonly number[] = Object.freeze(Array.from({ length: 22 }, (_, i) => 2 ** (i + 1) % 11));

export type BuildingCode = {
  /** The normalised 23-character code. */
  code: string;
  /** 9-digit 街道/乡镇 code (GB/T 2260 county code + 3 digits). */
  townshipCode: string;
  /** The GB/T 2260 part of townshipCode. */
  countyCode: string;
  /** undefined when the segment holds a '*' placeholder. */
  completionYear: number | undefined;
  buildingSeq: number | undefined;
  unitSeq: number | undefined;
  /** True when 户码 is 00000, i.e. the code names a whole building. */
  wholeBuilding: boolean;
  checkChar: string;
  /** Always false until the check table is confirmed (see building-code-check-table.ts). */
  checkTableVerified: boolean;
  /** Current region-table entry of countyCode; undefined when unknown. */
  region: Readonly<RegionEntry> | undefined;
};

const BODY_SYMBOLS = '0123456789*';

function bodyCharIssues(body: string): CodeIssue[] {
  const out: CodeIssue[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (!BODY_SYMBOLS.includes(ch)) {
      out.push(
        issue(
          'building_code.char',
          `房屋建筑统一编码第 ${i + 1} 位字符“${ch}”无效（本体只允许数字和 *）`,
          `Character '${ch}' at position ${i + 1} is invalid (the body allows digits and '*' only)`,
          { position: i + 1, char: ch },
        ),
      );
    }
  }
  return out;
}

// Caller guarantees 22 body symbols.
function computeCheckChar(body22: string): string {
  let s = 0;
  for (let i = 0; i < 22; i++) {
    const ch = body22.charAt(i);
    s += (ch === '*' ? 10 : Number(ch)) * (BUILDING_CODE_WEIGHTS[i] ?? 0);
  }
  return BUILDING_CODE_CHECK_TABLE.chars[s % 11] ?? '?';
}

/** Check character for a 22-character body (digits and '*'), via the provisional table. */
export function buildingCodeCheckChar(body22: string): CodeResult<string> {
  const body = body22.trim();
  if (body.length !== 22) {
    return fail([
      issue(
        'building_code.body_length',
        `计算校验码需要 22 位本体，实际为 ${body.length} 位`,
        `The check character needs a 22-character body; got ${body.length}`,
        { length: body.length },
      ),
    ]);
  }
  const bad = bodyCharIssues(body);
  return bad.length > 0 ? fail(bad) : ok(computeCheckChar(body));
}

function regionWarning(townshipCode: string): { region: Readonly<RegionEntry> | undefined; warnings: CodeIssue[] } {
  const countyCode = townshipCode.slice(0, 6);
  const region = lookupRegion(countyCode);
  if (region) return { region, warnings: [] };
  return {
    region,
    warnings: [
      issue(
        'building_code.region_unknown',
        `区划代码“${countyCode}”不在当前行政区划代码表中`,
        `Region code '${countyCode}' is not in the current region table`,
        { countyCode },
      ),
    ],
  };
}

export type BuildingCodeParts = {
  /** 9-digit 街道/乡镇 code. */
  townshipCode: string;
  completionYear: number;
  /** 幢码, 1…9999. */
  buildingSeq: number;
  /** 户码, 0…99999; 0 (default) = the whole building. */
  unitSeq?: number;
};

const intIn = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

/** Build a code from its parts (check character from the provisional table). */
export function generateBuildingCode(parts: BuildingCodeParts): CodeResult<string> {
  const { townshipCode, completionYear, buildingSeq, unitSeq = 0 } = parts;
  const issues: CodeIssue[] = [];
  const township = parseRegionCode(townshipCode);
  if (!/^\d{9}$/.test(townshipCode) || !township.ok) {
    issues.push(
      issue(
        'building_code.township',
        `街道/乡镇代码应为以省级代码开头的 9 位数字，实际为“${townshipCode}”`,
        `The township code must be 9 digits starting with a province code; got '${townshipCode}'`,
        { townshipCode },
      ),
    );
  }
  if (!intIn(completionYear, 1000, 9999)) {
    issues.push(
      issue('building_code.year', `竣工年份应为四位整数，实际为 ${completionYear}`, `Completion year must be a 4-digit integer; got ${completionYear}`, {
        completionYear,
      }),
    );
  }
  if (!intIn(buildingSeq, 1, 9999)) {
    issues.push(
      issue('building_code.building_seq', `幢码应为 1–9999 的整数，实际为 ${buildingSeq}`, `Building sequence must be an integer 1–9999; got ${buildingSeq}`, {
        buildingSeq,
      }),
    );
  }
  if (!intIn(unitSeq, 0, 99999)) {
    issues.push(
      issue('building_code.unit_seq', `户码应为 0–99999 的整数，实际为 ${unitSeq}`, `Unit sequence must be an integer 0–99999; got ${unitSeq}`, {
        unitSeq,
      }),
    );
  }
  if (issues.length > 0) return fail(issues);
  const body = townshipCode + String(completionYear) + String(buildingSeq).padStart(4, '0') + String(unitSeq).padStart(5, '0');
  return ok(body + computeCheckChar(body), regionWarning(townshipCode).warnings);
}

const numOrUndef = (s: string): number | undefined => (s.includes('*') ? undefined : Number(s));

/**
 * Parse and check a building code. A check-character mismatch is an error (`building_code.check_char`) but,
 * because the table is unverified, the issue carries `checkTableVerified: false` so callers may downgrade it.
 */
export function parseBuildingCode(input: string): CodeResult<BuildingCode> {
  const code = input.trim().toUpperCase();
  if (code.length !== 23) {
    return fail([
      issue(
        'building_code.length',
        `房屋建筑统一编码应为 23 位（22 位本体 + 1 位校验码），实际为 ${code.length} 位`,
        `A building code has 23 characters (22-character body + 1 check character); got ${code.length}`,
        { length: code.length },
      ),
    ]);
  }
  const body = code.slice(0, 22);
  const bad = bodyCharIssues(body);
  if (bad.length > 0) return fail(bad);
  const expected = computeCheckChar(body);
  const actual = code.charAt(22);
  const checkTableVerified = BUILDING_CODE_CHECK_TABLE.verified;
  if (expected !== actual) {
    return fail([
      issue(
        'building_code.check_char',
        `房屋建筑统一编码校验码应为“${expected}”，实际为“${actual}”（校验码对照表未经核实）`,
        `Building-code check character should be '${expected}', not '${actual}' (the check table is unverified)`,
        { expected, actual, checkTableVerified },
      ),
    ]);
  }

  const townshipCode = body.slice(0, 9);
  const unit = body.slice(17, 22);
  const warnings: CodeIssue[] = [];
  const placeholders = [...body].flatMap((ch, i) => (ch === '*' ? [i + 1] : []));
  if (placeholders.length > 0) {
    warnings.push(
      issue(
        'building_code.placeholder',
        `房屋建筑统一编码含占位符 *（第 ${placeholders.join('、')} 位）`,
        `The building code contains '*' placeholders (positions ${placeholders.join(', ')})`,
        { positions: placeholders.join(',') },
      ),
    );
  }
  let region: Readonly<RegionEntry> | undefined;
  if (!townshipCode.includes('*')) {
    const r = regionWarning(townshipCode);
    region = r.region;
    warnings.push(...r.warnings);
  }
  return ok(
    {
      code,
      townshipCode,
      countyCode: townshipCode.slice(0, 6),
      completionYear: numOrUndef(body.slice(9, 13)),
      buildingSeq: numOrUndef(body.slice(13, 17)),
      unitSeq: numOrUndef(unit),
      wholeBuilding: unit === '00000',
      checkChar: actual,
      checkTableVerified,
      region,
    },
    warnings,
  );
}
