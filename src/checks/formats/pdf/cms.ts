/**
 * CMS SignedData (RFC 5652) verification for PDF signatures: parse with pkijs/asn1js, compare the messageDigest
 * attribute (or, without signed attributes, the signature itself) with a digest the caller computes by streaming the
 * file, and verify the signer's signature:
 *   - RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA through Node `crypto.verify`;
 *   - SM2 with SM3 (GM/T 0009 default user ID 1234567812345678) through `sm-crypto-v2`; DER or raw r‖s accepted.
 * Also reads RFC 3161 TSTInfo (document timestamps and signature timestamp tokens).
 *
 * Deliberately NOT done: certificate path building, revocation (OCSP/CRL), trust anchors, ESS signing-certificate
 * attribute matching, attribute certificates. Those are trust questions; here we only answer "do the bytes check out".
 */
import { createHash, createPublicKey, publicDecrypt, verify as cryptoVerify, constants as cryptoConstants, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signatureRsHex, sm2Verify as sm2VerifyFast } from '../sm2/verify.ts';
import type { CertificateInfo, FormatProblem } from '../model.ts';

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  rsa: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  sm2: '1.2.156.10197.1.301',
  sm3: '1.2.156.10197.1.401',
  sm3WithSm2: '1.2.156.10197.1.501',
  gbSignedData: '1.2.156.10197.6.1.4.2.2',
} as const;

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '1.2.840.113549.2.5': 'md5',
  [OID.sm3]: 'sm3',
};
/** signature algorithm OIDs that name a digest too */
const SIG_DIGEST: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  [OID.sm3WithSm2]: 'sm3',
};

export const digestNameFromOid = (oid: string): string | undefined => DIGESTS[oid];

const problem = (code: string, severity: 'error' | 'warning', en: string, zh: string): FormatProblem => ({ code, severity, message: { en, zh } });

/** A copy that owns its memory (asn1js hands out views; `Uint8Array.from(ArrayBuffer)` would be empty). */
const bytes = (v: ArrayBuffer | ArrayBufferView): Buffer =>
  v instanceof ArrayBuffer ? Buffer.from(new Uint8Array(v)) : Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

/** Length of the first DER/BER TLV in `b` (so trailing zero padding in /Contents is ignored); -1 when unreadable. */
export function tlvLength(b: Buffer): number {
  if (b.length < 2) return -1;
  let p = 1;
  const l0 = b[p++]!;
  if (l0 < 0x80) return p + l0;
  if (l0 === 0x80) return b.length; // indefinite: let the parser find the end
  const n = l0 & 0x7f;
  if (n > 4 || p + n > b.length) return -1;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  return p + len;
}

function octets(o: asn1js.OctetString | undefined): Buffer | undefined {
  if (!o) return undefined;
  if (o.idBlock.isConstructed) {
    const parts: Buffer[] = [];
    for (const v of o.valueBlock.value) if (v instanceof asn1js.OctetString) parts.push(octets(v) ?? Buffer.alloc(0));
    return Buffer.concat(parts);
  }
  return bytes(o.valueBlock.valueHexView);
}

const NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER', '1.2.840.113549.1.9.1': 'E', '2.5.4.97': 'organizationIdentifier', '2.5.4.4': 'SN', '2.5.4.42': 'GN',
};
function rdn(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const k = NAMES[tv.type] ?? tv.type;
      const vb = tv.value.valueBlock as { value?: unknown };
      const v = typeof vb.value === 'string' ? vb.value : '';
      return `${k}=${v}`;
    })
    .join(', ');
}

export function keyAlgorithm(cert: pkijs.Certificate): string {
  const spki = cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg === OID.rsa || alg === OID.rsaPss) return 'rsa';
  if (alg === OID.sm2) return 'sm2';
  if (alg === OID.ecPublicKey) {
    const p = spki.algorithm.algorithmParams;
    if (p instanceof asn1js.ObjectIdentifier && p.valueBlock.toString() === OID.sm2) return 'sm2';
    return 'ecdsa';
  }
  if (alg === '1.3.101.112') return 'ed25519';
  return alg;
}

export function certificateInfo(cert: pkijs.Certificate): CertificateInfo {
  return {
    subject: rdn(cert.subject),
    issuer: rdn(cert.issuer),
    serial: bytes(cert.serialNumber.valueBlock.valueHexView).toString('hex'),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    keyAlgorithm: keyAlgorithm(cert),
  };
}

export type ParsedCms = {
  signed: pkijs.SignedData;
  signer: pkijs.SignerInfo;
  cert?: pkijs.Certificate;
  digestName?: string;
  digestOid: string;
  eContentType: string;
  eContent?: Buffer;
};

/** Parses a ContentInfo holding SignedData; throws a plain Error with a readable reason. */
export function parseCms(der: Buffer): ParsedCms {
  const len = tlvLength(der);
  if (len <= 0 || len > der.length) throw new Error('not a DER structure');
  const raw = new Uint8Array(der.subarray(0, len));
  const asn = asn1js.fromBER(raw);
  if (asn.offset === -1) throw new Error(`ASN.1: ${asn.result.error}`);
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  if (ci.contentType !== OID.signedData && ci.contentType !== OID.gbSignedData) throw new Error(`content type ${ci.contentType} is not SignedData`);
  const signed = new pkijs.SignedData({ schema: ci.content });
  const signer = signed.signerInfos[0];
  if (!signer) throw new Error('SignedData has no SignerInfo');
  const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  let cert: pkijs.Certificate | undefined;
  const sid = signer.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    cert = certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  } else if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) {
    // [0] SubjectKeyIdentifier
    const ski = sid instanceof asn1js.Primitive ? bytes(sid.valueBlock.valueHexView) : Buffer.alloc(0);
    cert = certs.find((c) => {
      const ext = c.extensions?.find((e) => e.extnID === '2.5.29.14');
      const v = ext?.parsedValue as asn1js.OctetString | undefined;
      return v ? bytes(v.valueBlock.valueHexView).equals(ski) : false;
    });
  }
  if (!cert && certs.length === 1) cert = certs[0];
  const digestOid = signer.digestAlgorithm.algorithmId;
  return {
    signed,
    signer,
    cert,
    digestName: DIGESTS[digestOid],
    digestOid,
    eContentType: signed.encapContentInfo.eContentType,
    eContent: octets(signed.encapContentInfo.eContent),
  };
}

export type CmsResult = {
  digestOk: boolean;
  signatureOk: boolean;
  signatureAlgorithm?: string;
  signer?: CertificateInfo;
  signingTime?: string;
  /** raw timeStampToken (unsigned attribute), if any */
  timestampToken?: Buffer;
  problems: FormatProblem[];
};

function attr(signer: pkijs.SignerInfo, oid: string, unsigned = false): asn1js.AsnType[] | undefined {
  const set = unsigned ? signer.unsignedAttrs : signer.signedAttrs;
  const a = set?.attributes.find((x) => x.type === oid);
  return a?.values as asn1js.AsnType[] | undefined;
}

/**
 * Verifies SignerInfo 0 of `cms` given `contentDigest` = digest (with the CMS's digest algorithm) of the signed
 * content (the ByteRange bytes for detached signatures; the eContent for encapsulated ones).
 */
export function verifySignerInfo(cms: ParsedCms, contentDigest: Buffer): CmsResult {
  const problems: FormatProblem[] = [];
  const { signer, cert } = cms;
  const res: CmsResult = { digestOk: false, signatureOk: false, problems };
  if (cert) res.signer = certificateInfo(cert);
  else problems.push(problem('pdf-sig-no-certificate', 'error', 'the signer certificate is not in the CMS', 'CMS 中没有签名者证书'));

  let signedData: Buffer;
  if (signer.signedAttrs) {
    const md = attr(signer, OID.messageDigest)?.[0];
    const mdBytes = md instanceof asn1js.OctetString ? bytes(md.valueBlock.valueHexView) : undefined;
    if (!mdBytes) problems.push(problem('pdf-sig-no-message-digest', 'error', 'signed attributes have no messageDigest', '签名属性中缺少 messageDigest'));
    res.digestOk = !!mdBytes && mdBytes.equals(contentDigest);
    const st = attr(signer, OID.signingTime)?.[0];
    if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) res.signingTime = st.toDate().toISOString();
    // the signature covers DER(SET OF Attribute): pkijs keeps the original TLV with its [0] tag already re-tagged as SET
    signedData = bytes(signer.signedAttrs.encodedValue);
    if (signedData[0] !== 0x31) signedData = Buffer.concat([Buffer.from([0x31]), signedData.subarray(1)]);
  } else {
    // no signed attributes: the signature is over the content itself (RFC 5652 §5.4)
    res.digestOk = true; // established by the signature check below
    signedData = Buffer.alloc(0);
  }
  const tst = attr(signer, OID.timeStampToken, true)?.[0];
  if (tst) res.timestampToken = Buffer.from(tst.toBER(false));

  const sigValue = bytes(signer.signature.valueBlock.valueHexView);
  if (cert) {
    const r = verifyRaw(cert, signer.signatureAlgorithm, cms.digestName ?? 'sha256', signer.signedAttrs ? signedData : null, contentDigest, sigValue);
    res.signatureAlgorithm = r.algorithm;
    res.signatureOk = r.ok;
    if (r.error) problems.push(problem('pdf-sig-algorithm', 'error', r.error, `签名算法无法验证：${r.error}`));
    if (!signer.signedAttrs) res.digestOk = r.ok;
  }
  if (!res.digestOk && signer.signedAttrs) problems.push(problem('pdf-sig-digest-mismatch', 'error', 'the signed messageDigest does not match the signed bytes', '签名中的摘要与文件内容不符（签名后被修改）'));
  if (res.digestOk && cert && !res.signatureOk) problems.push(problem('pdf-sig-signature-invalid', 'error', 'the signature value does not verify with the signer certificate', '签名值无法用签名者证书验证'));
  return res;
}

/**
 * Verifies `sig` with the certificate's key. `data` = the signed bytes (signed attributes); when null the signature is
 * over `digest` directly (CMS without signed attributes).
 */
function verifyRaw(
  cert: pkijs.Certificate,
  sigAlg: pkijs.AlgorithmIdentifier,
  digestName: string,
  data: Buffer | null,
  digest: Buffer,
  sig: Buffer,
): { ok: boolean; algorithm: string; error?: string } {
  const keyAlg = keyAlgorithm(cert);
  const spki = Buffer.from(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false)));
  const hash = SIG_DIGEST[sigAlg.algorithmId] ?? digestName;
  try {
    if (keyAlg === 'sm2' || sigAlg.algorithmId === OID.sm3WithSm2 || sigAlg.algorithmId === OID.sm2) {
      const pub = bytes(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).toString('hex');
      if (!data) return { ok: false, algorithm: 'sm2', error: 'SM2 signature without signed attributes is not supported' };
      return { ok: sm2Verify(data, sig, pub), algorithm: 'sm2' };
    }
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    if (keyAlg === 'rsa') {
      if (sigAlg.algorithmId === OID.rsaPss) {
        const { hash: pssHash, salt } = pssParams(sigAlg);
        const ok = data
          ? cryptoVerify(pssHash, data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: salt }, sig)
          : false;
        return { ok, algorithm: 'rsa-pss' };
      }
      if (data) return { ok: cryptoVerify(hash, data, key, sig), algorithm: 'rsa' };
      // no signed attributes: PKCS#1 v1.5 over the content digest — verify(hash, content) needs the content, so
      // recover the DigestInfo instead and compare
      return { ok: rsaDigestInfoMatches(key, sig, digest), algorithm: 'rsa' };
    }
    if (keyAlg === 'ecdsa') {
      const ok = data ? cryptoVerify(hash, data, key, sig) : cryptoVerify(null, digest, { key, dsaEncoding: 'der' }, sig);
      return { ok, algorithm: 'ecdsa' };
    }
    if (keyAlg === 'ed25519') return { ok: data ? cryptoVerify(null, data, key, sig) : false, algorithm: 'ed25519' };
    return { ok: false, algorithm: keyAlg, error: `unsupported key algorithm ${keyAlg}` };
  } catch (e) {
    return { ok: false, algorithm: keyAlg, error: (e as Error).message };
  }
}

function rsaDigestInfoMatches(key: KeyObject, sig: Buffer, digest: Buffer): boolean {
  // RSA "public decrypt" then compare the digest at the end of the DigestInfo (PKCS#1 v1.5 type 1 padding)
  let dec: Buffer;
  try {
    dec = publicDecrypt({ key, padding: cryptoConstants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
  return dec.length >= digest.length && dec.subarray(dec.length - digest.length).equals(digest);
}

function pssParams(alg: pkijs.AlgorithmIdentifier): { hash: string; salt: number } {
  try {
    const p = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
    return { hash: DIGESTS[p.hashAlgorithm.algorithmId] ?? 'sha1', salt: p.saltLength };
  } catch {
    return { hash: 'sha1', salt: 20 };
  }
}

/** SM2 with SM3 and the default user ID; DER or raw r‖s (64 bytes) signatures. */
export function sm2Verify(data: Buffer, sig: Buffer, publicKeyHex: string): boolean {
  const rs = signatureRsHex(sig);
  return rs !== undefined && sm2VerifyFast(data, rs, publicKeyHex);
}

export function digestBuffer(name: string, data: Buffer): Buffer {
  return createHash(name).update(data).digest();
}

export type TstInfo = { hashName?: string; hashOid: string; imprint: Buffer; genTime?: string };

export function readTstInfo(cms: ParsedCms): TstInfo | undefined {
  if (cms.eContentType !== OID.tstInfo || !cms.eContent) return undefined;
  const asn = asn1js.fromBER(new Uint8Array(cms.eContent));
  if (asn.offset === -1) return undefined;
  const tst = new pkijs.TSTInfo({ schema: asn.result });
  const hashOid = tst.messageImprint.hashAlgorithm.algorithmId;
  return {
    hashOid,
    hashName: DIGESTS[hashOid],
    imprint: bytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    genTime: tst.genTime.toISOString(),
  };
}

/** Verifies an RFC 3161 token: its own CMS signature, and that its imprint equals `expected(hashName)`. */
export function verifyTimestampToken(
  der: Buffer,
  expected: (hashName: string) => Buffer | null,
): { imprintOk: boolean; signatureOk: boolean; time?: string; tsa?: CertificateInfo; digestAlgorithm?: string; problems: FormatProblem[] } {
  const problems: FormatProblem[] = [];
  try {
    const cms = parseCms(der);
    const tst = readTstInfo(cms);
    if (!tst || !cms.eContent) {
      problems.push(problem('pdf-tst-invalid', 'error', 'timestamp token has no TSTInfo', '时间戳令牌中没有 TSTInfo'));
      return { imprintOk: false, signatureOk: false, problems };
    }
    const exp = tst.hashName ? expected(tst.hashName) : null;
    const imprintOk = !!exp && exp.equals(tst.imprint);
    const inner = verifySignerInfo(cms, digestBuffer(cms.digestName ?? 'sha256', cms.eContent));
    if (!imprintOk) problems.push(problem('pdf-tst-imprint-mismatch', 'error', 'timestamp messageImprint does not match', '时间戳的消息摘要与内容不符'));
    problems.push(...inner.problems.map((p) => ({ ...p, code: p.code.replace(/^pdf-sig-/, 'pdf-tst-') })));
    return {
      imprintOk,
      signatureOk: inner.digestOk && inner.signatureOk,
      time: tst.genTime,
      tsa: inner.signer,
      digestAlgorithm: tst.hashName,
      problems,
    };
  } catch (e) {
    problems.push(problem('pdf-tst-invalid', 'error', `timestamp token unreadable: ${(e as Error).message}`, '时间戳令牌无法解析'));
    return { imprintOk: false, signatureOk: false, problems };
  }
}
