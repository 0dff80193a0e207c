export { canonicalJson } from './canonical-json.ts';
export { FsContentStore, MultiDigest, type Digests, type StoredObject } from './content-store.ts';
export { appendEvent, verifyChain, eventHash, toChainEvent, GENESIS, type ChainEvent, type ChainVerdict, type EventInput } from './event-chain.ts';
export { checkComponentFixity, type FixityOutcome } from './fixity.ts';
export { Preservation, packageState, ocflIdFor, intact, damage, openBackend, type Location, type PackageState, type ReplicaState } from './service.ts';
export { runAudit, type AuditOptions, type AuditReport, type AuditFinding } from './audit.ts';
export { loadStorageConfig, defaultStorageConfig, storageConfigIssues, StorageConfig, LocationConfig } from './locations.ts';
export { copyObject } from './replicate.ts';
export { restoreLocation, type RestoreReport } from './restore.ts';
