/**
 * Hashers for the packer: the same task (read a file, SHA-256 + SM3 it, optionally copy it and fsync
 * the copy) done either on the calling thread (`mainThreadHasher`, streams) or by a small pool of
 * worker threads (`workerHasher`, hash-worker.ts). Node hashes on the thread that calls update(), so
 * one thread caps at raw SHA-256 + SM3 speed; the pool lets every core hash while the main thread only
 * schedules. Callers bound the tasks in flight (eachLimited), so memory stays constant.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { MultiDigest } from '../../preservation/content-store.ts';

export type HashTask = { id: number; source: string; dest?: string; sync: boolean };
export type HashReply =
  | { id: number; ok: true; sha256: string; sm3: string; size: number }
  | { id: number; ok: false; message: string; code?: string | undefined };
export type HashResult = { sha256: string; sm3: string; size: number };

export interface Hasher {
  /** Which threads hash: 0 = the calling thread. */
  readonly workers: number;
  /** Hashes `source` (copying it to `dest` when given); `onBytes` is told of bytes read as they go. */
  hash(task: { source: string; dest?: string; sync: boolean }, onBytes?: (n: number) => void): Promise<HashResult>;
  close(): Promise<void>;
}

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

/** Hashes on the calling thread (streams; the path used with `workers: 0`). */
export function mainThreadHasher(): Hasher {
  return {
    workers: 0,
    async hash(task, onBytes) {
      const digest = new MultiDigest({ sha512: false });
      const input = createReadStream(task.source, { highWaterMark: 1 << 20 });
      if (onBytes) input.on('data', (c) => onBytes(c.length));
      await pipeline(input, digest, task.dest === undefined ? sink() : createWriteStream(task.dest, { flags: 'wx' }));
      if (task.dest !== undefined && task.sync) {
        const fh = await open(task.dest, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      const d = digest.digests();
      return { sha256: d.sha256, sm3: d.sm3, size: digest.size };
    },
    async close() {},
  };
}

/** The worker script next to this file: .ts under tsx (tests, bench), .js once compiled to dist/. */
function workerScript(): { url: URL; execArgv: string[] } {
  const ts = new URL(import.meta.url).pathname.endsWith('.ts');
  return { url: new URL(ts ? './hash-worker.ts' : './hash-worker.js', import.meta.url), execArgv: ts ? ['--import', 'tsx'] : [] };
}

type Pending = { resolve: (r: HashResult) => void; reject: (e: Error) => void; onBytes: ((n: number) => void) | undefined };

/** A pool of `n` worker threads; tasks beyond the idle workers wait in a queue (bounded by the caller). */
export function workerHasher(n: number): Hasher {
  const { url, execArgv } = workerScript();
  const pending = new Map<number, Pending>();
  const idle: Worker[] = [];
  const busy = new Map<Worker, number>();
  const queue: HashTask[] = [];
  const all: Worker[] = [];
  let nextId = 1;
  let broken: Error | undefined;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      const t = queue.shift()!;
      busy.set(w, t.id);
      w.postMessage(t);
    }
  };
  const fail = (err: Error) => {
    broken ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    queue.length = 0;
  };

  for (let i = 0; i < Math.max(1, n); i++) {
    const w = new Worker(url, { execArgv });
    w.on('message', (m: HashReply | { id: number; progress: number }) => {
      const p = pending.get(m.id);
      if ('progress' in m) {
        p?.onBytes?.(m.progress);
        return;
      }
      pending.delete(m.id);
      busy.delete(w);
      idle.push(w);
      if (p) {
        if (m.ok) p.resolve({ sha256: m.sha256, sm3: m.sm3, size: m.size });
        else p.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
      }
      dispatch();
    });
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => {
      if (!closing) fail(new Error(`a hash worker stopped (exit code ${code})`));
    });
    all.push(w);
    idle.push(w);
  }
  let closing = false;

  return {
    workers: all.length,
    hash(task, onBytes) {
      if (broken) return Promise.reject(broken);
      return new Promise<HashResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, onBytes });
        queue.push({ id, ...task });
        dispatch();
      });
    },
    async close() {
      closing = true;
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
