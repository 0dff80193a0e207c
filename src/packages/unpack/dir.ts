/**
 * A package delivered as a directory: walked depth-first in byte order of names, without following
 * symbolic links (lstat), and every file opened with O_NOFOLLOW so a link swapped in after the walk
 * is refused too. Names are read as bytes and decoded like archive names.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { unpackError } from './errors.ts';
import { EntryStream, type Budget, type DigestMode } from './guard.ts';
import { decodeNameBytes } from './names.ts';
import type { Candidate } from './source.ts';

const SLASH = Buffer.from('/');

async function listDir(dir: Buffer, rel: string, budget: Budget): Promise<Buffer[]> {
  const names: Buffer[] = [];
  const d = await opendir(dir as unknown as string, { encoding: 'buffer' as BufferEncoding });
  for await (const ent of d) {
    names.push(ent.name as unknown as Buffer);
    if (budget.entries + names.length > budget.limits.maxEntries) {
      throw unpackError('too-many-entries', rel || '.', `条目数超过 ${budget.limits.maxEntries}`, `the package has more than ${budget.limits.maxEntries} entries`);
    }
  }
  return names.sort(Buffer.compare);
}

export async function* dirSource(root: string, budget: Budget): AsyncGenerator<Candidate, void, undefined> {
  const stack: { abs: Buffer; rel: string; names: Buffer[]; i: number }[] = [];
  const rootBuf = Buffer.from(root);
  stack.push({ abs: rootBuf, rel: '', names: await listDir(rootBuf, '', budget), i: 0 });
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const raw = top.names[top.i++];
    if (raw === undefined) {
      stack.pop();
      continue;
    }
    const { name: seg, encoding } = decodeNameBytes(raw);
    const name = top.rel ? `${top.rel}/${seg}` : seg;
    const abs = Buffer.concat([top.abs, SLASH, raw]);
    const st = await lstat(abs as unknown as string);
    if (st.isSymbolicLink()) throw unpackError('entry-symlink', name, '不接受符号链接', 'symbolic links are not accepted');
    if (st.isDirectory()) {
      if (stack.length >= budget.limits.maxNestingDepth) throw unpackError('path-too-deep', name, `目录层级超过 ${budget.limits.maxNestingDepth}`, `directories are nested deeper than ${budget.limits.maxNestingDepth} levels`);
      yield { name: `${name}/`, encoding, isDir: true, size: 0, open: () => { throw new Error('a directory has no content'); } };
      stack.push({ abs, rel: name, names: await listDir(abs, name, budget), i: 0 });
      continue;
    }
    if (!st.isFile()) throw unpackError('entry-special', name, '不接受设备文件、命名管道或套接字', 'devices, FIFOs and sockets are not accepted');
    const size = st.size;
    const open = (p: string, digest: DigestMode): EntryStream => {
      const guard = new EntryStream({
        entry: p, declaredSize: size, budget, digest,
        mapError: (err) => (/ELOOP/.test(String((err as NodeJS.ErrnoException).code))
          ? unpackError('entry-symlink', p, '文件在读取前被替换为符号链接', 'the file was replaced by a symbolic link before it was read')
          : unpackError('size-mismatch', p, `读取失败：${err.message}`, `reading failed: ${err.message}`)),
      });
      const rs = createReadStream(abs as unknown as string, { flags: (constants.O_RDONLY | constants.O_NOFOLLOW) as unknown as string, highWaterMark: 1 << 20 });
      rs.on('error', (err) => guard.upstreamFailed(err));
      rs.pipe(guard);
      guard.on('close', () => rs.destroy());
      return guard;
    };
    yield { name, encoding, isDir: false, size, open };
  }
}
