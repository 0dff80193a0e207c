/**
 * `Type="Sign"` OFD signatures: SignedValue.dat as a GB/T 35275 SM2 SignedData (ContentInfo with OID
 * 1.2.156.10197.6.1.4.2.2; the PKCS#7 OID 1.2.840.113549.1.7.2 is read the same way), over the bytes of
 * Signature.xml. Both shapes met in the corpus are handled:
 *  - detached content with authenticated attributes: messageDigest = SM3(Signature.xml), the SM2 signature
 *    covers the DER of the attributes (the [0] IMPLICIT tag read as SET, as CMS prescribes);
 *  - attached content = SM3(Signature.xml) (or Signature.xml itself), no attributes: the SM2 signature covers
 *    the content.
 * A bare SM2 signature (ofdrw's DigitalSign: no certificate in the file) cannot be verified here.
 * Does not: verify more than the first SignerInfo, countersignatures, CRLs, or any certificate chain.
 */
import { createHash } from 'node:crypto';
import { bytes, children, content, type Der, DerError, isUniversal, octets, oid, parseDer, seq, TAG, time } from './der.ts';
import { OID, parseCertificate, type ParsedCert, signatureRS, verifySm2 } from './sm2.ts';

export type CmsResult = {
  format: 'gbt35275-signeddata' | 'pkcs7-signeddata' | 'raw-sm2';
  signer?: ParsedCert;
  /** content / messageDigest matches Signature.xml; undefined when the SignedData carries neither */
  dataHashOk?: boolean;
  /** undefined when it could not be attempted (no certificate) */
  signatureOk?: boolean;
  encoding?: 'der' | 'raw';
  signingTime?: string;
  digestAlg?: string;
  signatureAlg?: string;
  problem?: 'no-certificate' | 'digest-algorithm' | 'signature-algorithm';
};

const SM3_OIDS = new Set([OID.sm3, '1.2.156.10197.1.401.1']);
const SM2_SIG_OIDS = new Set([OID.sm3WithSm2, OID.sm2, '1.2.156.10197.1.301.1', '1.2.156.10197.501']);

const sm3 = (b: Uint8Array) => createHash('sm3').update(b).digest();
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Verifies SignedValue.dat of a Type="Sign" signature against the bytes of its Signature.xml. Throws DerError when unreadable. */
export function verifySignedData(signedValue: Uint8Array, signatureXml: Uint8Array): CmsResult {
  // a bare signature: DER SEQUENCE { r, s } or 64 raw bytes
  if (signedValue.length <= 80 && signatureRS(signedValue)) return { format: 'raw-sm2', problem: 'no-certificate' };
  const ci = seq(parseDer(signedValue), 'ContentInfo');
  const type = oid(ci[0], 'ContentInfo.contentType');
  if (type !== OID.gbSignedData && type !== OID.pkcs7SignedData) throw new DerError(`ContentInfo type ${type} is not signedData`);
  const format = type === OID.gbSignedData ? 'gbt35275-signeddata' : 'pkcs7-signeddata';
  const wrapper = ci[1];
  if (!wrapper || wrapper.cls !== 2 || wrapper.tag !== 0) throw new DerError('ContentInfo: missing [0] content');
  const sd = seq(children(wrapper)[0], 'SignedData');
  let i = 1; // skip version
  i++; // digestAlgorithms
  const encap = seq(sd[i++], 'SignedData.contentInfo');
  let attached: Uint8Array | undefined;
  if (encap[1] && encap[1].cls === 2 && encap[1].tag === 0) {
    const inner = children(encap[1])[0];
    if (inner && isUniversal(inner, TAG.OCTET_STRING)) attached = octets(inner);
  }
  const certs: ParsedCert[] = [];
  let node = sd[i];
  if (node && node.cls === 2 && node.tag === 0) {
    for (const c of children(node)) {
      const p = parseCertificate(bytes(c));
      if (p) certs.push(p);
    }
    node = sd[++i];
  }
  if (node && node.cls === 2 && node.tag === 1) node = sd[++i];
  if (!node || !isUniversal(node, TAG.SET)) throw new DerError('SignedData: missing signerInfos');
  const si = seq(children(node)[0], 'SignerInfo');
  // SignerInfo { version, issuerAndSerialNumber, digestAlgorithm, [0] authAttrs?, digestEncryptionAlgorithm, encryptedDigest, [1]? }
  const ias = seq(si[1], 'issuerAndSerialNumber');
  const serialHex = Buffer.from(content(ias[1]!)).toString('hex').replace(/^(00)+(?=.)/, '');
  const digestAlg = oid(seq(si[2], 'digestAlgorithm')[0]);
  let j = 3;
  let attrs: Der | undefined;
  if (si[j] && si[j]!.cls === 2 && si[j]!.tag === 0) attrs = si[j++];
  const signatureAlg = oid(seq(si[j++], 'digestEncryptionAlgorithm')[0]);
  const encryptedDigest = octets(si[j], 'encryptedDigest');

  const signer = certs.find((c) => c.info.serial.replace(/^(00)+(?=.)/, '') === serialHex) ?? certs[0];
  const result: CmsResult = { format, digestAlg, signatureAlg, ...(signer ? { signer } : {}) };
  if (!SM3_OIDS.has(digestAlg)) return { ...result, problem: 'digest-algorithm' };
  if (!SM2_SIG_OIDS.has(signatureAlg)) return { ...result, problem: 'signature-algorithm' };

  const xmlHash = sm3(signatureXml);
  let signed: Uint8Array;
  if (attrs) {
    let md: Uint8Array | undefined;
    for (const a of children(attrs)) {
      const [t, vals] = seq(a, 'Attribute');
      const at = oid(t);
      const v = vals ? children(vals)[0] : undefined;
      if (at === OID.messageDigest && v) md = octets(v);
      if (at === OID.signingTime) {
        const st = time(v);
        if (st) result.signingTime = st;
      }
    }
    const target = attached ?? signatureXml;
    result.dataHashOk = md !== undefined && (eq(md, sm3(target)) || (attached !== undefined && eq(attached, xmlHash) && eq(md, sm3(attached))));
    if (attached !== undefined && !eq(attached, xmlHash) && !eq(attached, signatureXml)) result.dataHashOk = false;
    const der = Buffer.from(bytes(attrs));
    der[0] = 0x31; // [0] IMPLICIT SET OF → SET OF
    signed = der;
  } else if (attached !== undefined) {
    result.dataHashOk = eq(attached, xmlHash) || eq(attached, signatureXml);
    signed = attached;
  } else signed = signatureXml;
  if (!signer?.publicKey) return { ...result, problem: 'no-certificate' };
  const v = verifySm2(signed, encryptedDigest, signer.publicKey);
  result.signatureOk = v.ok;
  if (v.encoding) result.encoding = v.encoding;
  return result;
}
