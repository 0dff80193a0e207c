/**
 * SM2 signature verification (GM/T 0003 with SM3, GM/T 0009 default user ID) for seals and signatures,
 * fast: Z and e = SM3(Z ‖ M) are computed with Node's native SM3 (sm-crypto's SM3 runs at ≈ 5 MB/s and a
 * seal's signed data carries the seal picture), the public key's point is precomputed once per key (the
 * same seal and signer keys recur across an archive's files), and a verified (key, message, signature)
 * triple is remembered, so the seal maker's signature on a seal used on a thousand files is checked once
 * per worker. Only the elliptic-curve step goes through sm-crypto-v2.
 */
import { createHash } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

/** GM/T 0009-2012 default user ID. */
export const SM2_DEFAULT_ID = '1234567812345678';

const CURVE = Buffer.from(
  'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC' + // a
    '28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93' + // b
    '32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7' + // xG
    'BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0', // yG
  'hex',
);

type Key = { point: ReturnType<typeof sm2.precomputePublicKey>; z: Map<string, Buffer> };
const keys = new Map<string, Key>();
const results = new Map<string, boolean>();
const MAX_KEYS = 256;
const MAX_RESULTS = 4096;

function keyOf(publicKeyHex: string): Key {
  const k = publicKeyHex.toLowerCase();
  let e = keys.get(k);
  if (!e) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    e = { point: sm2.precomputePublicKey(k), z: new Map() };
    keys.set(k, e);
  }
  return e;
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), per GM/T 0003.2 §5.5. */
export function sm2Z(publicKeyHex: string, userId = SM2_DEFAULT_ID): Buffer {
  const key = publicKeyHex.toLowerCase();
  const pub = Buffer.from(key.startsWith('04') && key.length === 130 ? key.slice(2) : key, 'hex');
  if (pub.length !== 64) throw new Error('an SM2 public key is 64 bytes (x ‖ y)');
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
  return createHash('sm3').update(entl).update(id).update(CURVE).update(pub).digest();
}

/**
 * Verifies `signatureHex` (raw r ‖ s, 128 hex digits) over `message` with the uncompressed public key
 * (`04 ‖ x ‖ y` hex). Returns false for anything malformed; never throws.
 */
export function sm2Verify(message: Uint8Array, signatureRsHex: string, publicKeyHex: string, userId = SM2_DEFAULT_ID): boolean {
  try {
    const msgDigest = createHash('sha256').update(message).digest('hex');
    const memo = `${publicKeyHex.toLowerCase()}|${userId}|${signatureRsHex.toLowerCase()}|${msgDigest}`;
    const known = results.get(memo);
    if (known !== undefined) return known;
    const key = keyOf(publicKeyHex);
    let z = key.z.get(userId);
    if (!z) key.z.set(userId, (z = sm2Z(publicKeyHex, userId)));
    const e = createHash('sm3').update(z).update(message).digest();
    const ok = sm2.doVerifySignature(new Uint8Array(e), signatureRsHex, key.point, { hash: false, der: false });
    if (results.size >= MAX_RESULTS) results.delete(results.keys().next().value!);
    results.set(memo, ok);
    return ok;
  } catch {
    return false;
  }
}

/** An SM2 signature as raw r ‖ s hex: 64 raw bytes as they are, or DER `SEQUENCE { INTEGER r, INTEGER s }`; undefined if neither. */
export function signatureRsHex(sig: Uint8Array): string | undefined {
  if (sig.length === 64) return Buffer.from(sig).toString('hex');
  const b = Buffer.from(sig);
  let i = 0;
  const len = (): number | undefined => {
    const first = b[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n < 1 || n > 2) return undefined;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const x = b[i++];
      if (x === undefined) return undefined;
      v = (v << 8) | x;
    }
    return v;
  };
  if (b[i++] !== 0x30) return undefined;
  const total = len();
  if (total === undefined || i + total !== b.length) return undefined;
  const int = (): string | undefined => {
    if (b[i++] !== 0x02) return undefined;
    const l = len();
    if (l === undefined || l < 1 || i + l > b.length) return undefined;
    let v = b.subarray(i, i + l);
    i += l;
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    return v.length > 32 ? undefined : v.toString('hex').padStart(64, '0');
  };
  const r = int();
  const s = int();
  return r && s && i === b.length ? r + s : undefined;
}
