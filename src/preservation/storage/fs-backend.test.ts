import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { childEnv } from '../../platform/testing/cli.ts';
import { storageContract, generated, isKind, streamOf } from './contract.ts';
import { FsBackend } from './fs-backend.ts';

const MiB = 1024 * 1024;
const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'dangan-fs-backend-'));
  dirs.push(d);
  return d;
};
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

storageContract('fs', async () => {
  const root = await tempDir();
  const backend = new FsBackend(root);
  await backend.init();
  return {
    backend,
    tamper: (key, bytes) => writeFile(join(root, ...key.split('/')), bytes),
    leftovers: () => readdir(join(root, '.tmp')),
    close: async () => {},
  };
});

let root: string;
let b: FsBackend;
before(async () => {
  root = await tempDir();
  b = new FsBackend(root);
  await b.init();
});

test('objects are plain files at <root>/<key>, readable with ordinary tools', async () => {
  await b.put('竣工图/结构 图纸 01.pdf', streamOf(Buffer.from('%PDF')));
  assert.equal(await readFile(join(root, '竣工图', '结构 图纸 01.pdf'), 'utf8'), '%PDF');
});

test('.tmp is reserved: not a key, never listed', async () => {
  await assert.rejects(b.put('.tmp/x', streamOf(Buffer.from('x'))), isKind('invalid-key'));
  await assert.rejects(b.head('.tmp'), isKind('invalid-key'));
  await writeFile(join(root, '.tmp', 'stray'), 'partial');
  const listed: string[] = [];
  for await (const o of b.list('')) listed.push(o.key);
  assert.ok(!listed.some((k) => k.startsWith('.tmp')));
  await b.init();
  assert.deepEqual(await readdir(join(root, '.tmp')), []);
});

test('a key that is a folder of other keys, or inside an object, is refused (OCFL forbids such paths too)', async () => {
  await b.put('conflict/a', streamOf(Buffer.from('file')));
  await b.put('conflict/d/x', streamOf(Buffer.from('in folder')));
  await assert.rejects(b.put('conflict/a/b', streamOf(Buffer.from('x'))), isKind('invalid-key'));
  await assert.rejects(b.put('conflict/d', streamOf(Buffer.from('x'))), isKind('invalid-key'));
  assert.equal(await b.head('conflict/d'), undefined);
  assert.deepEqual(await readdir(join(root, '.tmp')), []);
});

test('delete removes folders it leaves empty, and no others', async () => {
  await b.put('d/e/f/one', streamOf(Buffer.from('1')));
  await b.put('d/keep', streamOf(Buffer.from('2')));
  await b.delete('d/e/f/one');
  await assert.rejects(stat(join(root, 'd', 'e')), /ENOENT/);
  assert.ok((await stat(join(root, 'd'))).isDirectory());
});

test('a process killed mid-put (SIGKILL) leaves no object at the key, only a .tmp file that init() sweeps', async () => {
  const crashRoot = await tempDir();
  // The child streams an endless source into put(); it is killed once 8 MiB have reached .tmp.
  const script = `
    const { FsBackend } = await import(process.argv[1]);
    const { Readable } = await import('node:stream');
    const b = new FsBackend(process.argv[2]);
    await b.init();
    let n = 0;
    await b.put('crash/killed.bin', new Readable({ read() { this.push(Buffer.alloc(1 << 20, n++ & 255)); } }));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, pathToFileURL(join(import.meta.dirname, 'fs-backend.ts')).href, crashRoot], {
    env: childEnv({}),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const tmp = join(crashRoot, '.tmp');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sizes = await readdir(tmp).then((fs) => Promise.all(fs.map((f) => stat(join(tmp, f)).then((s) => s.size, () => 0))), () => [0]);
    if (sizes.some((s) => s > 8 * MiB)) break;
    assert.ok(Date.now() < deadline && child.exitCode === null, `child did not start writing: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const after = new FsBackend(crashRoot);
  assert.equal(await after.head('crash/killed.bin'), undefined);
  assert.equal((await readdir(tmp)).length, 1, 'the partial write is in .tmp');
  await after.init();
  assert.deepEqual(await readdir(tmp), []);
  assert.equal(await after.head('crash/killed.bin'), undefined);
});

test('a full disk is StorageError no-space and leaves nothing behind (a 4 MiB tmpfs)', async (t) => {
  const dir = await tempDir();
  // Only root can mount; elsewhere this test is skipped rather than faking the error.
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) return t.skip(`cannot mount a tmpfs here: ${m.stderr || m.error}`);
  try {
    const small = new FsBackend(dir);
    await small.init();
    await assert.rejects(small.put('big.bin', generated(8 * MiB)), isKind('no-space'));
    assert.equal(await small.head('big.bin'), undefined);
    assert.deepEqual(await readdir(join(dir, '.tmp')), []);
    await small.put('fits.bin', generated(MiB)); // and the space is usable again
  } finally {
    spawnSync('umount', [dir]);
  }
});
