/** What a container (zip, tar, directory) hands to the reader for each entry, before the common checks. */
import type { EntryStream, Budget, DigestMode } from './guard.ts';
import type { NameEncoding } from './names.ts';

export type Candidate = {
  /** The decoded name, not yet checked. */
  name: string;
  /** How the name was decoded; gb18030 and cp437 are reported as warnings. */
  encoding?: NameEncoding;
  isDir: boolean;
  size: number;
  /** Opens the entry's bytes through a guard; `path` is the checked path used in messages. */
  open: (path: string, digest: DigestMode) => EntryStream;
};

/** A container's entries, in stored order. Throws UnpackError for anything it refuses. */
export type Source = (budget: Budget) => AsyncGenerator<Candidate, void, undefined>;
