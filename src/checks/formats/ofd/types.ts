/**
 * The public shapes of the OFD reader and signature verifier (GB/T 33190-2016, SES GM/T 0031 / GB/T 38540,
 * GB/T 35275). Facts only: the engine judges them against a scheme.
 */
import type { CertificateInfo, FormatProblem, InspectionBase, Trust } from '../model.ts';

export type OfdOptions = {
  /** Largest OFD file accepted (bytes on disk). Default 2 GiB. */
  maxBytes?: number;
  /** Largest total of unpacked entries. Default 8 GiB. */
  maxUnpackedBytes?: number;
  /** Wall-clock budget; past it the result is `ok: false` with `ofd-timeout`. Default 120 s. */
  timeoutMs?: number;
  /** Extract the text of every page (`text.pages`); the character count is always measured. */
  text?: boolean;
  /** Most characters kept in `text.pages` (all pages together). Default 1,000,000. */
  maxTextChars?: number;
  /**
   * A reference that matches a ZIP entry only when case is ignored (`TPLS/` vs `Tpls/`): by default a
   * warning (`ofd-path-case`) and the entry is used, as common viewers do; `strictPaths: true` makes it an
   * error, as a case-sensitive reader (ofdrw on Linux) would fail.
   */
  strictPaths?: boolean;
  /** Verify signatures (default true). */
  signatures?: boolean;
  /**
   * Decides the trust of a signer certificate (DER). Without it every signature's trust is 'unknown':
   * this module does not check chains or revocation.
   */
  trust?: (certificate: Uint8Array, info: CertificateInfo) => Trust;
};

export type OfdInfo = {
  docId?: string;
  title?: string;
  author?: string;
  subject?: string;
  abstract?: string;
  creator?: string;
  creatorVersion?: string;
  creationDate?: string;
  modDate?: string;
  docUsage?: string;
  keywords?: string[];
  /** DocInfo/CustomDatas: name → value (first value wins) */
  custom?: Record<string, string>;
};

export type OfdReference = {
  /** the FileRef as written */
  file: string;
  /** the ZIP entry it resolved to */
  entry?: string;
  ok: boolean;
  missing?: boolean;
};

/** The verification steps of standards §9.2, in the order they run. */
export type OfdSignatureStep =
  | 'structure' // Signatures.xml / Signature.xml / SignedValue readable
  | 'checkMethod' // the digest algorithm of References is known
  | 'references' // step 1: every protected file matches its CheckValue
  | 'seal' // step 2: Seal.esl = DER of the eseal inside SignedValue
  | 'dataHash' // step 3: dataHash = SM3(Signature.xml) (Seal) / messageDigest or content (Sign)
  | 'signature' // step 3: SM2 signature of the signer
  | 'sealSignature' // step 4: the seal maker's SM2 signature over the seal info
  | 'sealValidity'; // step 4: the signing time lies in the seal's validity window

export type OfdSignature = {
  id: string;
  type: 'Seal' | 'Sign';
  /** Signature.xml, as the entry it resolved to (or BaseLoc as written when missing) */
  baseLoc: string;
  provider?: string;
  /** SES version of a seal's SignedValue (v1 GM/T 0031-2014, v4 GB/T 38540-2020, v5) */
  sesVersion?: 'v1' | 'v4' | 'v5';
  /** Type="Sign": how SignedValue is encoded */
  signFormat?: 'gbt35275-signeddata' | 'pkcs7-signeddata' | 'raw-sm2';
  /** the CheckMethod as written, and the algorithm it was read as */
  checkMethod: string;
  checkAlgorithm?: 'sm3' | 'sha256' | 'sha1' | 'md5';
  signatureMethod?: string;
  references: OfdReference[];
  referencesOk: boolean;
  /** step 2, only when a Seal element exists */
  sealMatches?: boolean;
  /** step 3 */
  dataHashOk?: boolean;
  /** step 3: the signer's SM2 signature; undefined when it could not be attempted (e.g. no certificate) */
  signatureOk?: boolean;
  /** 'der' or 'raw' r ‖ s */
  signatureEncoding?: 'der' | 'raw';
  /** step 4: the seal maker's signature over SES_SealInfo */
  sealSignatureOk?: boolean;
  sealValidity?: { start?: string; end?: string; containsSigningTime: boolean };
  signer?: CertificateInfo;
  sealMaker?: CertificateInfo;
  sealName?: string;
  sealId?: string;
  /** from TBS_Sign.timeInfo (seal) or the signingTime attribute (sign), else SignatureDateTime */
  signingTime?: string;
  /** SignatureDateTime as written in Signature.xml */
  signatureDateTime?: string;
  trust: Trust;
  /** every step that applies ran and verified */
  intact: boolean;
  /** intact; broken (a step failed); unverifiable (a step could not run: unknown CheckMethod, no certificate…) */
  status: 'intact' | 'broken' | 'unverifiable';
  /** the first step that failed or could not run */
  failedStep?: OfdSignatureStep;
  /** the signature also protects Signatures.xml: no further signature can be added without breaking it */
  protectsSignatureList?: boolean;
  problems: FormatProblem[];
};

export type OfdInspection = InspectionBase & {
  version?: string;
  docType?: 'OFD' | 'OFD-A';
  /** 'standard' = http://www.ofdspec.org/2016; 'non-standard' = the pre-2016 http://www.ofdspec.org (readable, warned) */
  namespace?: 'standard' | 'non-standard';
  documents: number;
  pages: number;
  templatePages: number;
  /** characters of TextCode on pages and the templates they use */
  textChars: number;
  /** at least one page and no text anywhere, but images */
  imageOnly: boolean;
  info: OfdInfo;
  signatures: OfdSignature[];
  /** OFDEntries.xml integrity protection (ofdrw-crypto) was found; its SignedData over OFDEntries.xml is verified, the listed files only for existence (the list carries no digests) */
  integrityProtection?: boolean;
  attachments: number;
  entries: number;
  unpackedBytes: number;
  /** with `text: true` */
  text?: { pages: string[]; truncated: boolean };
};
