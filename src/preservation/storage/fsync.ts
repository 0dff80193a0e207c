import { open } from 'node:fs/promises';

/** fsync a directory, so a rename into it survives a power cut (POSIX: the rename lives in the directory). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
