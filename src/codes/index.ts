// Public API of the codes module: pure functions for Chinese national identifiers (no I/O).
// Every function returns values (CodeResult), never throws; issue codes are stable strings.
export type { Bilingual, CodeIssue, CodeResult, IssueData } from './result.ts';
export { issueCodes } from './result.ts';

// 统一社会信用代码 — GB 32100-2015 (+ 组织机构代码 GB 11714)
export type { Uscc } from './uscc.ts';
export { USCC_ALPHABET, generateUscc, orgCodeCheckChar, parseUscc, usccCheckChar } from './uscc.ts';

// 行政区划代码 — GB/T 2260
export type { ParsedRegionCode, RegionEntry, RegionLevel } from './region.ts';
export {
  REGION_TABLE,
  REGION_TABLE_HORIZON,
  isIsoDate,
  isValidRegionCode,
  lookupRegion,
  lookupRegionInPeriod,
  parseRegionCode,
  regionChildren,
  regionHistory,
} from './region.ts';

// 投资项目统一代码 — GB/T 40058-2021
export type { ProjectCode, ProjectCodeNew, ProjectCodeOld } from './project-code.ts';
export { PROJECT_CODE_PATTERN, parseProjectCode } from './project-code.ts';

// 房屋建筑统一编码 — JGJ/T 496-2022 (check table unverified ❓)
export type { BuildingCode, BuildingCodeParts } from './building-code.ts';
export { buildingCodeCheckChar, generateBuildingCode, parseBuildingCode } from './building-code.ts';
export type { BuildingCodeCheckTable } from './building-code-check-table.ts';
export { BUILDING_CODE_CHECK_TABLE } from './building-code-check-table.ts';

// 档号 — per-repository rule
export type {
  ArchivalCodeField,
  ArchivalCodeParsed,
  ArchivalCodePart,
  ArchivalCodeRule,
  ArchivalCodeValues,
} from './archival-code.ts';
export {
  ARCHIVAL_CODE_FIELDS,
  ARCHIVAL_CODE_LIMITS,
  DEFAULT_ARCHIVAL_CODE_TEMPLATE,
  buildArchivalCode,
  compileArchivalCodeRule,
  parseArchivalCode,
} from './archival-code.ts';
