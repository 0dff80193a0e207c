/**
 * OFD (GB/T 33190-2016) reader and signature/seal verifier — the public API of this folder.
 *
 * - `inspectOfd`: structure, metadata, pages, text, image-only, and every seal (SES v1 GM/T 0031-2014,
 *   v4 GB/T 38540-2020, v5) and signature (Type="Sign", GB/T 35275 SignedData) step by step.
 * - `extractOfdText`: the text of every page (TextCode, template pages included).
 *
 * Not done here: certificate chain, revocation and timestamp checks (trust is 'unknown' unless a
 * `trust` callback is given), XSD validation, rendering, decryption, font-embedding checks.
 */
export { inspectOfd } from './inspect.ts';
export { extractOfdText } from './extract.ts';
export { verifySm2, SM2_DEFAULT_USER_ID } from './sm2.ts';
export type { OfdInspection, OfdSignature, OfdSignatureStep, OfdReference, OfdInfo, OfdOptions } from './types.ts';
export type { OfdProblemCode } from './problems.ts';
