#!/usr/bin/env node
// Dangan command line. Runs the compiled CLI on Node 22: when started by an older system Node
// (this machine ships 20), it re-runs itself with the Node 22 pinned in node_modules.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');

if (major < 22 && existsSync(pinned) && !process.env.DANGAN_REEXEC) {
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DANGAN_REEXEC: '1' },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
} else {
  await run();
}

async function run() {
  // V8's compile cache on disk (Node ≥ 22.1): the large dependencies (pdf.js, the AWS SDK…) are parsed
  // and compiled once per machine, not on every start of the CLI and of each check worker thread.
  const { enableCompileCache } = await import('node:module');
  if (enableCompileCache && !process.env.DANGAN_NO_COMPILE_CACHE) {
    const dir = join(tmpdir(), `dangan-compile-cache-${process.getuid?.() ?? 'user'}`);
    process.env.NODE_COMPILE_CACHE ??= dir;
    enableCompileCache(process.env.NODE_COMPILE_CACHE);
  }
  const entry = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(entry)) {
    console.error('Dangan is not built yet: run `npm install` (or `npm run build`) first.');
    process.exit(2);
  }
  const { main } = await import(entry);
  process.exitCode = await main(process.argv.slice(2));
}
