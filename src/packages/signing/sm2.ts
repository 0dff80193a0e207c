import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sm2 } from 'sm-crypto-v2';
import { SIGNATURE_FILE } from '../format/layout.ts';
import type { PackageProblem } from '../model.ts';

export { SIGNATURE_FILE };

/**
 * The submitting unit's SM2 signature over the bag's SM3 tag manifest (GM/T 0009: SM3 with the
 * default user ID 1234567812345678, DER-encoded r‖s — Node's crypto cannot apply that ID, so this goes
 * through sm-crypto-v2). The signature lives in `dangan-signature.json`, a tag file outside the tag
 * manifest it signs. Whether the public key belongs to the unit is a separate question (a certificate
 * or a key registered for the unit's 统一社会信用代码): reported, not decided, here.
 */
export const SIGNED_FILE = 'tagmanifest-sm3.txt';
export const DEFAULT_USER_ID = '1234567812345678';

export type BagSignature = { algorithm: 'SM2-with-SM3'; signedFile: string; userId: string; publicKey: string; signature: string; signer?: string };
export type SignatureVerdict = { present: boolean; valid: boolean; publicKey?: string; signer?: string; problems: PackageProblem[] };

const HEX = /^[0-9a-f]+$/i;
const problem = (code: string, zh: string, en: string): PackageProblem => ({ code, severity: 'error', path: SIGNATURE_FILE, message: { zh, en } });

export function generateUnitKeyPair(): { publicKey: string; privateKey: string } {
  const kp = sm2.generateKeyPairHex();
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

/** The signature file for the exact bytes of a tag manifest. */
export function signatureFile(manifest: Buffer, key: { privateKey: string; publicKey: string }, signer?: string): BagSignature {
  const signature = sm2.doSignature(new Uint8Array(manifest), key.privateKey, { hash: true, der: true, userId: DEFAULT_USER_ID });
  return { algorithm: 'SM2-with-SM3', signedFile: SIGNED_FILE, userId: DEFAULT_USER_ID, publicKey: key.publicKey, signature, ...(signer ? { signer } : {}) };
}

/** A signer for `packFolder({ signer })`: the unit's key pair, and its 统一社会信用代码 as the signer's name. */
export function sm2Signer(key: { privateKey: string; publicKey: string }, signer?: string) {
  return {
    algorithm: 'SM2-with-SM3',
    sign: async (tagManifestSm3: Buffer) => Buffer.from(`${JSON.stringify(signatureFile(tagManifestSm3, key, signer), null, 2)}\n`),
  };
}

/** Signs `tagmanifest-sm3.txt` of a finished bag; written via temp + rename. */
export async function signBag(bagDir: string, key: { privateKey: string; publicKey: string }, signer?: string): Promise<BagSignature> {
  const sig = signatureFile(await readFile(join(bagDir, SIGNED_FILE)), key, signer);
  const tmp = join(bagDir, `.${SIGNATURE_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify(sig, null, 2)}\n`);
  await rename(tmp, join(bagDir, SIGNATURE_FILE));
  return sig;
}

/** Verifies the signature if the bag has one; an absent signature is `present: false`, not an error. */
export async function verifyBagSignature(bagDir: string): Promise<SignatureVerdict> {
  let text: string;
  try {
    text = await readFile(join(bagDir, SIGNATURE_FILE), 'utf8');
  } catch {
    return { present: false, valid: false, problems: [] };
  }
  if (text.length > 64 * 1024) return { present: true, valid: false, problems: [problem('signature-malformed', '签名文件过大', 'the signature file is too large')] };
  let sig: Partial<BagSignature>;
  try {
    sig = JSON.parse(text) as Partial<BagSignature>;
  } catch {
    return { present: true, valid: false, problems: [problem('signature-malformed', '签名文件不是 JSON', 'the signature file is not JSON')] };
  }
  if (sig.algorithm !== 'SM2-with-SM3' || sig.signedFile !== SIGNED_FILE || typeof sig.publicKey !== 'string' || !HEX.test(sig.publicKey) ||
      !/^04[0-9a-f]{128}$/i.test(sig.publicKey) || typeof sig.signature !== 'string' || !HEX.test(sig.signature) || (sig.userId ?? DEFAULT_USER_ID) !== DEFAULT_USER_ID) {
    return { present: true, valid: false, problems: [problem('signature-malformed', '签名文件字段不完整或不合规', 'the signature file lacks or misstates a field (SM2-with-SM3 over tagmanifest-sm3.txt, uncompressed public key, hex signature)')] };
  }
  let manifest: Buffer;
  try {
    manifest = await readFile(join(bagDir, SIGNED_FILE));
  } catch {
    return { present: true, valid: false, publicKey: sig.publicKey, problems: [problem('signature-no-manifest', '缺少被签名的 tagmanifest-sm3.txt', 'tagmanifest-sm3.txt, which the signature covers, is missing')] };
  }
  let ok = false;
  try {
    ok = sm2.doVerifySignature(new Uint8Array(manifest), sig.signature, sig.publicKey, { hash: true, der: true, userId: DEFAULT_USER_ID });
  } catch {
    ok = false;
  }
  const verdict: SignatureVerdict = { present: true, valid: ok, publicKey: sig.publicKey, problems: ok ? [] : [problem('signature-invalid', 'SM2 签名验证失败：标签清单在签名后被改动，或签名不属于该公钥', 'the SM2 signature does not verify: the tag manifest changed after signing, or the signature is not by this key')] };
  if (typeof sig.signer === 'string') verdict.signer = sig.signer;
  return verdict;
}
