export { canonicalJson } from './canonical-json.ts';
export { FsContentStore, MultiDigest, type Digests, type StoredObject } from './content-store.ts';
export { appendEvent, verifyChain, eventHash, toChainEvent, GENESIS, type ChainEvent, type ChainVerdict, type EventInput } from './event-chain.ts';
export { checkComponentFixity, type FixityOutcome } from './fixity.ts';
