/** The 四性检测 engine (DA/T 70-2018). Public API of the module; other modules import only this file. */
export * from './model.ts';
export { allItems, itemsForStage, itemDef, parseCode, CLASS_NAMES, STAGE_NAMES, type CheckItemDef } from './registry/items.ts';
export { DEFAULT_SCHEME, DEFAULT_PARAMS, parseScheme, planItems, CheckSchemeBody, type CheckScheme, type SchemeParams } from './scheme/scheme.ts';
export { runCheck, environment, type RunInput, type Progress, type VirusScanner } from './engine/run.ts';
export { createFilePool, type FilePool } from './engine/file-pool.ts';
export type { FileFacts, SignatureFact, Inspection } from './engine/facts.ts';
export { Checks, CheckError, rebuild, type RunRow } from './service.ts';
export { checkRoutes, type ReportPdf, type Preview } from './routes.ts';
export { checkReportHtml, OUTCOME_NAMES, VERDICT_NAMES } from './report/html.ts';
export { diffReports, type ReportDiff } from './report/diff.ts';
export { buildReport } from './report/build.ts';
export { CheckReportSchema } from './report/schema.ts';
