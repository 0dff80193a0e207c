/**
 * Shared by the browser tests: Debian's Chromium through playwright-core, the web build (with a lock,
 * since the e2e files run in parallel), and small waiting helpers. Tests import only this file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const hasChromium = existsSync(CHROMIUM);
/** Skip reason when Chromium is missing on a developer's machine; in CI (CI=true) the test must run and fail instead. */
export const skipWithoutChromium = (what: string): string | false =>
  !hasChromium && process.env.CI !== 'true' ? `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium fonts-noto-cjk) to run the ${what}` : false;


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `check` (which asserts) until it passes or the time is up; then its last failure is thrown. */
export async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(100);
  }
}

export const textOf = async (loc: Locator): Promise<string> => ((await loc.textContent()) ?? '').trim();
export const byTestId = (scope: Page | Locator, id: string): Locator => scope.locator(`[data-testid="${id}"]`);

export async function expectText(loc: Locator, expected: string | RegExp, timeoutMs?: number): Promise<void> {
  await eventually(async () => {
    const text = await textOf(loc.first());
    if (typeof expected === 'string') assert.equal(text, expected);
    else assert.match(text, expected);
  }, timeoutMs);
}

/**
 * Rebuilds web/dist when it is missing or older than the sources (the server reads it at start).
 * The e2e files run in parallel: a lock keeps two of them from building into web/dist at once.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(tmpdir(), `dangan-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (const deadline = Date.now() + 180_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      assert.ok(Date.now() < deadline, `another web build held ${lock} too long`);
      await sleep(200);
    }
  }
  try {
    const webDir = join(ROOT, 'web');
    const built = join(webDir, 'dist', 'index.html');
    const newest = (path: string): number => {
      const st = statSync(path);
      if (!st.isDirectory()) return st.mtimeMs;
      return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
    };
    const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(webDir, p)).filter((p) => existsSync(p));
    if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) return;
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const res = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(res.status, 0, 'vite build of web/ failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/#/login');
  await byTestId(page, 'login-page').waitFor();
  await byTestId(page, 'login-username').fill(username);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'app-layout').waitFor();
}

export const menuItem = (page: Page, key: string): Locator => page.locator(`[data-testid="side-menu"] li:has([data-testid="nav-${key}"])`);

/** Headless Chromium with the flags this closed network needs (no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
