/**
 * Verification of one OFD signature or seal (Signatures.xml → Signature.xml), step by step as in
 * standards §9.2 (after ofdrw's OFDValidator), reporting every step separately:
 *  1. references: each Reference/@FileRef digested with @CheckMethod (SM3, SHA-256, SHA-1, MD5; an
 *     unknown method makes the signature unverifiable, never intact) and compared with CheckValue;
 *  2. seal: Seal.esl bytes = DER of the eseal inside SignedValue (only when a Seal element exists);
 *  3. Type="Seal": dataHash = SM3(bytes of Signature.xml), the signer's SM2 signature over DER(TBS_Sign);
 *     Type="Sign": the GB/T 35275 SignedData over Signature.xml (cms.ts);
 *  4. the seal maker's SM2 signature over SES_SealInfo, and the seal's validity window containing the
 *     signing time.
 * Does not: check certificate chains, revocation or timestamps; decide trust (an injected callback
 * does, else 'unknown'); check that the signer certificate is listed in the seal's certList.
 */
import { createHash } from 'node:crypto';
import type { CertificateInfo, FormatProblem, Trust } from '../model.ts';
import { verifySignedData } from './cms.ts';
import type { Container, HashAlg } from './container.ts';
import { DerError } from './der.ts';
import { dirOf } from './paths.ts';
import { err, warn } from './problems.ts';
import { parseSesSignature, type SesSignature } from './ses.ts';
import { isSm3WithSm2, parseCertificate, verifySm2 } from './sm2.ts';
import type { OfdReference, OfdSignature, OfdSignatureStep } from './types.ts';
import { child, childText, kids, type XNode } from './xml.ts';

const STEPS: OfdSignatureStep[] = ['structure', 'checkMethod', 'references', 'seal', 'dataHash', 'signature', 'sealSignature', 'sealValidity'];

/** CheckMethod → digest; undefined when unknown. GB/T 33190 defaults to MD5 when the attribute is absent. */
export function checkAlgorithm(method: string | undefined): HashAlg | undefined {
  const m = (method ?? 'MD5').trim().toUpperCase().replace(/[-_ ]/g, '');
  if (m === 'SM3' || m === '1.2.156.10197.1.401') return 'sm3';
  if (m === 'SHA256' || m === '2.16.840.1.101.3.4.2.1') return 'sha256';
  if (m === 'SHA1' || m === '1.3.14.3.2.26') return 'sha1';
  if (m === 'MD5' || m === '1.2.840.113549.2.5') return 'md5';
  return undefined;
}

/** What a signature needs from the package before it can be verified: the entries to read and the extra digests. */
export type SignaturePlan = {
  id: string;
  type: 'Seal' | 'Sign';
  baseLoc: string;
  xmlEntry?: string;
  node?: XNode;
  signedValueEntry?: string;
  sealEntry?: string;
  algorithm?: HashAlg;
  refs: { file: string; entry?: string; caseOnly: boolean; checkValue: string }[];
  problems: FormatProblem[];
};

type Lookup = (loc: string, baseDir: string) => { path: string; case: boolean } | undefined;

/** Reads Signature.xml (already parsed) into a plan. */
export function planSignature(id: string, type: 'Seal' | 'Sign', baseLoc: string, xmlEntry: string | undefined, node: XNode | undefined, lookup: Lookup): SignaturePlan {
  const plan: SignaturePlan = { id, type, baseLoc, refs: [], problems: [] };
  if (xmlEntry) plan.xmlEntry = xmlEntry;
  if (!node || !xmlEntry) return plan;
  plan.node = node;
  const dir = dirOf(xmlEntry);
  const info = child(node, 'SignedInfo');
  const refsNode = child(info, 'References');
  const method = refsNode?.attrs['CheckMethod'];
  const alg = checkAlgorithm(method);
  if (alg) plan.algorithm = alg;
  for (const r of kids(refsNode, 'Reference')) {
    const file = r.attrs['FileRef'] ?? '';
    // FileRef is an absolute package path (GB/T 33190 §18.2.2); a relative one is read from the root too
    const hit = lookup(file.startsWith('/') ? file : `/${file}`, '');
    plan.refs.push({ file, ...(hit ? { entry: hit.path } : {}), caseOnly: hit?.case ?? false, checkValue: childText(r, 'CheckValue') ?? '' });
  }
  const sv = childText(node, 'SignedValue');
  const svHit = sv ? lookup(sv, dir) : undefined;
  if (svHit) plan.signedValueEntry = svHit.path;
  const sealLoc = childText(child(info, 'Seal'), 'BaseLoc');
  const sealHit = sealLoc ? lookup(sealLoc, dir) : undefined;
  if (sealHit) plan.sealEntry = sealHit.path;
  return plan;
}

const b64 = (s: string): Buffer | undefined => {
  const t = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  return Buffer.from(t, 'base64');
};

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Runs every step on a planned signature; the container holds the digests and the data it needs. */
export function verifySignature(plan: SignaturePlan, c: Container, trustFn?: (cert: Uint8Array, info: CertificateInfo) => Trust): OfdSignature {
  const problems = [...plan.problems];
  const failed = new Map<OfdSignatureStep, 'failed' | 'unverifiable'>();
  const fail = (step: OfdSignatureStep, how: 'failed' | 'unverifiable', p: FormatProblem) => {
    if (!failed.has(step)) failed.set(step, how);
    problems.push(p);
  };
  const node = plan.node;
  const info = child(node, 'SignedInfo');
  const checkMethod = child(info, 'References')?.attrs['CheckMethod'] ?? '';
  const providerNode = child(info, 'Provider');
  const provider = providerNode?.attrs['ProviderName'] ?? childText(providerNode, 'ProviderName');
  const signatureMethod = childText(info, 'SignatureMethod');
  const signatureDateTime = childText(info, 'SignatureDateTime');
  const out: OfdSignature = {
    id: plan.id,
    type: plan.type,
    baseLoc: plan.xmlEntry ?? plan.baseLoc,
    checkMethod,
    references: [],
    referencesOk: false,
    trust: 'unknown',
    intact: false,
    status: 'unverifiable',
    problems,
  };
  if (provider) out.provider = provider;
  if (signatureMethod) out.signatureMethod = signatureMethod;
  if (signatureDateTime) out.signatureDateTime = signatureDateTime;
  const xmlEntry = plan.xmlEntry ? c.entries.get(plan.xmlEntry) : undefined;
  if (!node || !xmlEntry?.data) {
    fail('structure', 'failed', err('ofd-signature-structure', `签名 ${plan.id}：签名描述文件 ${plan.baseLoc} 缺失或不可读`, `signature ${plan.id}: its description file ${plan.baseLoc} is missing or unreadable`));
    return finish(out, failed);
  }
  const sigXml = xmlEntry.data;
  const where = { zh: `签名 ${plan.id}（${plan.xmlEntry}）`, en: `signature ${plan.id} (${plan.xmlEntry})` };

  // step 1: references
  if (plan.algorithm) out.checkAlgorithm = plan.algorithm;
  else fail('checkMethod', 'unverifiable', err('ofd-checkmethod-unknown', `${where.zh}：未知的摘要算法 CheckMethod="${checkMethod}"，无法校验被保护文件`, `${where.en}: unknown CheckMethod "${checkMethod}", the protected files cannot be checked`));
  if (plan.refs.length === 0) fail('references', 'failed', err('ofd-reference-none', `${where.zh}：没有 Reference，签名不保护任何文件`, `${where.en}: no Reference, the signature protects no file`));
  for (const r of plan.refs) {
    const entry = r.entry ? c.entries.get(r.entry) : undefined;
    if (!entry) {
      out.references.push({ file: r.file, ok: false, missing: true });
      fail('references', 'failed', err('ofd-reference-missing', `${where.zh}：被保护的文件 ${r.file} 不存在`, `${where.en}: the protected file ${r.file} does not exist`));
      continue;
    }
    const ref: OfdReference = { file: r.file, entry: entry.path, ok: false };
    if (plan.algorithm) {
      const expected = b64(r.checkValue);
      const actual = entry.digests[plan.algorithm];
      ref.ok = expected !== undefined && actual !== undefined && eq(expected, actual);
      if (!ref.ok) fail('references', 'failed', err('ofd-reference-mismatch', `${where.zh}：文件 ${r.file} 的摘要与签名时记录的不符（签名后被修改）`, `${where.en}: the digest of ${r.file} differs from the one recorded at signing (changed after signing)`));
      if (r.caseOnly) problems.push(warn('ofd-path-case', `${where.zh}：${r.file} 只在忽略大小写时与 ${entry.path} 匹配`, `${where.en}: ${r.file} matches ${entry.path} only when case is ignored`));
    }
    out.references.push(ref);
  }
  out.referencesOk = plan.algorithm !== undefined && plan.refs.length > 0 && out.references.every((r) => r.ok);
  out.protectsSignatureList = plan.refs.some((r) => /(^|\/)Signatures\.xml$/i.test(r.entry ?? r.file));

  // SignedValue
  const sv = plan.signedValueEntry ? c.entries.get(plan.signedValueEntry)?.data : undefined;
  if (!sv) {
    fail('structure', 'failed', err('ofd-signedvalue-missing', `${where.zh}：签名值文件 SignedValue 缺失`, `${where.en}: the SignedValue file is missing`));
    return finish(out, failed);
  }
  const sealEsl = plan.sealEntry ? c.entries.get(plan.sealEntry)?.data : undefined;
  const sealDeclared = childText(child(info, 'Seal'), 'BaseLoc') !== undefined;
  if (sealDeclared && !sealEsl) fail('seal', 'failed', err('ofd-seal-missing', `${where.zh}：Seal 元素指向的印章文件缺失`, `${where.en}: the seal file named by the Seal element is missing`));
  if (signatureMethod && !isSm3WithSm2(signatureMethod)) problems.push(warn('ofd-signature-algorithm', `${where.zh}：SignatureMethod "${signatureMethod}" 不是 SM3withSM2`, `${where.en}: SignatureMethod "${signatureMethod}" is not SM3withSM2`));

  if (plan.type === 'Seal') {
    let ses: SesSignature;
    try {
      ses = parseSesSignature(sv);
    } catch (e) {
      const m = e instanceof DerError ? e.message : String(e);
      fail('structure', 'failed', err('ofd-signedvalue-malformed', `${where.zh}：签名值不是有效的 SES_Signature：${m}`, `${where.en}: the signed value is not a valid SES_Signature: ${m}`));
      return finish(out, failed);
    }
    out.sesVersion = ses.version;
    // No GM/T 0031 v1 sample has ever verified here (the one in the corpus is a vendor demo with a dummy seal), so
    // a failed cryptographic step of a v1 seal is reported as "could not verify", not as proof of tampering.
    const soft = ses.version === 'v1';
    const hard = (step: OfdSignatureStep, p: FormatProblem) => (soft ? fail(step, 'unverifiable', { ...p, severity: 'warning' }) : fail(step, 'failed', p));
    if (soft) problems.push(warn('ofd-ses-version', `${where.zh}：GM/T 0031-2014（v1）印章：验证方法未经互操作样本确认，失败的步骤按“无法验证”报告`, `${where.en}: a GM/T 0031-2014 (v1) seal: the verification is not confirmed by an interoperable sample, so failed steps are reported as "could not verify"`));
    if (ses.seal.name) out.sealName = ses.seal.name;
    if (ses.seal.esId) out.sealId = ses.seal.esId;
    if (ses.timeInfo) out.signingTime = ses.timeInfo;
    // step 2
    if (sealEsl) {
      out.sealMatches = eq(sealEsl, ses.sealDer);
      if (!out.sealMatches) fail('seal', 'failed', err('ofd-seal-mismatch', `${where.zh}：印章文件与签名值中的印章不一致`, `${where.en}: the seal file differs from the seal inside the signed value`));
    }
    // step 3: dataHash
    const h = createHash('sm3').update(sigXml).digest();
    out.dataHashOk = eq(h, ses.dataHash);
    if (!out.dataHashOk) hard('dataHash', err('ofd-datahash-mismatch', `${where.zh}：dataHash 与 Signature.xml 的 SM3 摘要不符（签名描述被修改）`, `${where.en}: dataHash differs from SM3 of Signature.xml (the signature description was changed)`));
    // step 3: signer's signature
    const signer = parseCertificate(ses.signerCert);
    if (signer) {
      out.signer = signer.info;
      out.trust = trustFn ? trustFn(signer.der, signer.info) : 'unknown';
    }
    if (!isSm3WithSm2(ses.signatureAlg)) fail('signature', 'unverifiable', err('ofd-signature-algorithm', `${where.zh}：不支持的签名算法 ${ses.signatureAlg}`, `${where.en}: unsupported signature algorithm ${ses.signatureAlg}`));
    else if (!signer?.publicKey) fail('signature', 'unverifiable', err('ofd-signer-cert-missing', `${where.zh}：签章者证书缺失或不是 SM2 证书`, `${where.en}: the signer certificate is missing or not an SM2 certificate`));
    else {
      const v = verifySm2(ses.tbs, ses.signature, signer.publicKey);
      out.signatureOk = v.ok;
      if (v.encoding) out.signatureEncoding = v.encoding;
      if (!v.ok) hard('signature', err('ofd-signature-invalid', `${where.zh}：签章者的 SM2 签名验证失败`, `${where.en}: the signer's SM2 signature does not verify`));
    }
    // step 4: seal maker's signature
    const maker = parseCertificate(ses.seal.makerCert);
    if (maker) out.sealMaker = maker.info;
    if (!isSm3WithSm2(ses.seal.makerAlg)) fail('sealSignature', 'unverifiable', err('ofd-signature-algorithm', `${where.zh}：印章的签名算法 ${ses.seal.makerAlg} 不受支持`, `${where.en}: the seal's signature algorithm ${ses.seal.makerAlg} is not supported`));
    else if (!maker?.publicKey) fail('sealSignature', 'unverifiable', err('ofd-signer-cert-missing', `${where.zh}：制章者证书缺失或不是 SM2 证书`, `${where.en}: the seal maker's certificate is missing or not an SM2 certificate`));
    else {
      out.sealSignatureOk = verifySm2(ses.seal.sealInfo, ses.seal.makerSignature, maker.publicKey).ok;
      if (!out.sealSignatureOk) hard('sealSignature', err('ofd-seal-signature-invalid', `${where.zh}：制章者对印章数据的签名验证失败`, `${where.en}: the seal maker's signature over the seal data does not verify`));
    }
    // step 4: validity window
    if (ses.seal.validStart || ses.seal.validEnd) {
      const t = out.signingTime;
      const contains = t !== undefined && (!ses.seal.validStart || t >= ses.seal.validStart) && (!ses.seal.validEnd || t <= ses.seal.validEnd);
      out.sealValidity = { ...(ses.seal.validStart ? { start: ses.seal.validStart } : {}), ...(ses.seal.validEnd ? { end: ses.seal.validEnd } : {}), containsSigningTime: contains };
      if (!contains) hard('sealValidity', err('ofd-seal-expired', `${where.zh}：签章时间 ${t ?? '未知'} 不在印章有效期 ${ses.seal.validStart ?? '?'}～${ses.seal.validEnd ?? '?'} 内`, `${where.en}: the signing time ${t ?? 'unknown'} is outside the seal's validity ${ses.seal.validStart ?? '?'} – ${ses.seal.validEnd ?? '?'}`));
    }
  } else {
    try {
      const r = verifySignedData(sv, sigXml);
      out.signFormat = r.format;
      if (r.signer) {
        out.signer = r.signer.info;
        out.trust = trustFn ? trustFn(r.signer.der, r.signer.info) : 'unknown';
      }
      if (r.signingTime) out.signingTime = r.signingTime;
      if (r.dataHashOk !== undefined) {
        out.dataHashOk = r.dataHashOk;
        if (!r.dataHashOk) fail('dataHash', 'failed', err('ofd-datahash-mismatch', `${where.zh}：签名数据中的摘要与 Signature.xml 不符`, `${where.en}: the digest in the signed data differs from Signature.xml`));
      }
      if (r.signatureOk !== undefined) {
        out.signatureOk = r.signatureOk;
        if (r.encoding) out.signatureEncoding = r.encoding;
        if (!r.signatureOk) fail('signature', 'failed', err('ofd-signature-invalid', `${where.zh}：SM2 签名验证失败`, `${where.en}: the SM2 signature does not verify`));
      } else if (r.problem === 'no-certificate') {
        fail('signature', 'unverifiable', err('ofd-signer-cert-missing', `${where.zh}：签名值中没有签名者证书，无法验证签名（需由外部提供证书）`, `${where.en}: the signed value carries no signer certificate, so the signature cannot be verified (the certificate must come from elsewhere)`));
      } else {
        fail('signature', 'unverifiable', err('ofd-signature-algorithm', `${where.zh}：不支持的算法（摘要 ${r.digestAlg}，签名 ${r.signatureAlg}）`, `${where.en}: unsupported algorithms (digest ${r.digestAlg}, signature ${r.signatureAlg})`));
      }
    } catch (e) {
      const m = e instanceof DerError ? e.message : String(e);
      fail('structure', 'failed', err('ofd-signedvalue-malformed', `${where.zh}：签名值不是有效的 SignedData：${m}`, `${where.en}: the signed value is not a valid SignedData: ${m}`));
    }
  }
  if (!out.signingTime && signatureDateTime) out.signingTime = signatureDateTime;
  return finish(out, failed);
}

function finish(out: OfdSignature, failed: Map<OfdSignatureStep, 'failed' | 'unverifiable'>): OfdSignature {
  const first = STEPS.find((s) => failed.has(s));
  if (first) out.failedStep = first;
  const anyFailed = [...failed.values()].includes('failed');
  out.status = failed.size === 0 ? 'intact' : anyFailed ? 'broken' : 'unverifiable';
  out.intact = out.status === 'intact';
  return out;
}
