/**
 * What the engine learns about one file in one read: digests, the format identified by content, and the
 * format validator's findings normalised to one shape. Produced by `inspect-file.ts` (in a worker
 * thread), consumed by the pure item evaluators; also stored per run so a crashed run resumes.
 */
import type { Bilingual, FormatId, FormatProblem, Trust } from '../formats/model.ts';

export type SignatureFact = {
  kind: 'pdf' | 'ofd-seal' | 'ofd-sign';
  id: string;
  /** digest, coverage and signature all verify */
  intact: boolean;
  trust: Trust;
  signer?: string;
  signingTime?: string;
  /** the failing steps or anomalies (English codes and text, for evidence) */
  problems: string[];
};

export type Inspection = {
  kind: 'pdf' | 'ofd' | 'image' | 'xml' | 'ifc' | 'dwg' | 'av';
  ok: boolean;
  problems: FormatProblem[];
  version?: string;
  pages?: number;
  textChars?: number;
  imageOnly?: boolean;
  encrypted?: boolean;
  /** JavaScript, launch actions, embedded files… */
  activeContent?: string[];
  dpi?: { x: number; y: number } | 'unknown';
  colourMode?: string;
  created?: string;
  /** the application that wrote the file (PDF Producer/Creator, OFD Creator) — 3-6 evidence */
  software?: string;
  schema?: string;
  details?: Record<string, unknown>;
};

export type FileFacts = {
  path: string;
  /** false when the file cannot be opened (missing, not a regular file, unreadable) */
  exists: boolean;
  size: number;
  /** lower-case hex: always sha256 and sm3; md5/sha512 when the package declares them */
  digests: Record<string, string>;
  format: FormatId;
  mime: string;
  extensionMatches?: boolean;
  inspection?: Inspection;
  signatures: SignatureFact[];
  /** the validator did not finish: time or memory limit, or it crashed */
  error?: { code: 'timeout' | 'memory' | 'crash' | 'unreadable'; message: Bilingual };
  /** milliseconds reading + hashing + validating */
  ms: number;
};
