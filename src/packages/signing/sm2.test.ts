import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sm2 } from 'sm-crypto-v2';
import { verifyBag } from '../../preservation/bagit/index.ts';
import { SIGNATURE_FILE, generateUnitKeyPair, signBag, verifyBagSignature } from './sm2.ts';

let dir: string;
const key = generateUnitKeyPair();

/** A minimal valid BagIt 1.0 bag with SM3 manifests, written by hand so the test owns every byte. */
async function makeBag(): Promise<string> {
  const { createHash } = await import('node:crypto');
  const bag = await mkdtemp(join(tmpdir(), 'dangan-sig-'));
  const sm3 = (b: string | Buffer) => createHash('sm3').update(b).digest('hex');
  const data = Buffer.from('竣工图说明');
  await (await import('node:fs/promises')).mkdir(join(bag, 'data'));
  await writeFile(join(bag, 'data', 'a.txt'), data);
  const bagit = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
  const manifest = `${sm3(data)}  data/a.txt\n`;
  await writeFile(join(bag, 'bagit.txt'), bagit);
  await writeFile(join(bag, 'manifest-sm3.txt'), manifest);
  await writeFile(join(bag, 'tagmanifest-sm3.txt'), `${sm3(bagit)}  bagit.txt\n${sm3(manifest)}  manifest-sm3.txt\n`);
  return bag;
}

before(async () => (dir = await makeBag()));
after(() => rm(dir, { recursive: true, force: true }));

test('a unit signs the tag manifest with SM2; the signature verifies and the bag stays a valid bag', async () => {
  await signBag(dir, key, '91350100M000100Y43');
  const v = await verifyBagSignature(dir);
  assert.deepEqual([v.present, v.valid, v.signer, v.problems], [true, true, '91350100M000100Y43', []]);
  assert.equal((await verifyBag(dir)).valid, true);
  // Interoperable: the signature is plain GM/T 0009 (default ID, DER) as any SM2 library checks it.
  const sig = JSON.parse(await readFile(join(dir, SIGNATURE_FILE), 'utf8'));
  assert.equal(sm2.doVerifySignature(new Uint8Array(await readFile(join(dir, 'tagmanifest-sm3.txt'))), sig.signature, key.publicKey, { hash: true, der: true, userId: '1234567812345678' }), true);
});

test('an edited tag manifest, another key or a malformed file fails with a named problem', async () => {
  const other = generateUnitKeyPair();
  const sigPath = join(dir, SIGNATURE_FILE);
  const good = await readFile(sigPath, 'utf8');
  await writeFile(sigPath, good.replace(key.publicKey, other.publicKey));
  assert.deepEqual((await verifyBagSignature(dir)).problems.map((p) => p.code), ['signature-invalid']);
  await writeFile(sigPath, '{ not json');
  assert.deepEqual((await verifyBagSignature(dir)).problems.map((p) => p.code), ['signature-malformed']);
  await writeFile(sigPath, good);
  await appendFile(join(dir, 'tagmanifest-sm3.txt'), '\n');
  assert.deepEqual((await verifyBagSignature(dir)).problems.map((p) => p.code), ['signature-invalid']);
  await rm(sigPath);
  assert.deepEqual(await verifyBagSignature(dir), { present: false, valid: false, problems: [] });
});
