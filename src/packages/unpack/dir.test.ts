import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import iconv from 'iconv-lite';
import tar from 'tar-stream';
import { tempDir, writeZip, type ZipSpec } from './test-fixtures.ts';
import { isUnpack, readAll } from './test-read.ts';
import { corpus } from '../../platform/testing/corpus.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => { tmp = await tempDir(); });
after(() => tmp.drop());
let n = 0;
async function bag(files: Record<string, string>): Promise<string> {
  const root = join(tmp.dir, `d${++n}`);
  for (const [p, c] of Object.entries(files)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), c);
  }
  return root;
}

test('a directory is walked in name order, files hashed, without writing anything', async () => {
  const root = await bag({ 'bagit.txt': 'BagIt-Version: 1.0\n', 'data/竣工图/01.pdf': 'pdf', 'data/empty.txt': '' });
  const before = await readdir(root, { recursive: true });
  const { entries } = await readAll(root);
  assert.deepEqual(entries.map((e) => [e.path, e.kind, e.size]), [['bagit.txt', 'file', 19], ['data', 'dir', 0], ['data/empty.txt', 'file', 0], ['data/竣工图', 'dir', 0], ['data/竣工图/01.pdf', 'file', 3]]);
  assert.deepEqual(await readdir(root, { recursive: true }), before);
});

test('symbolic links are refused, never followed', async () => {
  const root = await bag({ 'data/a.txt': 'a' });
  await symlink('/etc/passwd', join(root, 'data', 'passwd'));
  await assert.rejects(readAll(root), isUnpack('entry-symlink', 'data/passwd'));
  const root2 = await bag({ 'x.txt': 'x' });
  await symlink('/etc', join(root2, 'etc'));
  await assert.rejects(readAll(root2), isUnpack('entry-symlink', 'etc'));
});

test('a FIFO in the directory is refused (reading it would hang the server)', async () => {
  const root = await bag({ 'a.txt': 'a' });
  execFileSync('mkfifo', [join(root, 'pipe')]);
  await assert.rejects(readAll(root), isUnpack('entry-special', 'pipe'));
});

test('names on disk: NFC duplicates are an error, reserved names refused, GBK bytes decoded', async () => {
  const root = await bag({ 'café.txt': '1', 'cafe\u0301.txt': '2' });
  await assert.rejects(readAll(root), isUnpack('name-duplicate', 'café.txt'));
  await assert.rejects(readAll(await bag({ 'data/CON.txt': 'x' })), isUnpack('path-reserved-name', 'data/CON.txt'));
  const root3 = await bag({});
  await mkdir(root3, { recursive: true });
  await writeFile(Buffer.concat([Buffer.from(root3 + '/'), iconv.encode('结构施工图 01.pdf', 'gbk')]), 'x');
  const { entries, reader } = await readAll(root3);
  assert.equal(entries[0]?.path, '结构施工图 01.pdf');
  assert.equal(reader.warnings[0]?.code, 'name-encoding-guessed');
});

const SUITE = corpus('bagit-conformance-suite');

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => relative(root, join(d.parentPath, d.name))).sort();
}
async function bytes(p: string): Promise<Buffer> {
  const c: Buffer[] = [];
  for await (const b of createReadStream(p)) c.push(b as Buffer);
  return Buffer.concat(c);
}

test('real bags from the BagIt conformance suite read identically as a directory, a zip and a tar', async (t) => {
  const bags: string[] = [];
  for (const v of ['v0.97/valid', 'v1.0/valid']) for (const b of await readdir(join(SUITE, v))) bags.push(join(SUITE, v, b));
  let compared = 0;
  for (const root of bags) {
    const asDir = await readAll(root).catch((err: Error) => err);
    if (asDir instanceof Error) {
      t.diagnostic(`${relative(SUITE, root)}: refused as a directory: ${asDir.message}`);
      continue;
    }
    const specs: ZipSpec[] = [];
    const pack = tar.pack();
    for (const f of await files(root)) {
      const data = await bytes(join(root, f));
      specs.push({ name: f, data, method: 8, flags: 0x800 });
      pack.entry({ name: f }, data);
    }
    pack.finalize();
    const tarChunks: Buffer[] = [];
    for await (const c of pack) tarChunks.push(c as Buffer);
    const zipPath = await writeZip(join(tmp.dir, `bag${compared}.zip`), specs);
    const tarPath = join(tmp.dir, `bag${compared}.tar`);
    await writeFile(tarPath, Buffer.concat(tarChunks));
    const onlyFiles = (r: Awaited<ReturnType<typeof readAll>>) => r.entries.filter((e) => e.kind === 'file');
    const want = onlyFiles(asDir);
    assert.ok(want.length > 0);
    assert.deepEqual(onlyFiles(await readAll(zipPath)), want, root);
    assert.deepEqual(onlyFiles(await readAll(tarPath)), want, root);
    compared++;
  }
  t.diagnostic(`${compared} of ${bags.length} valid bags compared across dir, zip and tar`);
  assert.ok(compared >= bags.length - 2);
});
