/**
 * PDF validator and PDF signature verifier (DA/T 70 四性检测: authenticity via signatures, integrity/usability via
 * structure, text and PDF/A claim). Public API only; see each module's header for what it does not do.
 */
export { inspectPdf, DEFAULT_MAX_BYTES } from './inspect.ts';
export { verifyPdfSignatures } from './signatures.ts';
export { renderFirstPage } from './render.ts';
export type {
  InspectPdfOptions,
  PdfAClaim,
  PdfEncryption,
  PdfEncryptionMethod,
  PdfInfo,
  PdfInspection,
  PdfModifiedAfter,
  PdfSignature,
  PdfSignatureCoverage,
  PdfTimestampInfo,
} from './types.ts';
