/**
 * Test-only helpers: a tiny PDF writer (correct xref offsets), a streaming writer for huge PDFs, and an SM2/SM3
 * signer that builds a self-signed SM2 certificate and a CMS SignedData with pkijs + sm-crypto-v2 and injects it into
 * a /Contents placeholder. Not used by production code.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sm2 } from 'sm-crypto-v2';

/** Builds a PDF from object bodies (object i+1 = bodies[i]); the catalog must be object 1. */
export function buildPdf(bodies: (string | Buffer)[], opts: { version?: string; trailerExtra?: string } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from(`%PDF-${opts.version ?? '1.7'}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  let pos = parts[0]!.length;
  const offsets: number[] = [];
  bodies.forEach((b, i) => {
    offsets.push(pos);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof b === 'string' ? Buffer.from(b, 'latin1') : b, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    pos += chunk.length;
  });
  const xref = [`xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ${opts.trailerExtra ?? ''} >>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

export const stream = (dict: string, data: string | Buffer): Buffer => {
  const d = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${d.length} >>\nstream\n`, 'latin1'), d, Buffer.from('\nendstream', 'latin1')]);
};

/** One page with Helvetica text. */
export function textPdf(text = 'Hello archive'): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    stream('', `BT /F1 18 Tf 20 100 Td (${text}) Tj ET`),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

/** One page showing only a small grey image: a "scan" without text. */
export function imagePdf(): Buffer {
  const px = Buffer.alloc(64 * 64, 0x80);
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>',
    stream('', 'q 200 0 0 150 50 25 cm /Im1 Do Q'),
    stream('/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8', px),
  ]);
}

/** JavaScript run on open. */
export function javascriptPdf(): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >>',
    '<< /Type /Action /S /JavaScript /JS (app.alert\\("hi"\\);) >>',
  ]);
}

/** Writes a PDF with one page and an uncompressed grey image of `imageBytes` bytes, streaming (little memory). */
export async function writeHugeImagePdf(path: string, imageBytes: number): Promise<number> {
  const width = 10000;
  const height = Math.floor(imageBytes / width);
  const len = width * height;
  const fh = await open(path, 'w');
  let pos = 0;
  const offsets: number[] = [];
  const w = async (s: string | Buffer): Promise<void> => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    await fh.write(b, 0, b.length, pos);
    pos += b.length;
  };
  try {
    await w('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    const objs = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >> >>',
    ];
    for (const [i, b] of objs.entries()) {
      offsets.push(pos);
      await w(`${i + 1} 0 obj\n${b}\nendobj\n`);
    }
    offsets.push(pos);
    const content = 'BT /F1 12 Tf 20 780 Td (Big scan) Tj ET q 560 0 0 700 20 20 cm /Im1 Do Q';
    await w(`4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`);
    offsets.push(pos);
    await w(`5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${len} >>\nstream\n`);
    const chunk = Buffer.alloc(1 << 20, 0xa0);
    for (let left = len; left > 0; left -= chunk.length) await w(left >= chunk.length ? chunk : chunk.subarray(0, left));
    await w('\nendstream\nendobj\n');
    offsets.push(pos);
    await w('6 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n');
    const xref = pos;
    await w(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
    await w(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  } finally {
    await fh.close();
  }
  return pos;
}

// ---------------------------------------------------------------- SM2 signing

const OIDS = { sm2: '1.2.156.10197.1.301', sm3: '1.2.156.10197.1.401', sm3WithSm2: '1.2.156.10197.1.501', ecPublicKey: '1.2.840.10045.2.1', data: '1.2.840.113549.1.7.1', signedData: '1.2.840.113549.1.7.2' };

const ab = (b: Buffer | Uint8Array): ArrayBuffer => {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
};

export function sm2KeyAndCert(cn = 'SM2 测试签名者'): { privateKey: string; publicKey: string; cert: pkijs.Certificate } {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 4242 });
  const name = (): pkijs.RelativeDistinguishedNames =>
    new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })] });
  cert.issuer = name();
  cert.subject = name();
  cert.notBefore.value = new Date('2024-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2034-01-01T00:00:00Z');
  cert.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.ecPublicKey, algorithmParams: new asn1js.ObjectIdentifier({ value: OIDS.sm2 }) }),
    subjectPublicKey: new asn1js.BitString({ valueHex: ab(Buffer.from(publicKey, 'hex')) }),
  });
  cert.signature = new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.sm3WithSm2 });
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.sm3WithSm2 });
  const tbs = Buffer.from(new Uint8Array(cert.encodeTBS().toBER(false)));
  cert.tbsView = new Uint8Array(tbs);
  const sig = sm2.doSignature(new Uint8Array(tbs), privateKey, { hash: true, der: true });
  cert.signatureValue = new asn1js.BitString({ valueHex: ab(Buffer.from(sig, 'hex')) });
  return { privateKey, publicKey, cert };
}

/** CMS SignedData (detached) with SM3 digest and an SM2 signature over the signed attributes. */
export function sm2Cms(contentDigest: Buffer, key: { privateKey: string; cert: pkijs.Certificate }, opts: { rawSignature?: boolean } = {}): Buffer {
  const attrs = [
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: OIDS.data })] }),
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.5', values: [new asn1js.UTCTime({ valueDate: new Date('2025-06-01T08:00:00Z') })] }),
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: ab(contentDigest) })] }),
  ];
  const toSign = Buffer.from(new Uint8Array(new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false)));
  const sigHex = sm2.doSignature(new Uint8Array(toSign), key.privateKey, { hash: true, der: !opts.rawSignature });
  const signer = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: key.cert.issuer, serialNumber: key.cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.sm3 }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.sm2 }),
    signature: new asn1js.OctetString({ valueHex: ab(Buffer.from(sigHex, 'hex')) }),
  });
  const signed = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.sm3 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OIDS.data }),
    certificates: [key.cert],
    signerInfos: [signer],
  });
  const ci = new pkijs.ContentInfo({ contentType: OIDS.signedData, content: signed.toSchema(true) });
  return Buffer.from(new Uint8Array(ci.toSchema().toBER(false)));
}

const utf16be = (t: string): string => Buffer.from(t, 'utf16le').swap16().toString('hex').toUpperCase();

/** A one-page PDF with an SM2/SM3 adbe.pkcs7.detached signature covering the whole file. */
export function sm2SignedPdf(opts: { rawSignature?: boolean } = {}): Buffer {
  const HEX = 8192;
  const placeholderBR = '/ByteRange [0000000000 0000000000 0000000000 0000000000]';
  const pdf = buildPdf([
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R /Annots [4 0 R] /Resources << /Font << /F1 7 0 R >> >> >>',
    `<< /Type /Annot /Subtype /Widget /FT /Sig /T <FEFF${utf16be('国密签名')}> /Rect [0 0 0 0] /F 132 /P 3 0 R /V 5 0 R >>`,
    `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached ${placeholderBR} /Contents <${'0'.repeat(HEX)}> /M (D:20250601080000Z) >>`,
    stream('', 'BT /F1 14 Tf 20 100 Td (SM2 signed) Tj ET'),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
  const s = pdf.toString('latin1');
  const cStart = s.indexOf('/Contents <' + '0'.repeat(16)) + '/Contents '.length;
  const cEnd = cStart + HEX + 2;
  const br = [0, cStart, cEnd, pdf.length - cEnd];
  const brText = `/ByteRange [${br.map((n) => String(n).padStart(10, '0')).join(' ')}]`;
  const brAt = s.indexOf(placeholderBR);
  pdf.write(brText.padEnd(placeholderBR.length, ' '), brAt, 'latin1');
  const digest = createHash('sm3').update(pdf.subarray(0, cStart)).update(pdf.subarray(cEnd)).digest();
  const { privateKey, cert } = sm2KeyAndCert();
  const cms = sm2Cms(digest, { privateKey, cert }, opts).toString('hex');
  if (cms.length > HEX) throw new Error('placeholder too small');
  pdf.write(cms.padEnd(HEX, '0'), cStart + 1, 'latin1');
  return pdf;
}
