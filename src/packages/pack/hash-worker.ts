/**
 * Worker thread of the packer's hash pool (hash-pool.ts). For each task it reads `source` in 1 MiB
 * blocks into one reused buffer, hashes every block with SHA-256 and SM3 and, when `dest` is given,
 * writes it to `dest` (created exclusively, fsynced when `sync`). Memory is one buffer per worker.
 * Synchronous I/O is fine here: the thread does nothing else, and the main thread only schedules.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { HashReply, HashTask } from './hash-pool.ts';

const BLOCK = 1 << 20;
const PROGRESS_EVERY = 8 * BLOCK;
const buf = Buffer.allocUnsafe(BLOCK);
const port = parentPort!;

function run(t: HashTask): HashReply {
  const sha256 = createHash('sha256');
  const sm3 = createHash('sm3');
  let size = 0;
  let told = 0;
  const input = openSync(t.source, 'r');
  let output: number | undefined;
  try {
    if (t.dest !== undefined) output = openSync(t.dest, 'wx', 0o644);
    for (;;) {
      const n = readSync(input, buf, 0, BLOCK, null);
      if (n === 0) break;
      const block = buf.subarray(0, n);
      sha256.update(block);
      sm3.update(block);
      if (output !== undefined) for (let off = 0; off < n;) off += writeSync(output, block, off, n - off);
      size += n;
      if (size - told >= PROGRESS_EVERY) {
        port.postMessage({ id: t.id, progress: size - told });
        told = size;
      }
    }
    if (output !== undefined && t.sync) fsyncSync(output);
  } finally {
    closeSync(input);
    if (output !== undefined) closeSync(output);
  }
  if (size > told) port.postMessage({ id: t.id, progress: size - told });
  return { id: t.id, ok: true, sha256: sha256.digest('hex'), sm3: sm3.digest('hex'), size };
}

port.on('message', (t: HashTask) => {
  let reply: HashReply;
  try {
    reply = run(t);
  } catch (err) {
    reply = { id: t.id, ok: false, message: err instanceof Error ? err.message : String(err), code: (err as NodeJS.ErrnoException).code };
  }
  port.postMessage(reply);
});
