import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openPackage, type PackageFormat, type UnpackLimits, type UnpackWarning } from '../unpack/index.ts';

export type Extracted = { dir: string; format: PackageFormat; files: number; bytes: number; warnings: UnpackWarning[] };

/**
 * Makes a package readable as a directory. A directory package is used where it is (read-only); a zip
 * or tar is streamed through the safe reader (limits, name rules, no links) into `<stagingRoot>/<name>`,
 * first under a `.partial-` name and renamed only when every entry was read: a rejected or interrupted
 * package leaves nothing under the final name, and the partial folder is removed.
 */
export async function extractPackage(path: string, stagingRoot: string, name: string, limits?: Partial<UnpackLimits>): Promise<Extracted> {
  const reader = await openPackage(path, limits);
  if (reader.format === 'dir') {
    await reader.close();
    return { dir: path, format: 'dir', files: 0, bytes: 0, warnings: [] };
  }
  await mkdir(stagingRoot, { recursive: true });
  const partial = join(stagingRoot, `.partial-${name}-${randomBytes(4).toString('hex')}`);
  const final = join(stagingRoot, name);
  let files = 0;
  let bytes = 0;
  try {
    await mkdir(partial);
    for await (const entry of reader) {
      // Paths come out of the reader checked: relative, no '..', NFC, no reserved names.
      const target = join(partial, ...entry.path.split('/'));
      if (entry.kind === 'dir') {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await pipeline(entry.open(), createWriteStream(target, { flags: 'wx' }));
      files++;
      bytes += entry.size;
    }
    await rename(partial, final);
    return { dir: final, format: reader.format, files, bytes, warnings: reader.warnings };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await reader.close();
  }
}
