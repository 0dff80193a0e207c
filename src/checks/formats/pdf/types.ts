/**
 * Public types of the PDF validator and signature verifier. Facts only: the engine maps them to DA/T 70 items.
 */
import type { CertificateInfo, FormatProblem, InspectionBase, Trust } from '../model.ts';

export type PdfEncryptionMethod = 'none' | 'RC4' | 'AES-128' | 'AES-256' | 'public-key' | 'unknown';

export type PdfEncryption = {
  /** /Filter of the encryption dictionary: Standard, Adobe.PubSec, … */
  filter: string;
  subFilter?: string;
  v?: number;
  r?: number;
  /** key length in bits where stated */
  length?: number;
  method: PdfEncryptionMethod;
  /** true when the document cannot be opened with the empty user password */
  userPasswordRequired: boolean;
};

export type PdfInfo = {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creator?: string;
  producer?: string;
  /** ISO 8601 */
  created?: string;
  /** ISO 8601 */
  modified?: string;
};

export type PdfAClaim = {
  /** pdfaid:part as written (number when numeric) */
  part?: number;
  conformance?: string;
  rev?: string;
  /** true when the XMP holds a PDF/A identification in the right namespace with the right prefix */
  claimed: boolean;
  /**
   * false: at least one of the cheap checks we run failed; true: all checks that apply passed;
   * 'unknown': nothing we check applies. Never "this is a valid PDF/A" — we do not validate fonts, colour, etc.
   */
  consistent: boolean | 'unknown';
  problems: FormatProblem[];
};

export type PdfSignatureCoverage = 'whole-file' | 'whole-revision' | 'gap' | 'invalid';
export type PdfModifiedAfter = 'none' | 'incremental-allowed' | 'incremental-suspicious' | 'unknown';

export type PdfTimestampInfo = {
  /** RFC 3161 genTime (ISO 8601) */
  time?: string;
  /** TSTInfo messageImprint equals the digest of the covered bytes (document timestamp) or of the signature value (signature timestamp) */
  imprintOk: boolean;
  /** the TSA's CMS signature over its TSTInfo verifies */
  signatureOk: boolean;
  tsa?: CertificateInfo;
  digestAlgorithm?: string;
};

export type PdfSignature = {
  /** fully qualified field name (T of the field and its parents), when known */
  field?: string;
  /** 'sig' = /Type /Sig, 'doc-timestamp' = /Type /DocTimeStamp */
  kind: 'sig' | 'doc-timestamp';
  subFilter: string;
  byteRange: number[];
  coverage: PdfSignatureCoverage;
  /** index of the revision (0-based, oldest first) whose end the ByteRange reaches; -1 when none */
  revision: number;
  /** number of incremental updates after that revision */
  laterRevisions: number;
  digestAlgorithm?: string;
  signatureAlgorithm?: string;
  digestOk: boolean;
  signatureOk: boolean;
  /** digestOk && signatureOk && coverage is 'whole-file' or 'whole-revision' */
  intact: boolean;
  modifiedAfter: PdfModifiedAfter;
  signer?: CertificateInfo;
  /** the signingTime attribute or /M of the signature dictionary (ISO 8601) — claimed by the signer, not proven */
  signingTime?: string;
  /** RFC 3161 timestamp: the document timestamp itself (kind 'doc-timestamp') or a signature timestamp token */
  timestamp?: PdfTimestampInfo;
  reason?: string;
  location?: string;
  /** certificate trust is a separate outcome: 'unknown' unless a trust list is supplied */
  trust: Trust;
  problems: FormatProblem[];
};

export type PdfInspection = InspectionBase & {
  /** header version ("1.7"), null when there is no valid header */
  version: string | null;
  size: number;
  pages: number | null;
  encrypted: boolean;
  encryption?: PdfEncryption;
  /** non-space characters extracted over the sampled pages */
  textChars: number;
  textPagesSampled: number;
  /**
   * sampled pages NOT text-extracted because they draw more than 32 MiB of image data in a range-loaded file
   * (pdf.js would load those images whole); they count neither as text nor as image-only
   */
  textPagesSkipped: number;
  /** has pages but no text over the sampled pages: a scan that needs OCR */
  imageOnly: boolean;
  javascript: boolean;
  launchActions: boolean;
  embeddedFiles: number;
  /** number of incremental updates (revisions - 1) */
  incrementalUpdates: number;
  info: PdfInfo;
  pdfa?: PdfAClaim;
  signatures: PdfSignature[];
  /** bytes found after the last %%EOF (polyglot / appended data) */
  trailingBytes: number;
};

export type InspectPdfOptions = {
  /** refuse larger files without parsing (default 2 GiB) */
  maxBytes?: number;
  /** overall budget in ms (default 20 000) */
  timeoutMs?: number;
  /** extract text (default true) */
  text?: boolean;
  /** at most this many pages are sampled for text (default 20: the first 10 and the last 10) */
  textPages?: number;
  /** verify signatures (default true) */
  signatures?: boolean;
};
