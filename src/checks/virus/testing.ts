/**
 * A real clamd for tests: started from /usr/sbin/clamd (Debian's clamav-daemon) with a configuration
 * and a signature database of its own in a temporary folder, so it needs neither root, nor the system's
 * clamd, nor freshclam's downloaded databases (which this machine cannot fetch).
 *
 * The database holds one signature, `Dangan.Test.EICAR`, that matches the EICAR anti-virus test string
 * anywhere in a file (an .ndb body signature), so a test that finds it knows it was our clamd and our
 * database that answered, not the official `Eicar-Test-Signature`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClamdScanner } from './clamd.ts';

/** The name our test database gives to EICAR. */
export const TEST_SIGNATURE = 'Dangan.Test.EICAR';
/** What clamd reports for it: clamd appends `.UNOFFICIAL` to every signature not from ClamAV's signed databases. */
export const TEST_SIGNATURE_REPORTED = `${TEST_SIGNATURE}.UNOFFICIAL`;

/**
 * The 68-byte EICAR test file. Built from two halves so this source file does not itself contain the
 * string (an anti-virus on a developer's machine would otherwise quarantine it).
 */
export function eicar(): Buffer {
  return Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-' + 'TEST-FILE!$H+H*', 'latin1');
}

export const CLAMD_PATHS = ['/usr/sbin/clamd', '/usr/local/sbin/clamd', '/usr/bin/clamd'];

export type ClamdOptions = {
  /** clamd.conf StreamMaxLength; clamd's size syntax. Default '128M'. */
  streamMaxLength?: string;
  /** clamd.conf MaxFileSize and MaxScanSize; default: both equal to streamMaxLength, as docs/virus-scan.md advises */
  maxFileSize?: string;
  maxScanSize?: string;
  /** bounded wait for the first PONG, ms. Default 60 000. */
  startTimeoutMs?: number;
};

export type RunningClamd = {
  /** the Unix socket path */
  socket: string;
  /** StreamMaxLength in bytes */
  streamMaxBytes: number;
  /** clamd's own log so far (for failure messages) */
  log(): Promise<string>;
  stop(): Promise<void>;
};

function sizeBytes(s: string): number {
  const m = /^(\d+)([KMG]?)$/i.exec(s);
  if (!m) throw new Error(`bad size ${s}`);
  return Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G']);
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/**
 * Starts clamd and waits until it answers PING. Returns null when clamd is not installed, except under
 * CI (`process.env.CI` set), where CI installs it and its absence is an error, not a skip.
 */
export async function startClamd(options: ClamdOptions = {}): Promise<RunningClamd | null> {
  const binary = CLAMD_PATHS.find((p) => existsSync(p));
  if (!binary) {
    if (process.env.CI) throw new Error(`clamd is not installed (looked for ${CLAMD_PATHS.join(', ')}); CI must install clamav-daemon (.ci/run)`);
    return null;
  }
  const streamMaxLength = options.streamMaxLength ?? '128M';
  const dir = await mkdtemp(join(tmpdir(), 'dangan-clamd-'));
  const db = join(dir, 'db');
  const tmp = join(dir, 'tmp');
  await mkdir(db);
  await mkdir(tmp);
  const socket = join(dir, 'clamd.sock');
  await writeFile(join(db, 'dangan-test.ndb'), `${TEST_SIGNATURE}:0:*:${eicar().toString('hex')}\n`);
  // No LogFile: in the foreground clamd logs to stdout, kept in clamd.out. No User line: clamd then
  // runs as whoever starts it (root in CI, the developer otherwise). MaxFileSize = MaxScanSize =
  // StreamMaxLength and AlertExceedsMax, so that no file clamd accepts is passed over as "OK" unscanned
  // (see docs/virus-scan.md).
  const conf = [
    `LocalSocket ${socket}`,
    'LocalSocketMode 600',
    'FixStaleSocket yes',
    'Foreground yes',
    `DatabaseDirectory ${db}`,
    `TemporaryDirectory ${tmp}`,
    `PidFile ${join(dir, 'clamd.pid')}`,
    'LogTime yes',
    'LogSyslog no',
    `StreamMaxLength ${streamMaxLength}`,
    `MaxFileSize ${options.maxFileSize ?? streamMaxLength}`,
    `MaxScanSize ${options.maxScanSize ?? streamMaxLength}`,
    'AlertExceedsMax yes',
    'ScanArchive yes',
    'MaxThreads 8',
    'ReadTimeout 30',
    'CommandReadTimeout 10',
    'SelfCheck 0',
    'Bytecode no',
    '',
  ].join('\n');
  const confPath = join(dir, 'clamd.conf');
  await writeFile(confPath, conf);
  const out = openSync(join(dir, 'clamd.out'), 'a');
  const child = spawn(binary, ['--config-file', confPath, '--foreground'], { stdio: ['ignore', out, out] });
  closeSync(out);
  const log = async (): Promise<string> => {
    return readFile(join(dir, 'clamd.out'), 'utf8').catch(() => '');
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    if (!(await waitExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitExit(child, 5_000);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const probe = new ClamdScanner({ socket }, { timeoutMs: 2_000 });
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const text = await log();
      await stop();
      throw new Error(`clamd exited during start-up (${child.exitCode ?? child.signalCode}):\n${text}`);
    }
    if (existsSync(socket) && (await probe.ping()).ok) break;
    if (Date.now() > deadline) {
      const text = await log();
      await stop();
      throw new Error(`clamd did not answer PING within ${options.startTimeoutMs ?? 60_000} ms:\n${text}`);
    }
    await sleep(50);
  }
  return { socket, streamMaxBytes: sizeBytes(streamMaxLength), log, stop };
}
