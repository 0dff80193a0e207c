export {
  addVersion,
  contentPathFor,
  DIGEST_ALGORITHM,
  FIXITY_ALGORITHMS,
  fixityByPath,
  INVENTORY_TYPE,
  OBJECT_DECLARATION,
  parseInventoryJson,
  parseSidecar,
  recordedDigests,
  rfc3339,
  serializeInventory,
  stateOf,
  validateInventory,
  type DigestMap,
  type FileDigests,
  type Inventory,
  type NextVersion,
  type OcflUser,
  type OcflVersion,
  type VersionEntry,
  type VersionMeta,
} from './inventory.ts';
export { compareInventories } from './validate-inventory.ts';
export { LAYOUT_CONFIG, LAYOUT_EXTENSION, objectRootPath, SM3_EXTENSION, SM3_EXTENSION_CONFIG, storageRootFiles } from './layout.ts';
export { OcflObjectStore, type CommitMeta, type CommitResult, type FileEntry, type NewFile, type VersionSummary } from './object.ts';
export type { FileCheck, FixityReport, FixityStatus, ValidationReport } from './object-check.ts';
export { OcflError, logicalPathProblems, normaliseLogicalPath, versionName, versionNumber, type Finding, type FindingKind, type Severity } from './paths.ts';
