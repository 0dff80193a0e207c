/** Submission and transfer packages. Public API of the module; other modules import only this file. */
export * from './unpack/index.ts';
export * from './upload/index.ts';
export * from './model.ts';
export * from './archiving/index.ts';
export * from './foreign/index.ts';
export * from './signing/index.ts';
export * from './format/index.ts';
export * from './pack/index.ts';
export { extractPackage, type Extracted } from './ingest/extract.ts';
export { ingestSubmission, type IngestResult } from './ingest/ingest.ts';
export { readDanganBag, isDanganBag } from './ingest/dangan-bag.ts';
