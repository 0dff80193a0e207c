import { open } from 'node:fs/promises';

/**
 * fsync a file or a directory: a file's bytes, or a directory's entries (so a rename into it survives a
 * power cut — POSIX keeps the rename in the directory).
 */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The same, named for the directory case. */
export const fsyncDir = fsyncPath;
