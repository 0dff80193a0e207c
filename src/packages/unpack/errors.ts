/**
 * Problems found while unpacking a submission package. Each has a stable code and a message in
 * Chinese and English that names the entry. Errors are thrown as `UnpackError`; warnings are
 * collected on the reader (`PackageReader.warnings`) and never stop it.
 */
import type { Bilingual } from '../../platform/errors.ts';

export type UnpackErrorCode =
  // configuration and container
  | 'limits-invalid'
  | 'package-not-found'
  | 'format-unknown'
  | 'zip-corrupt'
  | 'zip-truncated'
  | 'tar-corrupt'
  | 'tar-truncated'
  | 'entry-not-current'
  // names
  | 'path-absolute'
  | 'path-traversal'
  | 'path-empty-segment'
  | 'path-control-char'
  | 'path-reserved-name'
  | 'path-trailing-dot-space'
  | 'path-too-long'
  | 'name-too-long'
  | 'path-too-deep'
  | 'name-encoding-invalid'
  | 'name-duplicate'
  | 'name-file-dir-conflict'
  // entry kinds
  | 'entry-encrypted'
  | 'entry-symlink'
  | 'entry-hardlink'
  | 'entry-special'
  | 'compression-unsupported'
  // sizes and bombs
  | 'too-many-entries'
  | 'entry-too-large'
  | 'total-too-large'
  | 'ratio-exceeded'
  | 'size-mismatch'
  | 'crc-mismatch'
  // XML
  | 'xml-too-large'
  | 'xml-too-deep'
  | 'xml-entity-declared'
  | 'xml-external-dtd'
  | 'xml-entity-undefined'
  | 'xml-encoding-unsupported'
  | 'xml-encoding-invalid'
  | 'xml-malformed';

export type UnpackWarningCode =
  | 'name-case-collision'
  | 'name-not-nfc'
  | 'name-encoding-guessed'
  | 'name-backslash'
  | 'name-dot-prefix';

export type UnpackWarning = { code: UnpackWarningCode; entry: string; message: Bilingual };

export class UnpackError extends Error {
  /** The message in both languages (`message` itself is the English text, as Error requires). */
  readonly bilingual: Bilingual;

  constructor(readonly code: UnpackErrorCode, message: Bilingual, readonly entry?: string) {
    super(`${code}: ${message.en}`);
    this.name = 'UnpackError';
    this.bilingual = message;
  }

  toJSON(): { code: UnpackErrorCode; entry?: string; message: Bilingual } {
    return { code: this.code, ...(this.entry !== undefined ? { entry: this.entry } : {}), message: this.bilingual };
  }
}

/** Builds an error whose message names the entry in both languages. */
export function unpackError(code: UnpackErrorCode, entry: string | undefined, zh: string, en: string): UnpackError {
  const where = entry === undefined ? { zh: '', en: '' } : { zh: `条目“${entry}”：`, en: `entry ${JSON.stringify(entry)}: ` };
  return new UnpackError(code, { zh: where.zh + zh, en: where.en + en }, entry);
}

export function unpackWarning(code: UnpackWarningCode, entry: string, zh: string, en: string): UnpackWarning {
  return { code, entry, message: { zh: `条目“${entry}”：${zh}`, en: `entry ${JSON.stringify(entry)}: ${en}` } };
}
