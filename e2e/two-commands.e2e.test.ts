/**
 * The README's promise, end to end with the compiled CLI (`npm start` runs `node bin/dangan.js serve`):
 * a first start on an empty data directory starts an embedded PostgreSQL, migrates, loads the demo and
 * prints its passwords; a second start reuses everything; a kill -9 loses nothing; and the same build
 * runs against an external PostgreSQL (Debian's, when installed) through DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { childEnv } from '../src/platform/testing/cli.ts';
import { TestClient } from '../src/platform/testing/http.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'dangan.js');
const built = existsSync(join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js'));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

type Running = { child: ChildProcess; out: () => string; port: number; readyMs: number };

async function start(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve'], { env: childEnv({ PORT: String(port), LOG_LEVEL: 'warn', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  cleanups.push(async () => void child.kill('SIGKILL'));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return { child, out: () => out, port, readyMs: performance.now() - t0 };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server not healthy in 30 s:\n${out}`);
}

async function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const code = new Promise<number | null>((res) => r.child.once('exit', (c) => res(c)));
  r.child.kill(signal);
  return code;
}

const postmasterRunning = (dataDir: string) => existsSync(join(dataDir, 'pg', 'postmaster.pid'));

test('first start: embedded PostgreSQL, migrations, demo data with printed passwords, healthy in ≤ 15 s', { skip: !built && 'run `npm run build` first' }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dangan-start-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const first = await start({ DANGAN_DATA_DIR: dataDir });
  t.diagnostic(`first start healthy after ${Math.round(first.readyMs)} ms`);
  assert.ok(first.readyMs <= 15_000, `took ${first.readyMs} ms`);
  const m = /^\s+archivist\s+archivist\s+DZ\s+(\S+)$/m.exec(first.out());
  assert.ok(m, `no demo password printed:\n${first.out()}`);
  const c = await new TestClient(`http://127.0.0.1:${first.port}`).login('archivist', m[1]!);
  const repos = await c.get('/api/repositories');
  assert.deepEqual(repos.body.items.map((r: { name: string }) => r.name), ['德州市城建档案馆', '齐河县城建档案馆', '禹城市城建档案馆']);
  const health = await c.get('/healthz');
  assert.equal(health.body.database.embedded, true);
  const index = await c.get('/');
  assert.equal(index.status, 200);
  assert.match(index.text, /<div id="root">/);
  assert.equal(await stop(first), 0);
  assert.equal(postmasterRunning(dataDir), false, 'PostgreSQL must be stopped with the server');

  // Second start: same data, no second demo, same passwords still valid.
  const second = await start({ DANGAN_DATA_DIR: dataDir });
  t.diagnostic(`second start healthy after ${Math.round(second.readyMs)} ms`);
  assert.doesNotMatch(second.out(), /demo archive loaded/);
  const c2 = await new TestClient(`http://127.0.0.1:${second.port}`).login('archivist', m[1]!);
  assert.equal((await c2.get('/api/repositories')).body.items.length, 3);

  // kill -9: the orphaned PostgreSQL is adopted by the next start, nothing is lost or doubled.
  await stop(second, 'SIGKILL');
  const third = await start({ DANGAN_DATA_DIR: dataDir });
  const c3 = await new TestClient(`http://127.0.0.1:${third.port}`).login('archivist', m[1]!);
  assert.equal((await c3.get('/api/repositories')).body.items.length, 3);
  const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env: childEnv({ DANGAN_DATA_DIR: dataDir }), encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /event chain intact/);
  assert.equal(await stop(third), 0);
  assert.equal(postmasterRunning(dataDir), false, 'an adopted PostgreSQL must be stopped too');
});

function debianPostgres(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const v = readdirSync(base).filter((d) => existsSync(join(base, d, 'bin', 'initdb'))).sort().at(-1);
  return v ? join(base, v, 'bin') : undefined;
}

test('DATABASE_URL: the same build runs on an external PostgreSQL (Debian postgresql)', async (t) => {
  const bin = debianPostgres();
  if (!bin) {
    if (process.env.CI === 'true') assert.fail('CI must install Debian postgresql (see .ci/run)');
    t.skip('Debian postgresql is not installed here (apt-get install postgresql)');
    return;
  }
  if (!built) return t.skip('run `npm run build` first');
  const dir = await mkdtemp(join(tmpdir(), 'dangan-extpg-'));
  await chmod(dir, 0o777);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const pgdata = join(dir, 'data');
  const port = await freePort();
  const asPg = (cmd: string, args: string[]) => {
    const r = process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8' }) : spawnSync(join(bin, cmd), args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `${cmd}: ${r.stdout}${r.stderr}`);
  };
  asPg('initdb', ['-D', pgdata, '--locale=C.UTF-8', '--encoding=UTF8', '--auth=trust', '-U', 'postgres']);
  asPg('pg_ctl', ['-D', pgdata, '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`, '-l', join(dir, 'log'), '-w', 'start']);
  cleanups.push(async () => asPg('pg_ctl', ['-D', pgdata, '-m', 'fast', '-w', 'stop']));
  asPg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-T', 'template0', '-E', 'UTF8', '--locale=C.UTF-8', 'dangan']);

  const url = `postgres://postgres@127.0.0.1:${port}/dangan`;
  const dataDir = await mkdtemp(join(tmpdir(), 'dangan-extdata-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const srv = await start({ DATABASE_URL: url, DANGAN_DATA_DIR: dataDir, DANGAN_DEMO: 'on', DANGAN_DEMO_PASSWORD: 'external-demo-1' });
  const c = await new TestClient(`http://127.0.0.1:${srv.port}`).login('admin', 'external-demo-1');
  const health = await c.get('/healthz');
  assert.equal(health.body.database.embedded, false);
  assert.equal((await c.get('/api/repositories')).body.items.length, 3);
  assert.equal(existsSync(join(dataDir, 'pg')), false, 'no embedded cluster when DATABASE_URL is set');
  assert.equal(await stop(srv), 0);
});
