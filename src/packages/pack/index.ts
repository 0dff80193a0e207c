/** The offline packer (离线报录): catalog workbook + folder → a verified Dangan submission package. */
export { packFolder, type PackOptions, type PackOutcome } from './pack.ts';
export { packTemplate } from './template.ts';
export { planPackage, type CopyJob, type PackPlan, type PlanResult, type ProjectOverrides } from './validate.ts';
export { writeBag, PackWriteError, type PackPhase, type PackProgress, type VerifyMode, type WriteOptions, type WriteResult } from './write.ts';
export { formatProblem, type PackProblem, type PackProblemCode, type Severity } from './problems.ts';
export { PROJECT_FIELDS, SHEETS, TABLES } from './catalog.ts';
