/**
 * SM2 signature verification (GM/T 0003, GM/T 0009) and the certificate facts the OFD verifier reports.
 *
 * Does: verifies SM3withSM2 with the GM/T 0009 default user ID "1234567812345678" only (Z = SM3(ENTL ‖ ID ‖
 * a ‖ b ‖ G ‖ P), e = SM3(Z ‖ M)), through sm-crypto-v2 because Node's crypto ignores the SM2 ID; accepts the
 * signature as DER SEQUENCE { r, s } or as raw 64-byte r ‖ s (one vendor writes raw); checks 1 ≤ r, s < n.
 * Reads the subject, issuer, serial, validity and public key of an X.509 certificate (pkijs).
 * Does not: build or check a certificate chain, revocation (CRL/OCSP), key usage or policies — so the
 * trust of a signer is always reported separately (`Trust`, 'unknown' without a trust list).
 */
import { sm2Verify as sm2VerifyFast } from '../sm2/verify.ts';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertificateInfo } from '../model.ts';
import { DerError, parseDer, seq, toHex, uintBytes } from './der.ts';

export const SM2_DEFAULT_USER_ID = '1234567812345678';
export const OID = {
  sm2: '1.2.156.10197.1.301',
  sm3: '1.2.156.10197.1.401',
  sm3WithSm2: '1.2.156.10197.1.501',
  ecPublicKey: '1.2.840.10045.2.1',
  gbData: '1.2.156.10197.6.1.4.2.1',
  gbSignedData: '1.2.156.10197.6.1.4.2.2',
  pkcs7Data: '1.2.840.113549.1.7.1',
  pkcs7SignedData: '1.2.840.113549.1.7.2',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** SM3withSM2 as written in the wild: the OID, ofdrw's typo'd OID, or a name. */
export function isSm3WithSm2(alg: string): boolean {
  const a = alg.trim();
  return a === OID.sm3WithSm2 || a === '1.2.156.10197.501' || /^sm3[-_ ]?with[-_ ]?sm2$/i.test(a) || /^sm2[-_ ]?with[-_ ]?sm3$/i.test(a) || a === OID.sm2;
}

const N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

/** r ‖ s as 128 hex digits from a DER or raw signature; undefined when it is neither. */
export function signatureRS(sig: Uint8Array): { hex: string; encoding: 'der' | 'raw' } | undefined {
  let r: Uint8Array;
  let s: Uint8Array;
  let encoding: 'der' | 'raw';
  if (sig.length === 64 && sig[0] !== 0x30) {
    r = sig.subarray(0, 32);
    s = sig.subarray(32);
    encoding = 'raw';
  } else {
    try {
      const [dr, ds, extra] = seq(parseDer(sig), 'SM2 signature');
      if (extra) return undefined;
      r = uintBytes(dr);
      s = uintBytes(ds);
      encoding = 'der';
    } catch (e) {
      if (e instanceof DerError && sig.length === 64) {
        r = sig.subarray(0, 32);
        s = sig.subarray(32);
        encoding = 'raw';
      } else return undefined;
    }
  }
  if (r.length > 32 || s.length > 32) return undefined;
  const rh = toHex(r).padStart(64, '0');
  const sh = toHex(s).padStart(64, '0');
  const rv = BigInt(`0x${rh}`);
  const sv = BigInt(`0x${sh}`);
  if (rv < 1n || rv >= N || sv < 1n || sv >= N) return undefined;
  return { hex: rh + sh, encoding };
}

/** An uncompressed SM2 public key (04 ‖ x ‖ y) as hex, from a certificate's SubjectPublicKeyInfo bit string. */
function publicKeyHex(bits: Uint8Array): string | undefined {
  if (bits.length === 65 && bits[0] === 0x04) return toHex(bits);
  if (bits.length === 64) return `04${toHex(bits)}`;
  return undefined;
}

/**
 * Verifies an SM2 signature over `message` with the default user ID. `false` also for a signature that
 * cannot be decoded or a key that is not an SM2 point.
 */
export function verifySm2(message: Uint8Array, signature: Uint8Array, publicKey: string): { ok: boolean; encoding?: 'der' | 'raw' } {
  const rs = signatureRS(signature);
  if (!rs) return { ok: false };
  try {
    return { ok: sm2VerifyFast(message, rs.hex, publicKey, SM2_DEFAULT_USER_ID), encoding: rs.encoding };
  } catch {
    return { ok: false, encoding: rs.encoding };
  }
}

const RDN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.9': 'STREET', '2.5.4.12': 'T', '2.5.4.42': 'GN', '2.5.4.4': 'SN', '2.5.4.45': 'UID', '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E', '2.5.4.97': 'ORGID',
};

/** Vendors put UTF-8 bytes in IA5/Printable strings, which decode as Latin-1: recover the text when it is valid UTF-8. */
function utf8InLatin1(s: string): string {
  if (!/[\u0080-\u00ff]/.test(s) || /[^\u0000-\u00ff]/.test(s)) return s;
  const t = Buffer.from(s, 'latin1').toString('utf8');
  return t.includes('\uFFFD') ? s : t;
}

function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const key = RDN_NAMES[tv.type] ?? tv.type;
      const v = tv.value as { valueBlock?: { value?: unknown } };
      const value = typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : '';
      return `${key}=${utf8InLatin1(value)}`;
    })
    .join(', ');
}

export type ParsedCert = { info: CertificateInfo; publicKey?: string; der: Uint8Array };

/** Parses an X.509 certificate; undefined when the bytes are not one. */
export function parseCertificate(der: Uint8Array): ParsedCert | undefined {
  try {
    parseDer(der); // pkijs tolerates trailing garbage; we do not
    const cert = pkijs.Certificate.fromBER(Uint8Array.from(der));
    const spki = cert.subjectPublicKeyInfo;
    const alg = spki.algorithm.algorithmId;
    const params: unknown = spki.algorithm.algorithmParams;
    const curve = params instanceof asn1js.ObjectIdentifier ? params.getValue() : '';
    const keyAlgorithm = alg === OID.ecPublicKey ? (curve === OID.sm2 ? 'sm2' : 'ecdsa') : alg === '1.2.840.113549.1.1.1' ? 'rsa' : alg;
    const publicKey = publicKeyHex(new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView));
    const info: CertificateInfo = {
      subject: nameText(cert.subject),
      issuer: nameText(cert.issuer),
      serial: toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)),
      notBefore: cert.notBefore.value.toISOString(),
      notAfter: cert.notAfter.value.toISOString(),
      keyAlgorithm,
    };
    return { info, ...(publicKey ? { publicKey } : {}), der };
  } catch {
    return undefined;
  }
}
