/**
 * What the format validators report about one file. Each validator measures; it does not judge
 * against a scheme (the engine maps these facts to DA/T 70 items with the scheme's parameters).
 * Every validator is written for hostile input: a corrupt, truncated, encrypted or enormous file
 * yields `ok: false` with a precise `error`, never a throw, never a hang, never a false "ok".
 */
export type Bilingual = { zh: string; en: string };

/** A problem found while reading a file; `code` is stable (kebab-case), the message is for people. */
export type FormatProblem = { code: string; severity: 'error' | 'warning'; message: Bilingual };

/** Format identified by content (magic bytes and container structure), never by the extension. */
export type FormatId =
  | 'pdf' | 'ofd' | 'tiff' | 'jpeg' | 'png' | 'jp2' | 'gif' | 'bmp' | 'xml' | 'dwg' | 'dxf' | 'ifc'
  | 'mp4' | 'mov' | 'avi' | 'mpeg' | 'flv' | 'mp3' | 'wav' | 'flac'
  | 'zip' | 'docx' | 'xlsx' | 'pptx' | 'doc' | 'rtf' | 'txt' | 'wps'
  | 'xls'
  | 'empty' | 'unknown';

export type Identification = {
  format: FormatId;
  mime: string;
  /** version read from the header where the format has one (PDF 1.7, AC1032, IFC4…) */
  version?: string;
  /** true when the file's extension is one the identified format uses; undefined when there is no extension */
  extensionMatches?: boolean;
};

/** Shared by every inspection: `ok` = the file parses as the identified format. */
export type InspectionBase = {
  ok: boolean;
  problems: FormatProblem[];
  /** milliseconds spent */
  ms?: number;
};

/** Trust of a signer certificate is reported separately from the signature's mathematical validity. */
export type Trust = 'trusted' | 'untrusted' | 'unknown';

export type CertificateInfo = {
  subject: string;
  issuer: string;
  serial: string;
  notBefore?: string;
  notAfter?: string;
  /** 'rsa' | 'ecdsa' | 'sm2' | … */
  keyAlgorithm?: string;
};
