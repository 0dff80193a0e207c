// 投资项目统一代码 (investment project code) — GB/T 40058-2021; 发改投资〔2020〕1439号. Digest §8.2.
// 24 characters with hyphens: NNNN-NNNNNN-NN-NN-NNNNNN.
//   New form (from 2020-11) 🟡/❓: YYMM 时间代码 · 6 地区代码 · 2 中央业务指导部门代码 · 2 项目类型代码 · 5 随机码 + 1 校验码.
//   Old form (before 2020-11) 🟡: YYYY 年份 · 6 地区/部门 · 2 行业 · 2 项目类型 · 6 流水号.
// The check-digit algorithm of GB/T 40058 is NOT known (digest §8.2 ❓): the check character is exposed but
// never verified, and a code is never rejected because of it (checkVerified is always false).
//
// Form detection from the first segment (the two readings overlap — documented ambiguity):
//   positions 3–4 = 01…12              → new-form reading YYMM is possible;
//   positions 1–2 = 19 or 20           → old-form reading as a 4-digit year is possible.
//   Both possible (e.g. 2012 = Dec 2020 or the year 2012; 1905 = May 2019 or 1905) → new form is chosen and
//   a `project_code.form_ambiguous` warning is given. Neither possible (e.g. 2513) → error.
//
// Issue codes: project_code.length · project_code.format · project_code.time_code (errors);
//              project_code.form_ambiguous · project_code.region_unknown (warnings).
import { fail, issue, ok } from './result.ts';
import type { CodeIssue, CodeResult } from './result.ts';
import { lookupRegionInPeriod } from './region.ts';
import type { RegionEntry } from './region.ts';

/** The format check recommended by the digest (§8.2). */
export const PROJECT_CODE_PATTERN = /^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/;

type Common = {
  /** The normalised 24-character code. */
  code: string;
  year: number;
  /** 6-digit 地区代码 (old form: 地区/部门). */
  regionCode: string;
  /** 2-digit 项目类型代码 (believed 01 审批 · 02 核准 · 03 备案 ❓ — not decoded). */
  typeCode: string;
  /** True when the first segment also reads as the other form. */
  formAmbiguous: boolean;
  /** Region-table entry valid during the code's month (new) or year (old); undefined when unknown. */
  region: Readonly<RegionEntry> | undefined;
};

export type ProjectCodeNew = Common & {
  form: 'new';
  /** YYMM. */
  timeCode: string;
  month: number;
  /** 2-digit 中央业务指导部门代码. */
  departmentCode: string;
  /** 5-digit 随机码. */
  randomCode: string;
  /** Last character: 校验码 — algorithm unknown, not verified. */
  checkChar: string;
  checkVerified: false;
};

export type ProjectCodeOld = Common & {
  form: 'old';
  /** 2-digit 行业代码. */
  industryCode: string;
  /** 6-digit 流水号. */
  serial: string;
};

export type ProjectCode = ProjectCodeNew | ProjectCodeOld;

const pad2 = (n: number): string => String(n).padStart(2, '0');
const lastDayOfMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Parse an investment project code (either form). Never fails on the check character. */
export function parseProjectCode(input: string): CodeResult<ProjectCode> {
  const code = input.trim();
  if (code.length !== 24) {
    return fail([
      issue(
        'project_code.length',
        `投资项目统一代码应为 24 位（含连字符），实际为 ${code.length} 位`,
        `An investment project code has 24 characters including hyphens; got ${code.length}`,
        { length: code.length },
      ),
    ]);
  }
  if (!PROJECT_CODE_PATTERN.test(code)) {
    return fail([
      issue(
        'project_code.format',
        `投资项目统一代码格式应为“NNNN-NNNNNN-NN-NN-NNNNNN”（N 为数字），实际为“${code}”`,
        `An investment project code looks like NNNN-NNNNNN-NN-NN-NNNNNN (N = digit); got '${code}'`,
        { input: code },
      ),
    ]);
  }
  const [time = '', regionCode = '', seg3 = '', typeCode = '', last = ''] = code.split('-');
  const yy = Number(time.slice(0, 2));
  const mm = Number(time.slice(2, 4));
  const newPossible = mm >= 1 && mm <= 12;
  const oldPossible = yy === 19 || yy === 20;
  if (!newPossible && !oldPossible) {
    return fail([
      issue(
        'project_code.time_code',
        `时间代码“${time}”既不是年月（YYMM）也不是年份（19xx/20xx）`,
        `Time segment '${time}' is neither a year-month YYMM nor a year 19xx/20xx`,
        { timeCode: time },
      ),
    ]);
  }
  const warnings: CodeIssue[] = [];
  const formAmbiguous = newPossible && oldPossible;
  if (formAmbiguous) {
    warnings.push(
      issue(
        'project_code.form_ambiguous',
        `时间代码“${time}”可读作 20${time.slice(0, 2)} 年 ${mm} 月（新规则）或 ${time} 年（旧规则），按新规则解析`,
        `Time segment '${time}' reads as ${2000 + yy}-${pad2(mm)} (new form) or as the year ${time} (old form); parsed as new form`,
        { timeCode: time, newReading: `${2000 + yy}-${pad2(mm)}`, oldReading: time },
      ),
    );
  }

  // Region valid at any day of the code's month (new form) or year (old form).
  const year = newPossible ? 2000 + yy : Number(time);
  const [from, to] = newPossible
    ? [`${year}-${pad2(mm)}-01`, `${year}-${pad2(mm)}-${pad2(lastDayOfMonth(year, mm))}`]
    : [`${year}-01-01`, `${year}-12-31`];
  const region = lookupRegionInPeriod(regionCode, from, to);
  if (!region) {
    warnings.push(
      issue(
        'project_code.region_unknown',
        `地区代码“${regionCode}”在 ${from} 至 ${to} 期间不在行政区划代码表中（代码表可能不全，或为部门代码）`,
        `Region segment '${regionCode}' is not in the region table for ${from}…${to} (the table may be incomplete, or it is a department code)`,
        { regionCode, from, to },
      ),
    );
  }

  if (newPossible) {
    return ok<ProjectCode>(
      {
        form: 'new',
        code,
        timeCode: time,
        year,
        month: mm,
        regionCode,
        departmentCode: seg3,
        typeCode,
        randomCode: last.slice(0, 5),
        checkChar: last.slice(5),
        checkVerified: false,
        formAmbiguous,
        region,
      },
      warnings,
    );
  }
  return ok<ProjectCode>(
    { form: 'old', code, year, regionCode, industryCode: seg3, typeCode, serial: last, formAmbiguous, region },
    warnings,
  );
}
