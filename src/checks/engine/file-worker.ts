/** Worker thread of the file pool: inspects one file per message (inspect-file.ts) and replies with its facts. */
import { enableCompileCache } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { InspectTask } from './inspect-file.ts';

// Each worker loads pdf.js, sharp and the rest: with the CLI's compile cache (bin/dangan.js) they are
// compiled once per machine, not once per worker. The cache must be on before they load, hence the
// dynamic import below.
if (process.env.NODE_COMPILE_CACHE) enableCompileCache(process.env.NODE_COMPILE_CACHE);
const { inspectFile } = await import('./inspect-file.ts');

const port = parentPort!;
port.on('message', (t: InspectTask) => {
  port.postMessage({ id: t.id, started: true });
  inspectFile(t).then(
    (facts) => port.postMessage({ id: t.id, facts }),
    (err: Error) =>
      port.postMessage({
        id: t.id,
        facts: { path: t.path, exists: true, size: 0, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms: 0, error: { code: 'crash', message: { zh: `校验程序出错：${err.message}`, en: `the validator failed: ${err.message}` } } },
      }),
  );
});
