/**
 * Test helper: a REAL S3-protocol server (npm `s3rver`) in a child process, so its CPU, memory and event
 * loop never mix with the code under test, and "the backend went away" can be simulated by stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type S3TestServer = {
  endpoint: string;
  port: number;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  /** The server's data directory (s3rver's own file layout); removed by stop(). */
  directory: string;
  stop(): Promise<void>;
};

// The child: CommonJS, given the resolved module path so it needs no node_modules lookup of its own.
// Port 0 lets the kernel choose a free port (no race between "find a port" and "listen").
// It exits when its stdin closes, so a crashed test process never leaves a stray server behind.
const CHILD = `
const [modulePath, directory, buckets] = process.argv.slice(1);
const S3rver = require(modulePath);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: JSON.parse(buckets).map((name) => ({ name, configs: [] })) });
server.run().then((addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
process.stdin.on('end', () => process.exit(0)).resume();
process.on('SIGTERM', () => process.exit(0));
`;

/** Starts s3rver (a dev dependency, resolved only here, so importing this module costs nothing in production). */
export async function startS3TestServer(buckets: string[], opts: { startTimeoutMs?: number } = {}): Promise<S3TestServer> {
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'dangan-s3rver-'));
  // The test runner's markers would change the child's behaviour; it is a plain script.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  // s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 only offers through
  // its legacy provider: without this flag every second page of a listing is a 500 InternalError.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD, s3rverPath, directory, JSON.stringify(buckets)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    const port = await waitForPort(child, opts.startTimeoutMs ?? 15_000, () => stderr);
    let stopped: Promise<void> | undefined;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      port,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      directory,
      stop: () => (stopped ??= stopChild(child).then(() => rm(directory, { recursive: true, force: true }))),
    };
  } catch (err) {
    await stopChild(child);
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
}

/** Resolves with the port once the child has printed it, i.e. once its server is listening. */
function waitForPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`s3rver did not start within ${timeoutMs} ms: ${stderr()}`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    child.once('exit', (code) => fail(new Error(`s3rver exited with code ${code} before listening: ${stderr()}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
