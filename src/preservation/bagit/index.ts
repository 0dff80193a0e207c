/** Offline copies (脱机保管) as BagIt bags: strict validation, export of an OCFL object, import back. */
export { verifyBag, inspectBag, type BagReport, type InspectedBag, type PayloadFile } from './reader.ts';
export { exportVolumeBag, BagExportError, type BagInfoInput, type ExportOptions, type ExportResult } from './writer.ts';
export { importVolumeBag, BagImportError, type ImportOptions, type ImportResult } from './import.ts';
export type { BagProblem, BagProblemCode, Message } from './problems.ts';
export type { BagInfoEntry } from './tagfiles.ts';
