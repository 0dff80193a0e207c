// 行政区划代码 (GB/T 2260) look-ups over the versioned table in region-table.ts. Digest §8.4.
// 6 digits = province (2) + prefecture (2) + county (2); a 9-digit code is a county code + 3-digit
// street/township suffix (GB/T 10114 style, used by the building code) and is looked up by its county part.
//
// Issue codes: region.format · region.as_of · region.province (errors);
//              region.unknown · region.not_current (warnings).
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';
import { REGION_TABLE } from './region-table.ts';
import type { RegionEntry, RegionLevel } from './region-table.ts';

export type { RegionEntry, RegionLevel } from './region-table.ts';
export { REGION_TABLE, REGION_TABLE_HORIZON } from './region-table.ts';

const BY_CODE = new Map<string, Readonly<RegionEntry>[]>();
for (const e of REGION_TABLE) {
  const list = BY_CODE.get(e.code) ?? [];
  list.push(e);
  BY_CODE.set(e.code, list);
}
const PROVINCE_PREFIXES = new Set(REGION_TABLE.filter((e) => e.level === 'province').map((e) => e.code.slice(0, 2)));

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

// asOf undefined = "today's table": entries that have not ended. validTo is exclusive.
function validAt(e: RegionEntry, asOf: string | undefined): boolean {
  if (asOf === undefined) return e.validTo === undefined;
  return e.validFrom <= asOf && (e.validTo === undefined || asOf < e.validTo);
}

/** Every version of a 6-digit code in the table, oldest first (empty when unknown). */
export function regionHistory(code: string): Readonly<RegionEntry>[] {
  return [...(BY_CODE.get(code) ?? [])].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
}

/**
 * The entry for an exact 6-digit code valid on `asOf` ('YYYY-MM-DD'), or the current entry when asOf is
 * omitted. Returns undefined for unknown codes and for a malformed asOf.
 */
export function lookupRegion(code: string, asOf?: string): Readonly<RegionEntry> | undefined {
  if (asOf !== undefined && !isIsoDate(asOf)) return undefined;
  return BY_CODE.get(code)?.find((e) => validAt(e, asOf));
}

/** The entry valid at some day of the closed period [from, to] (for codes dated by month or year). */
export function lookupRegionInPeriod(code: string, from: string, to: string): Readonly<RegionEntry> | undefined {
  if (!isIsoDate(from) || !isIsoDate(to) || to < from) return undefined;
  return BY_CODE.get(code)?.find((e) => e.validFrom <= to && (e.validTo === undefined || e.validTo > from));
}

/** Direct children of a code valid on asOf (current when omitted), sorted by code. */
export function regionChildren(code: string, asOf?: string): Readonly<RegionEntry>[] {
  if (asOf !== undefined && !isIsoDate(asOf)) return [];
  return REGION_TABLE.filter((e) => e.parent === code && validAt(e, asOf)).sort((a, b) => a.code.localeCompare(b.code));
}

export type ParsedRegionCode = {
  /** The code as given (trimmed): 6 or 9 digits. */
  code: string;
  /** The GB/T 2260 part (first 6 digits). */
  countyCode: string;
  /** The 3-digit street/township suffix of a 9-digit code. */
  townshipSuffix: string | undefined;
  /** Level implied by the digits: xx0000 province, xxxx00 prefecture, else county; 9 digits township. */
  level: RegionLevel | 'township';
  provinceCode: string;
  /** xxxx00 for county/township codes and for prefectures; undefined for provinces. */
  prefectureCode: string | undefined;
  /** Table entry of countyCode valid on asOf (current when omitted); undefined if not in the table. */
  entry: Readonly<RegionEntry> | undefined;
};

/** Parse a 6-digit (or 9-digit township) region code and look it up. Unknown codes are warnings. */
export function parseRegionCode(input: string, asOf?: string): CodeResult<ParsedRegionCode> {
  const code = input.trim();
  if (asOf !== undefined && !isIsoDate(asOf)) {
    return fail([
      issue('region.as_of', `查询日期“${asOf}”应为 YYYY-MM-DD 格式的有效日期`, `As-of date '${asOf}' must be a real date YYYY-MM-DD`, {
        asOf,
      }),
    ]);
  }
  if (!/^(\d{6}|\d{9})$/.test(code)) {
    return fail([
      issue(
        'region.format',
        `行政区划代码应为 6 位数字（或 9 位乡镇级代码），实际为“${code}”`,
        `A region code has 6 digits (or 9 for a township); got '${code}'`,
        { input: code },
      ),
    ]);
  }
  const countyCode = code.slice(0, 6);
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2))) {
    return fail([
      issue(
        'region.province',
        `行政区划代码“${code}”的前两位“${code.slice(0, 2)}”不是省级代码`,
        `The first two digits '${code.slice(0, 2)}' of '${code}' are not a province code`,
        { prefix: code.slice(0, 2) },
      ),
    ]);
  }
  const townshipSuffix = code.length === 9 ? code.slice(6) : undefined;
  const digitLevel: RegionLevel = countyCode.endsWith('0000') ? 'province' : countyCode.endsWith('00') ? 'prefecture' : 'county';
  const entry = lookupRegion(countyCode, asOf);
  const warnings: CodeIssue[] = [];
  if (!entry) {
    const history = regionHistory(countyCode);
    const whenZh = asOf ?? '当前';
    if (history.length === 0) {
      warnings.push(
        issue(
          'region.unknown',
          `行政区划代码“${countyCode}”不在区划代码表中`,
          `Region code '${countyCode}' is not in the region table`,
          { code: countyCode },
        ),
      );
    } else {
      const h = history[history.length - 1] as RegionEntry;
      warnings.push(
        issue(
          'region.not_current',
          `行政区划代码“${countyCode}”（${h.name}）在 ${whenZh} 无效（有效期 ${h.validFrom} 至 ${h.validTo ?? '今'}）`,
          `Region code '${countyCode}' (${h.name}) is not valid at ${asOf ?? 'the current date'} (valid ${h.validFrom} to ${h.validTo ?? 'now'})`,
          { code: countyCode, name: h.name, validFrom: h.validFrom, validTo: h.validTo ?? '' },
        ),
      );
    }
  }
  return ok(
    {
      code,
      countyCode,
      townshipSuffix,
      level: townshipSuffix !== undefined ? 'township' : digitLevel,
      provinceCode: `${code.slice(0, 2)}0000`,
      prefectureCode: digitLevel === 'province' ? undefined : `${code.slice(0, 4)}00`,
      entry,
    },
    warnings,
  );
}

/** True when the code (6 digits, or 9 with a known county part) is in the table and valid on asOf. */
export function isValidRegionCode(code: string, asOf?: string): boolean {
  const r = parseRegionCode(code, asOf);
  return r.ok && r.value.entry !== undefined;
}
