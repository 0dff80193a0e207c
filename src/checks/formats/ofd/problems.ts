/**
 * The stable problem codes of the OFD reader and verifier, and the mapping of the package reader's
 * (src/packages/unpack) errors to them. Messages are bilingual and name the entry.
 */
import { UnpackError } from '../../../packages/index.ts';
import type { FormatProblem } from '../model.ts';

export type OfdProblemCode =
  | 'ofd-unreadable'
  | 'ofd-not-zip'
  | 'ofd-zip-truncated'
  | 'ofd-zip-corrupt'
  | 'ofd-zip-bomb'
  | 'ofd-unsafe-path'
  | 'ofd-unsafe-entry'
  | 'ofd-encrypted'
  | 'ofd-too-large'
  | 'ofd-timeout'
  | 'ofd-entry-missing'
  | 'ofd-xml-malformed'
  | 'ofd-xml-unsafe'
  | 'ofd-namespace'
  | 'ofd-root'
  | 'ofd-version'
  | 'ofd-doctype'
  | 'ofd-dangling-reference'
  | 'ofd-path-case'
  | 'ofd-no-pages'
  | 'ofd-integrity-unverified'
  | 'ofd-internal'
  // signatures
  | 'ofd-signature-structure'
  | 'ofd-checkmethod-unknown'
  | 'ofd-reference-missing'
  | 'ofd-reference-mismatch'
  | 'ofd-reference-none'
  | 'ofd-seal-missing'
  | 'ofd-seal-mismatch'
  | 'ofd-signedvalue-missing'
  | 'ofd-signedvalue-malformed'
  | 'ofd-datahash-mismatch'
  | 'ofd-signature-invalid'
  | 'ofd-signature-algorithm'
  | 'ofd-signer-cert-missing'
  | 'ofd-seal-signature-invalid'
  | 'ofd-seal-expired'
  | 'ofd-ses-version'
  | 'ofd-signature-list-protected';

export const err = (code: OfdProblemCode, zh: string, en: string): FormatProblem => ({ code, severity: 'error', message: { zh, en } });
export const warn = (code: OfdProblemCode, zh: string, en: string): FormatProblem => ({ code, severity: 'warning', message: { zh, en } });

/** An error of the safe package reader (or loadXml) as an OFD problem. */
export function fromUnpack(e: unknown): FormatProblem {
  if (!(e instanceof UnpackError)) {
    const m = e instanceof Error ? e.message : String(e);
    return err('ofd-internal', `读取 OFD 时出错：${m}`, `error while reading the OFD: ${m}`);
  }
  const { zh, en } = e.bilingual;
  const c = e.code;
  const code: OfdProblemCode =
    c === 'package-not-found' ? 'ofd-unreadable'
    : c === 'format-unknown' ? 'ofd-not-zip'
    : c === 'zip-truncated' ? 'ofd-zip-truncated'
    : c === 'zip-corrupt' || c === 'crc-mismatch' || c === 'size-mismatch' || c === 'tar-corrupt' || c === 'tar-truncated' ? 'ofd-zip-corrupt'
    : c === 'ratio-exceeded' ? 'ofd-zip-bomb'
    : c === 'too-many-entries' || c === 'entry-too-large' || c === 'total-too-large' || c === 'xml-too-large' ? 'ofd-too-large'
    : c === 'entry-encrypted' ? 'ofd-encrypted'
    : c === 'entry-symlink' || c === 'entry-hardlink' || c === 'entry-special' || c === 'compression-unsupported' ? 'ofd-unsafe-entry'
    : c.startsWith('path-') || c.startsWith('name-') ? 'ofd-unsafe-path'
    : c === 'xml-entity-declared' || c === 'xml-external-dtd' || c === 'xml-entity-undefined' ? 'ofd-xml-unsafe'
    : c.startsWith('xml-') ? 'ofd-xml-malformed'
    : 'ofd-internal';
  return err(code, zh, en);
}
