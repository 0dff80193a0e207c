/**
 * SES electronic-seal structures: GM/T 0031-2014 ("v1"), GB/T 38540-2020 ("v4") and its successor header
 * version 5 ("v5"), read from the DER of `SignedValue.dat` (SES_Signature) and `Seal.esl` (SESeal).
 * Version sniffing as in standards §9.1: SESeal with 2 elements → v1, 4 → v4 (v5 when header.version = 5).
 *
 * Does: parse, and verify (a) the signer's SM2 signature over the exact DER bytes of TBS_Sign, (b) the seal
 * maker's SM2 signature over the exact DER bytes of SES_SealInfo (what every corpus vendor signs), (c) the
 * validity window of the seal. Does not: verify the timestamp token (`timeStamp`), check that the signer
 * certificate appears in the seal's certList, or check any certificate chain (→ trust 'unknown').
 */
import { bitString, bytes, children, type Der, DerError, int, isUniversal, octets, oid, parseDer, seq, str, TAG, time } from './der.ts';

export type SesSeal = {
  version: 'v1' | 'v4' | 'v5';
  der: Uint8Array;
  /** SES_SealInfo, the seal maker's signed data */
  sealInfo: Uint8Array;
  vendorId?: string;
  esId?: string;
  name?: string;
  type?: number;
  validStart?: string;
  validEnd?: string;
  makerCert: Uint8Array;
  makerAlg: string;
  makerSignature: Uint8Array;
  /** certList entries (v4 certListType 1 / v1): DER certificates; v4 type 2: digests */
  certList: { kind: 'cert' | 'digest'; value: Uint8Array; digestAlg?: string }[];
};

export type SesSignature = {
  version: 'v1' | 'v4' | 'v5';
  /** DER of TBS_Sign (signed by the signer) */
  tbs: Uint8Array;
  seal: SesSeal;
  /** DER of the eseal inside TBS_Sign, compared with Seal.esl */
  sealDer: Uint8Array;
  timeInfo?: string;
  dataHash: Uint8Array;
  propertyInfo?: string;
  signerCert: Uint8Array;
  signatureAlg: string;
  signature: Uint8Array;
  hasTimeStamp: boolean;
};

/** Parses an SESeal (v1, v4 or v5). Throws DerError. */
export function parseSeal(d: Der): SesSeal {
  const top = seq(d, 'SESeal');
  const info = seq(top[0], 'SES_SealInfo');
  const header = seq(info[0], 'SES_Header');
  const headerVersion = Number(int(header[1], 'SES_Header.version'));
  let version: SesSeal['version'];
  let makerCert: Uint8Array;
  let makerAlg: string;
  let makerSignature: Uint8Array;
  if (top.length === 2) {
    version = 'v1';
    const signInfo = seq(top[1], 'SES_SignInfo');
    makerCert = octets(signInfo[0], 'SES_SignInfo.cert');
    makerAlg = oid(signInfo[1], 'SES_SignInfo.signatureAlgorithm');
    makerSignature = bitString(signInfo[2], 'SES_SignInfo.signData');
  } else if (top.length >= 4) {
    version = headerVersion >= 5 || top.length >= 5 ? 'v5' : 'v4';
    makerCert = octets(top[1], 'SESeal.cert');
    makerAlg = oid(top[2], 'SESeal.signAlgID');
    makerSignature = bitString(top[3], 'SESeal.signedValue');
  } else throw new DerError(`SESeal has ${top.length} elements (expected 2, 4 or 5)`);
  const prop = seq(info[2], 'SES_ESPropertyInfo');
  const seal: SesSeal = {
    version,
    der: bytes(d),
    sealInfo: bytes(top[0]!),
    vendorId: str(header[2], 'SES_Header.vid'),
    esId: str(info[1], 'esID'),
    makerCert,
    makerAlg,
    makerSignature,
    certList: [],
  };
  seal.type = Number(int(prop[0], 'property.type'));
  seal.name = str(prop[1], 'property.name');
  // v4: type, name, certListType, certList, createDate, validStart, validEnd; v1: type, name, certList, createDate, validStart, validEnd
  const v4Layout = prop.length >= 7 && isUniversal(prop[2]!, TAG.INTEGER);
  const listNode = v4Layout ? prop[3] : prop[2];
  const dates = v4Layout ? prop.slice(4, 7) : prop.slice(3, 6);
  const listType = v4Layout ? Number(int(prop[2], 'certListType')) : 1;
  if (listNode && listNode.constructed) {
    for (const item of children(listNode)) {
      if (isUniversal(item, TAG.OCTET_STRING)) seal.certList.push({ kind: 'cert', value: octets(item) });
      else if (isUniversal(item, TAG.SEQUENCE)) {
        const [t, v] = children(item);
        if (listType === 2 && v && isUniversal(v, TAG.OCTET_STRING)) seal.certList.push({ kind: 'digest', value: octets(v), digestAlg: t ? str(t) : '' });
        else seal.certList.push({ kind: 'cert', value: bytes(item) });
      }
    }
  }
  const start = time(dates[1]);
  const end = time(dates[2]);
  if (start) seal.validStart = start;
  if (end) seal.validEnd = end;
  return seal;
}

/** Parses SignedValue.dat of a Type="Seal" signature as SES_Signature. Throws DerError. */
export function parseSesSignature(buf: Uint8Array): SesSignature {
  const top = seq(parseDer(buf), 'SES_Signature');
  const tbsNode = top[0]!;
  const tbs = seq(tbsNode, 'TBS_Sign');
  const sealNode = expectSeq(tbs[1], 'TBS_Sign.eseal');
  const seal = parseSeal(sealNode);
  if (top.length === 2) {
    // v1: SES_Signature { toSign, signature }; TBS_Sign { version, eseal, timeInfo BIT STRING, dataHash, propertyInfo, cert, signatureAlgorithm }
    const ti = tbs[2];
    let timeInfo: string | undefined;
    if (ti && isUniversal(ti, TAG.BIT_STRING)) {
      const raw = Buffer.from(bitString(ti, 'timeInfo')).toString('latin1');
      timeInfo = parseTimeLoose(raw.trim());
    } else timeInfo = time(ti);
    return {
      version: 'v1',
      tbs: bytes(tbsNode),
      seal,
      sealDer: bytes(sealNode),
      ...(timeInfo ? { timeInfo } : {}),
      dataHash: bitString(tbs[3], 'TBS_Sign.dataHash'),
      propertyInfo: str(tbs[4], 'TBS_Sign.propertyInfo'),
      signerCert: octets(tbs[5], 'TBS_Sign.cert'),
      signatureAlg: oid(tbs[6], 'TBS_Sign.signatureAlgorithm'),
      signature: bitString(top[1], 'SES_Signature.signature'),
      hasTimeStamp: false,
    };
  }
  if (top.length < 4) throw new DerError(`SES_Signature has ${top.length} elements (expected 2, 4 or 5)`);
  const timeInfo = time(tbs[2]);
  return {
    version: seal.version === 'v1' ? 'v4' : seal.version,
    tbs: bytes(tbsNode),
    seal,
    sealDer: bytes(sealNode),
    ...(timeInfo ? { timeInfo } : {}),
    dataHash: bitString(tbs[3], 'TBS_Sign.dataHash'),
    propertyInfo: str(tbs[4], 'TBS_Sign.propertyInfo'),
    signerCert: octets(top[1], 'SES_Signature.cert'),
    signatureAlg: oid(top[2], 'SES_Signature.signatureAlgID'),
    signature: bitString(top[3], 'SES_Signature.signature'),
    hasTimeStamp: top.length >= 5,
  };
}

function expectSeq(d: Der | undefined, what: string): Der {
  if (!d || !isUniversal(d, TAG.SEQUENCE)) throw new DerError(`${what}: expected a SEQUENCE`);
  return d;
}

/** v1 timeInfo is a BIT STRING holding text: "YYYYMMDDhhmmss…", "YYMMDDhhmmssZ" or ISO 8601 ("2020-01-25T07:31:56.377Z"). */
function parseTimeLoose(s: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) {
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?/.exec(s) ?? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?/.exec(s);
  if (!m) return undefined;
  let y = Number(m[1]);
  if (m[1]!.length === 2) y += y < 50 ? 2000 : 1900;
  const ms = Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
