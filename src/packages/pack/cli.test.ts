/** `dangan pack` (src/cli/pack.ts): exit codes, --json output, the template. */
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { packCommand } from '../../cli/pack.ts';
import { goodFill, makeSource, tempDir, writeCatalog } from './test-fixtures.ts';

let d: string;
after(async () => d && rm(d, { recursive: true, force: true }));

/** Runs the command with stdout and stderr captured. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const [w1, w2] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((s: string) => ((out.stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((out.stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await packCommand(args), ...out };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

test('dangan pack: 0 packed, 1 problems (JSON list), 2 usage; --template', async () => {
  d = await tempDir();
  await makeSource(join(d, 'src'), { '批复 文件.pdf': 'x' });
  const catalog = await writeCatalog(d, goodFill(['批复 文件.pdf']));
  const ok = await run([join(d, 'src'), '--catalog', catalog, '--out', join(d, 'pkg'), '--json', '--concurrency', '2']);
  assert.equal(ok.code, 0, ok.stderr);
  const j = JSON.parse(ok.stdout) as { ok: boolean; files: number; valid: boolean; payloadOxum: string };
  assert.deepEqual([j.ok, j.files, j.valid], [true, 1, true]);
  assert.match(ok.stderr, /validating/); // progress on stderr (plain lines: not a TTY)

  await makeSource(join(d, 'src'), { '多余.pdf': 'y' });
  const bad = await run([join(d, 'src'), '--catalog', catalog, '--out', join(d, 'pkg2'), '--json']);
  assert.equal(bad.code, 1);
  const problems = (JSON.parse(bad.stdout) as { problems: Array<{ code: string; file?: string }> }).problems;
  assert.deepEqual(problems.map((p) => [p.code, p.file]), [['file-not-listed', '多余.pdf']]);

  assert.equal((await run([join(d, 'src'), '--out', join(d, 'pkg3')])).code, 2);
  assert.equal((await run(['--nope'])).code, 2);
  assert.equal((await run([join(d, 'src'), '--catalog', catalog, '--out', join(d, 'pkg'), '--concurrency', '0'])).code, 2);
  assert.equal((await run(['--template', join(d, '模板.xlsx')])).code, 0);
  assert.equal((await run(['--template', join(d, '模板.xlsx')])).code, 2); // never overwritten
  assert.deepEqual((await readdir(d)).sort(), ['pkg', 'src', '卷内目录.xlsx', '模板.xlsx'].sort());
});

test('dangan pack --new-key / --sign-key: the unit SM2-signs its tag manifest and the signature verifies', async () => {
  const dir = await tempDir();
  try {
    await makeSource(join(dir, 'src'), { '竣工图.pdf': 'x' });
    const catalog = await writeCatalog(dir, goodFill(['竣工图.pdf']));
    const key = join(dir, 'unit-key.json');
    assert.equal((await run(['--new-key', key])).code, 0);
    assert.equal((await run(['--new-key', key])).code, 2, 'an existing key file is never overwritten');
    const r = await run([join(dir, 'src'), '--catalog', catalog, '--out', join(dir, 'pkg'), '--sign-key', key]);
    assert.equal(r.code, 0, r.stderr);
    const { verifyBagSignature } = await import('../signing/index.ts');
    const { verifyBag } = await import('../../preservation/bagit/index.ts');
    const v = await verifyBagSignature(join(dir, 'pkg'));
    assert.deepEqual([v.present, v.valid], [true, true]);
    assert.equal((await verifyBag(join(dir, 'pkg'))).valid, true);
    assert.equal((await run([join(dir, 'src'), '--catalog', catalog, '--out', join(dir, 'pkg3'), '--sign-key', join(dir, 'nope.json')])).code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dangan pack --verify full re-reads every file; bad --verify/--workers values are usage errors', async () => {
  const dir = await tempDir();
  try {
    await makeSource(join(dir, 'src'), { 'a.pdf': 'x', 'b.pdf': 'y' });
    const catalog = await writeCatalog(dir, goodFill(['a.pdf', 'b.pdf']));
    const full = await run([join(dir, 'src'), '--catalog', catalog, '--out', join(dir, 'pkg'), '--verify', 'full', '--workers', '1', '--json']);
    assert.equal(full.code, 0, full.stderr);
    assert.equal((JSON.parse(full.stdout) as { verified: string }).verified, 'full');
    assert.equal((await run([join(dir, 'src'), '--catalog', catalog, '--out', join(dir, 'p2'), '--verify', 'maybe'])).code, 2);
    assert.equal((await run([join(dir, 'src'), '--catalog', catalog, '--out', join(dir, 'p3'), '--workers', '-1'])).code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
