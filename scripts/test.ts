/**
 * `npm test`: starts one real PostgreSQL (embedded, in a temporary directory; or the server named by
 * DANGAN_TEST_DATABASE_URL), migrates a template database, then runs Node's test runner over every
 * test file. Each test file copies the template into a database of its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, globSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadReferenceData } from '../src/app/reference-data.ts';
import { createDb } from '../src/platform/db.ts';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../src/platform/embedded-postgres.ts';
import { migrate } from '../src/platform/migrate.ts';
import { urlFor } from '../src/platform/testing/db.ts';

const TEMPLATE = 'dangan_template';
const DEFAULT_FILES = ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'];
/**
 * Test files that assert a wall-clock bound (`npm start` healthy in ≤ 15 s). They run first and alone:
 * measured beside Chromium and two other test files, the same start took 24 s on a 2-core CI machine.
 */
const ALONE_FILES = ['e2e/two-commands.e2e.test.ts'];

type Phase = { code: number; counts: Record<string, number> };

/** One run of Node's test runner; its output passes through and its summary counts are kept. */
function runPhase(files: string[], flags: string[], concurrency: number, env: NodeJS.ProcessEnv): Promise<Phase> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...flags, ...files], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env,
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => child.kill(sig));
  let tail = '';
  child.stdout!.on('data', (d: Buffer) => {
    process.stdout.write(d);
    tail = (tail + d.toString('utf8')).slice(-4096);
  });
  return new Promise<Phase>((resolve) =>
    child.on('exit', (code) => {
      const counts: Record<string, number> = {};
      for (const m of tail.matchAll(/^(?:#|ℹ) (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) counts[m[1]!] = Number(m[2]);
      resolve({ code: code ?? 1, counts });
    }),
  );
}

/** The whole suite starts with the type checks (server, tests and web app): a type error is a failure. */
function typecheck(): boolean {
  for (const project of ['tsconfig.json', 'web/tsconfig.json']) {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--noEmit'], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stdout.write(`# typecheck of ${project} failed\n`);
      return false;
    }
  }
  process.stdout.write('# typecheck passed\n');
  return true;
}

async function main(): Promise<number> {
  const t0 = performance.now();
  if (process.argv.slice(2).every((a) => a.startsWith('-')) && !typecheck()) return 1;
  let embedded: EmbeddedHandle | undefined;
  let dir: string | undefined;
  let adminUrl = process.env.DANGAN_TEST_DATABASE_URL;
  if (!adminUrl) {
    dir = await mkdtemp(join(tmpdir(), 'dangan-pg-'));
    await chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: dir, database: 'postgres' });
    adminUrl = embedded.adminUrl;
  }
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
    await admin.end();
    const db = createDb(urlFor(adminUrl, TEMPLATE), { max: 2 });
    await migrate(db);
    await loadReferenceData(db);
    await db.close();
    process.stdout.write(`# PostgreSQL ready (${embedded ? `embedded, port ${embedded.port}` : 'external'}) in ${Math.round(performance.now() - t0)} ms\n`);

    const args = process.argv.slice(2);
    // A folder argument means every test file below it.
    const files = args.filter((a) => !a.startsWith('-')).map((a) => (existsSync(a) && statSync(a).isDirectory() ? `${a.replace(/\/$/, '')}/**/*.test.ts` : a));
    const flags = args.filter((a) => a.startsWith('-'));
    const env = { ...process.env, DANGAN_TEST_ADMIN_URL: adminUrl, DANGAN_TEST_TEMPLATE: TEMPLATE };
    if (files.length) return (await runPhase(files, flags, 3, env)).code;
    // The whole suite: files that assert wall-clock bounds run first, alone, on a quiet machine; then the rest.
    const alone = await runPhase(ALONE_FILES, flags, 1, env);
    const others = DEFAULT_FILES.flatMap((g) => globSync(g)).filter((f) => !ALONE_FILES.includes(f)).sort();
    const rest = await runPhase(others, flags, 3, env);
    const total = (k: string) => (alone.counts[k] ?? 0) + (rest.counts[k] ?? 0);
    process.stdout.write(
      `# whole suite (timed files alone, then the rest): tests ${total('tests')}, pass ${total('pass')}, fail ${total('fail')}, cancelled ${total('cancelled')}, skipped ${total('skipped')}, todo ${total('todo')}\n`,
    );
    return alone.code || rest.code;
  } finally {
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
