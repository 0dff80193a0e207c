/**
 * Runs `inspectFile` on a small pool of worker threads (one per core by default): both cores hash and
 * validate while the main thread schedules. Each file has a time limit and each worker a heap limit; a
 * worker that exceeds either is terminated and replaced, and the file gets a precise `timeout` or
 * `memory` fact instead of hanging or crashing the run. `inline: true` runs on the calling thread
 * (tests, tiny packages).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from './facts.ts';
import { inspectFile, type InspectTask } from './inspect-file.ts';

export type PoolOptions = { workers?: number; timeoutMs: number; heapMb?: number; inline?: boolean };
/** `timeoutMs` per call overrides the pool's (a long-lived pool serves runs of different schemes). */
export type FilePool = { inspect(task: Omit<InspectTask, 'id'>, timeoutMs?: number): Promise<FileFacts>; close(): Promise<void>; readonly workers: number };

function workerScript(): { url: URL; execArgv: string[] } {
  const ts = new URL(import.meta.url).pathname.endsWith('.ts');
  return { url: new URL(ts ? './file-worker.ts' : './file-worker.js', import.meta.url), execArgv: ts ? ['--import', 'tsx'] : [] };
}

const failed = (t: Omit<InspectTask, 'id'>, code: 'timeout' | 'memory' | 'crash', zh: string, en: string, ms: number): FileFacts => ({
  path: t.path, exists: true, size: 0, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms, error: { code, message: { zh, en } },
});

const STARTUP_MS = 60_000;

type Slot = { worker: Worker; busy?: { id: number; task: Omit<InspectTask, 'id'>; resolve: (f: FileFacts) => void; timer: NodeJS.Timeout; t0: number; timeoutMs: number } };

export function createFilePool(opts: PoolOptions): FilePool {
  if (opts.inline) {
    return {
      workers: 0,
      inspect: (task) => inspectFile({ id: 0, ...task }),
      close: async () => {},
    };
  }
  const n = Math.max(1, opts.workers ?? availableParallelism());
  const { url, execArgv } = workerScript();
  const heapMb = opts.heapMb ?? 768;
  const slots: Slot[] = [];
  const queue: { task: Omit<InspectTask, 'id'>; resolve: (f: FileFacts) => void; timeoutMs: number }[] = [];
  let nextId = 1;
  let closing = false;

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(url, { execArgv, resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 } }) };
    slot.worker.on('message', (m: { id: number; facts: FileFacts } | { id: number; started: true }) => {
      const b = slot.busy;
      if (!b || b.id !== m.id) return;
      clearTimeout(b.timer);
      if ('started' in m) {
        // The file's time starts when the worker has it (a fresh worker first loads its code).
        b.t0 = performance.now();
        b.timer = setTimeout(() => expire(slot, m.id), b.timeoutMs);
        return;
      }
      slot.busy = undefined;
      b.resolve(m.facts);
      next();
    });
    slot.worker.on('error', (err: Error & { code?: string }) => {
      const b = slot.busy;
      slot.busy = undefined;
      if (b) {
        clearTimeout(b.timer);
        const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
        b.resolve(oom
          ? failed(b.task, 'memory', `校验超出内存上限（${heapMb} MB）`, `validation exceeded the memory limit (${heapMb} MB)`, performance.now() - b.t0)
          : failed(b.task, 'crash', `校验程序异常终止：${err.message}`, `the validator crashed: ${err.message}`, performance.now() - b.t0));
      }
    });
    slot.worker.on('exit', () => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const b = slot.busy;
      slot.busy = undefined;
      if (b) {
        clearTimeout(b.timer);
        b.resolve(failed(b.task, 'crash', '校验线程退出', 'the validator thread exited', performance.now() - b.t0));
      }
      if (!closing) {
        slots.push(spawn());
        next();
      }
    });
    return slot;
  };
  for (let i = 0; i < n; i++) slots.push(spawn());

  const expire = (slot: Slot, id: number) => {
    const b = slot.busy;
    if (!b || b.id !== id) return;
    slot.busy = undefined;
    b.resolve(failed(b.task, 'timeout', `校验超时（${b.timeoutMs} ms），文件可能构造异常`, `validation took longer than ${b.timeoutMs} ms: the file may be malformed`, performance.now() - b.t0));
    void slot.worker.terminate(); // 'exit' replaces it
  };

  const next = () => {
    for (const slot of slots) {
      if (slot.busy || !queue.length) continue;
      const q = queue.shift()!;
      const id = nextId++;
      const t0 = performance.now();
      // Until the worker says it started the file, only a generous start-up bound applies.
      const timer = setTimeout(() => expire(slot, id), Math.max(q.timeoutMs, STARTUP_MS));
      slot.busy = { id, task: q.task, resolve: q.resolve, timer, t0, timeoutMs: q.timeoutMs };
      slot.worker.postMessage({ id, ...q.task } satisfies InspectTask);
    }
  };

  return {
    workers: n,
    inspect(task, timeoutMs = opts.timeoutMs) {
      return new Promise<FileFacts>((resolve) => {
        queue.push({ task, resolve, timeoutMs });
        next();
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
