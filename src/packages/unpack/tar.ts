/**
 * Tar entries through tar-stream, strictly in order. ustar/GNU names arrive as raw bytes (decoded
 * here: UTF-8, else GB18030, else CP437); pax names are UTF-8 by definition. Only regular files and
 * directories are accepted. Before the reader advances, the current entry is drained.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';
import { unpackError, type UnpackError } from './errors.ts';
import { EntryStream, type Budget, type DigestMode } from './guard.ts';
import { decodeNameBytes, type NameEncoding } from './names.ts';
import type { Candidate } from './source.ts';

type TarEntryStream = Readable & { header: tar.Header & { pax?: Record<string, string> } };

function mapTarError(err: Error, entry: string | undefined): UnpackError {
  if (/unexpected end of data|premature close/i.test(err.message)) {
    return unpackError('tar-truncated', entry, `tar 包不完整（被截断）${entry === undefined ? '' : '，截断于此条目处'}`, `the tar file is incomplete (truncated)${entry === undefined ? '' : ' at or after this entry'}`);
  }
  return unpackError('tar-corrupt', entry, `tar 包已损坏：${err.message}`, `the tar file is corrupt: ${err.message}`);
}

function decodeTarName(h: tar.Header & { pax?: Record<string, string> }): { name: string; encoding: NameEncoding } {
  if (h.pax?.path !== undefined) {
    if (h.pax.path.includes('\uFFFD')) throw unpackError('name-encoding-invalid', h.pax.path, 'pax 扩展头中的路径不是有效的 UTF-8', 'the pax path is not valid UTF-8');
    return { name: h.pax.path, encoding: 'utf8' };
  }
  return decodeNameBytes(Buffer.from(h.name, 'latin1'));
}

const REFUSED: Record<string, [UnpackError['code'], string, string]> = {
  symlink: ['entry-symlink', '不接受符号链接', 'symbolic links are not accepted'],
  link: ['entry-hardlink', '不接受硬链接', 'hard links are not accepted'],
  'character-device': ['entry-special', '不接受字符设备文件', 'character devices are not accepted'],
  'block-device': ['entry-special', '不接受块设备文件', 'block devices are not accepted'],
  fifo: ['entry-special', '不接受命名管道（FIFO）', 'FIFOs are not accepted'],
};

export async function* tarSource(path: string, budget: Budget): AsyncGenerator<Candidate, void, undefined> {
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  const ex = tar.extract({ filenameEncoding: 'latin1', allowUnknownFormat: false } as Parameters<typeof tar.extract>[0]);
  src.on('error', (err) => ex.destroy(err));
  src.pipe(ex);
  const it = ex[Symbol.asyncIterator]() as AsyncIterator<TarEntryStream>;
  let last: string | undefined;
  try {
    for (;;) {
      let r: IteratorResult<TarEntryStream>;
      try {
        r = await it.next();
      } catch (err) {
        throw mapTarError(err as Error, last);
      }
      if (r.done) return;
      const stream = r.value;
      const h = stream.header;
      const { name, encoding } = decodeTarName(h);
      last = name;
      const refused = REFUSED[h.type ?? 'file'];
      if (refused) throw unpackError(refused[0], name, refused[1], refused[2]);
      if (h.type !== 'file' && h.type !== 'contiguous-file' && h.type !== 'directory') {
        throw unpackError('entry-special', name, `不接受此类条目（${h.type}）`, `entries of type ${h.type} are not accepted`);
      }
      const isDir = h.type === 'directory';
      const size = isDir ? 0 : (h.size ?? 0);
      let guard: EntryStream | undefined;
      // tar-stream entries are streamx streams: wired by hand (no unpipe), and watched for their end.
      let ended = false;
      const done = new Promise<void>((resolve, reject) => {
        stream.on('end', () => ((ended = true), resolve()));
        stream.on('error', reject);
        stream.on('close', () => (ended ? resolve() : reject(new Error('premature close'))));
      });
      done.catch(() => undefined);
      const open = (p: string, digest: DigestMode): EntryStream => {
        if (guard) throw new Error('an entry can be opened only once');
        const entry = p;
        const g = (guard = new EntryStream({ entry, declaredSize: size, budget, digest, mapError: (err) => mapTarError(err, entry) }));
        const onData = (c: Buffer) => {
          if (!g.write(c)) stream.pause();
        };
        stream.on('data', onData);
        g.on('drain', () => stream.resume());
        stream.on('end', () => g.end());
        stream.on('error', (err: Error) => g.upstreamFailed(err));
        g.on('close', () => {
          if (!ended) {
            stream.removeListener('data', onData);
            stream.resume();
          }
        });
        return g;
      };
      yield { name, encoding, isDir, size, open };
      // Advancing: the entry must be consumed (or drained) before tar-stream reads the next header.
      if (!guard) stream.resume();
      try {
        await done;
      } catch (err) {
        throw budget.fatal ?? mapTarError(err as Error, name);
      }
      if (guard && !guard.destroyed && !guard.writableFinished) await finished(guard).catch(() => undefined);
      if (budget.fatal) throw budget.fatal;
    }
  } finally {
    ex.destroy();
    src.destroy();
  }
}
