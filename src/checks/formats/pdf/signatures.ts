/**
 * PDF signature verifier: finds every signature dictionary (/ByteRange + /Contents; /Type /Sig or /DocTimeStamp) in
 * the raw file, hashes the ByteRange by streaming the file, verifies the CMS (see cms.ts), and decides
 *   - coverage: the ByteRange starts at 0, its one gap is exactly the /Contents hex string, and it ends at the end of a
 *     revision (an incremental update's %%EOF) → 'whole-file' (last revision) or 'whole-revision'; otherwise 'gap' or
 *     'invalid';
 *   - modifiedAfter: a conservative diff of every later incremental update against the signed revision.
 *
 * Diff rules (what counts as 'incremental-allowed'): new objects of any kind; the catalog changing only /AcroForm,
 * /DSS, /Extensions, /Metadata, /Perms, /Version; the AcroForm changing only /Fields (additions), /SigFlags, /DA, /DR,
 * /NeedAppearances; pages changing only /Annots (additions); form fields/widgets changing /V (a signature field only
 * when it had no value), /AP, /AS, /MK, /Kids (additions), /Lock, /SV; the Info dictionary; XMP metadata streams;
 * an existing appearance stream replaced only when nothing but that widget's /AP refers to it, and a widget's /AP
 * replaced only when its old appearance objects are not shared with anything else (the trailer included).
 * Everything else, freed objects, and a new /Root or /Encrypt → 'incremental-suspicious'.
 *
 * Caught from pyHanko's corpus: form-update-override-appearance-stream-sneaky (stream shared with a catalog key),
 * form-update-ap-indirect-sneaky-trailer (old /AP dictionary shared with a trailer key).
 * NOT caught / not done: DocMDP/FieldMDP permission levels (a change allowed by our rules may still be forbidden by a
 * certification signature's /P 1), field locking (/Lock), annotation changes other than widgets are treated as
 * suspicious rather than "annotation-level" allowed, content-stream semantics ("what the page looks like"), object
 * streams that were themselves rewritten (reported 'unknown'), encrypted documents' object streams, and certificate
 * trust/revocation (trust is always 'unknown' here).
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FormatProblem } from '../model.ts';
import { CosDocument, PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject, type XrefEntry } from './cos.ts';
import { digestBuffer, parseCms, readTstInfo, verifySignerInfo, verifyTimestampToken } from './cms.ts';
import type { PdfModifiedAfter, PdfSignature, PdfSignatureCoverage } from './types.ts';

const problem = (code: string, severity: 'error' | 'warning', en: string, zh: string): FormatProblem => ({ code, severity, message: { en, zh } });

type FoundSig = { num: number; gen: number; offset: number; dict: PdfDict };

/** Scans the raw file for /ByteRange and parses the enclosing indirect objects. */
function findSignatureDicts(doc: CosDocument): FoundSig[] {
  const hits: number[] = [];
  const chunk = 1 << 20;
  const needle = '/ByteRange';
  doc.src.scan(chunk, needle.length, (buf, pos) => {
    let i = -1;
    while ((i = buf.indexOf(needle, i + 1, 'latin1')) >= 0) if (i < chunk) hits.push(pos + i);
    return hits.length <= 1000;
  });
  const byObj = new Map<string, FoundSig>();
  for (const h of hits) {
    const back = Math.min(h, 256 * 1024);
    const s = doc.src.read(h - back, back).toString('latin1');
    const re = /(\d+)\s+(\d+)\s+obj\b/g;
    let m: RegExpExecArray | null;
    let last: RegExpExecArray | null = null;
    while ((m = re.exec(s))) last = m;
    if (!last) continue;
    const offset = h - back + last.index;
    let parsed: ReturnType<CosDocument['parseIndirectAt']> = null;
    try {
      parsed = doc.parseIndirectAt(offset);
    } catch {
      continue;
    }
    if (!parsed) continue;
    for (const d of sigDictsIn(parsed.value, 0)) {
      const key = `${parsed.num}/${d.get('ByteRange') instanceof Array ? JSON.stringify(d.get('ByteRange')) : ''}`;
      byObj.set(key, { num: parsed.num, gen: parsed.gen, offset, dict: d });
    }
  }
  // keep only the live version of each object number (an older revision's copy may have been replaced)
  const out: FoundSig[] = [];
  const byNum = new Map<number, FoundSig[]>();
  for (const f of byObj.values()) byNum.set(f.num, [...(byNum.get(f.num) ?? []), f]);
  for (const [num, list] of byNum) {
    const e = doc.xref.get(num);
    const live = e && e.type === 'n' ? list.find((f) => f.offset === e.offset) : undefined;
    if (live) out.push(live);
    else out.push(...list);
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function sigDictsIn(o: PdfObject, depth: number): PdfDict[] {
  if (depth > 6) return [];
  if (o instanceof PdfStream) return [];
  if (o instanceof PdfDict) {
    if (o.has('ByteRange') && o.has('Contents')) return [o];
    const out: PdfDict[] = [];
    for (const v of o.map.values()) out.push(...sigDictsIn(v, depth + 1));
    return out;
  }
  if (Array.isArray(o)) return o.flatMap((v) => sigDictsIn(v, depth + 1));
  return [];
}

/** Fully qualified field names of signature values: sig object number → "Parent.Child". */
function fieldNames(doc: CosDocument): Map<number, string> {
  const out = new Map<number, string>();
  try {
    const root = doc.dict(doc.trailer.get('Root'));
    const af = doc.dict(root?.get('AcroForm'));
    const fields = doc.resolve(af?.get('Fields'));
    if (!Array.isArray(fields)) return out;
    const seen = new Set<number>();
    const walk = (ref: PdfObject, prefix: string, depth: number): void => {
      if (depth > 20) return;
      if (ref instanceof PdfRef) {
        if (seen.has(ref.num)) return;
        seen.add(ref.num);
      }
      const f = doc.dict(ref);
      if (!f) return;
      const t = doc.resolve(f.get('T'));
      const name = t instanceof PdfString ? (prefix ? `${prefix}.${t.text()}` : t.text()) : prefix;
      const v = f.get('V');
      if (v instanceof PdfRef) out.set(v.num, name);
      const kids = doc.resolve(f.get('Kids'));
      if (Array.isArray(kids)) for (const k of kids.slice(0, 10000)) walk(k, name, depth + 1);
    };
    for (const f of fields.slice(0, 10000)) walk(f, '', 0);
  } catch {
    /* names are optional */
  }
  return out;
}

/** Streams the given [start, length] ranges of the file through one hash per algorithm. */
export async function hashRanges(path: string, ranges: [number, number][], algs: string[]): Promise<Map<string, Buffer>> {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  for (const [start, len] of ranges) {
    if (len <= 0) continue;
    await new Promise<void>((resolve, reject) => {
      const rs = createReadStream(path, { start, end: start + len - 1, highWaterMark: 1 << 20 });
      rs.on('data', (c) => {
        for (const [, h] of hashes) h.update(c as Buffer);
      });
      rs.on('error', reject);
      rs.on('end', () => resolve());
    });
  }
  return new Map(hashes.map(([a, h]) => [a, h.digest()]));
}

const pdfDateToIso = (s: string): string | undefined => {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+-])?\s*(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
  const off = !tz || tz === 'Z' || tz === 'z' ? 'Z' : `${tz}${th}:${tm}`;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${se}${off}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};
export { pdfDateToIso };

type Ctx = { doc: CosDocument; path: string };

export async function verifyPdfSignatures(path: string, opened?: CosDocument): Promise<PdfSignature[]> {
  let doc: CosDocument | undefined = opened;
  try {
    if (!doc) {
      doc = new CosDocument(path);
      doc.load();
    }
    const found = findSignatureDicts(doc);
    if (!found.length) return [];
    const names = fieldNames(doc);
    const out: PdfSignature[] = [];
    for (const f of found) out.push(await verifyOne({ doc, path }, f, names.get(f.num)));
    return out;
  } catch (e) {
    return [
      {
        kind: 'sig', subFilter: '', byteRange: [], coverage: 'invalid', revision: -1, laterRevisions: 0, digestOk: false, signatureOk: false,
        intact: false, modifiedAfter: 'unknown', trust: 'unknown',
        problems: [problem('pdf-sig-unreadable', 'error', `signatures could not be read: ${(e as Error).message}`, '签名无法读取')],
      },
    ];
  } finally {
    if (!opened) doc?.close();
  }
}

async function verifyOne(ctx: Ctx, f: FoundSig, field: string | undefined): Promise<PdfSignature> {
  const { doc } = ctx;
  const problems: FormatProblem[] = [];
  const d = f.dict;
  const type = d.name('Type');
  const subFilter = d.name('SubFilter') ?? '';
  const kind: PdfSignature['kind'] = type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161' ? 'doc-timestamp' : 'sig';
  const brRaw = doc.resolve(d.get('ByteRange'));
  const byteRange = Array.isArray(brRaw) ? brRaw.map((x) => (typeof x === 'number' ? x : NaN)) : [];
  const contents = d.get('Contents');
  const sig: PdfSignature = {
    kind, subFilter, byteRange: byteRange.map((x) => (Number.isFinite(x) ? x : -1)), coverage: 'invalid', revision: -1, laterRevisions: 0,
    digestOk: false, signatureOk: false, intact: false, modifiedAfter: 'unknown', trust: 'unknown', problems,
  };
  if (field && !doc.trailer.has('Encrypt')) sig.field = field;
  const encrypted = doc.trailer.has('Encrypt');
  const str = (k: string): string | undefined => {
    if (encrypted) return undefined; // strings other than /Contents are encrypted
    const v = doc.resolve(d.get(k));
    return v instanceof PdfString ? v.text() : undefined;
  };
  const reason = str('Reason');
  if (reason) sig.reason = reason;
  const location = str('Location');
  if (location) sig.location = location;
  const m = str('M');
  if (m && pdfDateToIso(m)) sig.signingTime = pdfDateToIso(m);

  // ---- coverage
  const size = doc.src.size;
  const brValid =
    byteRange.length >= 2 && byteRange.length % 2 === 0 && byteRange.every((x) => Number.isInteger(x) && x >= 0) &&
    byteRange.every((_, i) => i % 2 === 1 || byteRange[i]! + byteRange[i + 1]! <= size);
  const ranges: [number, number][] = [];
  if (brValid) for (let i = 0; i < byteRange.length; i += 2) ranges.push([byteRange[i]!, byteRange[i + 1]!]);
  const cbytes = contents instanceof PdfString ? contents.bytes : null;
  const placeholder = !brValid && Array.isArray(brRaw) && brRaw.some((x) => x instanceof PdfName);
  if (placeholder || (cbytes && cbytes.every((b) => b === 0))) {
    problems.push(problem('pdf-sig-placeholder', 'error', 'unfilled signature placeholder: the field is not signed', '签名占位符未填写：该字段没有签名'));
  }
  if (!brValid) {
    if (!placeholder) problems.push(problem('pdf-sig-byterange-invalid', 'error', `ByteRange ${JSON.stringify(byteRange)} is not usable`, '签名的 ByteRange 无效'));
  } else {
    sig.coverage = coverage(doc, ranges, contents instanceof PdfString ? contents : null, sig, problems);
  }
  if (!cbytes || !brValid || cbytes.every((b) => b === 0)) return finish(sig);

  // ---- CMS
  let cms: ReturnType<typeof parseCms>;
  try {
    cms = parseCms(cbytes);
  } catch (e) {
    problems.push(problem('pdf-sig-cms-invalid', 'error', `signature /Contents is not a readable CMS SignedData: ${(e as Error).message}`, '签名内容不是可解析的 CMS SignedData'));
    return finish(sig);
  }
  sig.digestAlgorithm = cms.digestName ?? cms.digestOid;

  if (kind === 'doc-timestamp') {
    const tst = readTstInfo(cms);
    const hashName = tst?.hashName ?? 'sha256';
    const h = await hashRanges(ctx.path, ranges, [hashName]);
    const r = verifyTimestampToken(cbytes, (alg) => (alg === hashName ? (h.get(alg) ?? null) : null));
    sig.digestAlgorithm = r.digestAlgorithm ?? hashName;
    sig.digestOk = r.imprintOk;
    sig.signatureOk = r.signatureOk;
    if (r.tsa) sig.signer = r.tsa;
    sig.signatureAlgorithm = r.tsa?.keyAlgorithm;
    sig.timestamp = { imprintOk: r.imprintOk, signatureOk: r.signatureOk, ...(r.time ? { time: r.time } : {}), ...(r.tsa ? { tsa: r.tsa } : {}), ...(r.digestAlgorithm ? { digestAlgorithm: r.digestAlgorithm } : {}) };
    if (r.time) sig.signingTime = r.time;
    problems.push(...r.problems);
    return finish(sig);
  }

  const hashName = cms.digestName;
  if (!hashName) {
    problems.push(problem('pdf-sig-digest-unsupported', 'error', `digest algorithm ${cms.digestOid} is not supported`, `不支持的摘要算法 ${cms.digestOid}`));
    return finish(sig);
  }
  const algs = [...new Set([hashName, 'sha1'])];
  const h = await hashRanges(ctx.path, ranges, algs);
  let contentDigest = h.get(hashName)!;
  if (subFilter === 'adbe.pkcs7.sha1') {
    // the encapsulated content is the SHA-1 of the ByteRange; the CMS signs that content
    const ec = cms.eContent;
    if (!ec || !ec.equals(h.get('sha1')!)) problems.push(problem('pdf-sig-digest-mismatch', 'error', 'the SHA-1 in the CMS content does not match the signed bytes', '签名内容中的 SHA-1 与文件不符'));
    const inner = verifySignerInfo(cms, digestBuffer(hashName, ec ?? Buffer.alloc(0)));
    applyCms(sig, inner);
    sig.digestOk = sig.digestOk && !!ec && ec.equals(h.get('sha1')!);
  } else {
    if (cms.eContent !== undefined) {
      problems.push(problem('pdf-sig-econtent', 'error', `${subFilter || 'detached'} signature carries encapsulated content: not a valid detached signature`, '分离式签名中含有封装内容：签名结构无效'));
    }
    if (subFilter && !['adbe.pkcs7.detached', 'ETSI.CAdES.detached'].includes(subFilter))
      problems.push(problem('pdf-sig-subfilter', 'warning', `unusual /SubFilter ${subFilter}`, `不常见的 /SubFilter ${subFilter}`));
    const inner = verifySignerInfo(cms, contentDigest);
    applyCms(sig, inner);
    if (cms.eContent !== undefined) sig.signatureOk = false; // structure invalid for a detached SubFilter (pyHanko rejects it too)
  }
  // signature timestamp token: its imprint is over the signature value
  const tokenAttr = verifySignerInfo(cms, contentDigest).timestampToken;
  if (tokenAttr) {
    const sigValue = Buffer.from(new Uint8Array(cms.signer.signature.valueBlock.valueHexView));
    const r = verifyTimestampToken(tokenAttr, (alg) => digestBuffer(alg, sigValue));
    sig.timestamp = { imprintOk: r.imprintOk, signatureOk: r.signatureOk, ...(r.time ? { time: r.time } : {}), ...(r.tsa ? { tsa: r.tsa } : {}), ...(r.digestAlgorithm ? { digestAlgorithm: r.digestAlgorithm } : {}) };
    for (const p of r.problems) problems.push({ ...p, severity: 'warning' });
  }
  return finish(sig);

  function finish(s: PdfSignature): PdfSignature {
    if (s.revision >= 0) s.modifiedAfter = s.laterRevisions === 0 ? 'none' : diffAfter(doc, s.revision, problems);
    s.intact = s.digestOk && s.signatureOk && (s.coverage === 'whole-file' || s.coverage === 'whole-revision');
    if (s.modifiedAfter === 'incremental-suspicious')
      problems.push(problem('pdf-sig-modified-after', 'error', 'the document was changed after signing in a way that is not a form-filling or signing update', '签名后文档被修改（非填表/追加签名类更新）'));
    return s;
  }
}

function applyCms(sig: PdfSignature, r: ReturnType<typeof verifySignerInfo>): void {
  sig.digestOk = r.digestOk;
  sig.signatureOk = r.signatureOk;
  if (r.signatureAlgorithm) sig.signatureAlgorithm = r.signatureAlgorithm;
  if (r.signer) sig.signer = r.signer;
  if (r.signingTime) sig.signingTime = r.signingTime;
  sig.problems.push(...r.problems);
}

function coverage(doc: CosDocument, ranges: [number, number][], contents: PdfString | null, sig: PdfSignature, problems: FormatProblem[]): PdfSignatureCoverage {
  const revs = doc.revisions;
  const last = ranges[ranges.length - 1]!;
  const end = last[0] + last[1];
  // which revision does it end?
  const ri = revs.findIndex((r) => end === r.end || end === r.eofAt + 5 || (end > r.eofAt + 5 && end <= r.end));
  if (ri >= 0) {
    sig.revision = ri;
    sig.laterRevisions = revs.length - 1 - ri;
  } else {
    const next = revs.findIndex((r) => r.end >= end);
    sig.revision = next;
    sig.laterRevisions = next >= 0 ? revs.length - 1 - next : 0;
  }
  if (ranges[0]![0] !== 0) {
    problems.push(problem('pdf-sig-byterange-start', 'error', 'ByteRange does not start at byte 0', 'ByteRange 不是从 0 开始'));
    return 'invalid';
  }
  if (ranges.length !== 2) {
    problems.push(problem('pdf-sig-byterange-shape', 'error', `ByteRange has ${ranges.length} ranges, expected 2`, `ByteRange 含 ${ranges.length} 段，应为 2 段`));
    return ranges.length === 1 ? 'gap' : 'invalid';
  }
  const [a, b] = ranges as [[number, number], [number, number]];
  const gapStart = a[0] + a[1];
  const gapEnd = b[0];
  if (gapEnd < gapStart) {
    problems.push(problem('pdf-sig-byterange-overlap', 'error', 'ByteRange ranges overlap or are out of order', 'ByteRange 区间重叠或顺序错误'));
    return 'invalid';
  }
  let ok = true;
  if (!contents || contents.start !== gapStart || contents.end !== gapEnd) {
    problems.push(problem('pdf-sig-gap', 'error', `the unsigned gap ${gapStart}–${gapEnd} is not exactly the /Contents string${contents ? ` (${contents.start}–${contents.end})` : ''}`, '未签名区间与 /Contents 不一致'));
    ok = false;
  }
  if (ri < 0) {
    problems.push(problem('pdf-sig-tail-uncovered', 'error', `the signed bytes end at ${end}, not at the end of a revision`, `签名覆盖至 ${end}，未到达修订版本末尾`));
    ok = false;
  }
  if (!ok) return 'gap';
  if (sig.laterRevisions > 0) {
    problems.push(problem('pdf-sig-later-revisions', 'warning', `${sig.laterRevisions} incremental update(s) after this signature`, `签名之后有 ${sig.laterRevisions} 次增量更新`));
    return 'whole-revision';
  }
  // bytes after the last %%EOF (other than whitespace) are not covered by anything
  const r = revs[ri]!;
  if (doc.src.size > r.end) {
    const extra = doc.src.read(r.end, Math.min(doc.src.size - r.end, 4096));
    if (!/^[\s\0]*$/.test(extra.toString('latin1')) || doc.src.size - r.end > 4096) {
      problems.push(problem('pdf-sig-trailing-data', 'error', `${doc.src.size - r.end} bytes after the last %%EOF are not signed`, '文件末尾有未签名的附加数据'));
      return 'gap';
    }
  }
  return 'whole-file';
}

// ---------------------------------------------------------------- diff of later revisions

const CATALOG_OK = new Set(['AcroForm', 'DSS', 'Extensions', 'Metadata', 'Perms', 'Version']);
const ACROFORM_OK = new Set(['Fields', 'SigFlags', 'DA', 'DR', 'NeedAppearances']);
const FIELD_OK = new Set(['V', 'AP', 'AS', 'MK', 'Kids', 'Lock', 'SV', 'F']);

function eq(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 30) return false;
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (a instanceof PdfRef && b instanceof PdfRef) return a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfName && b instanceof PdfName) return a.name === b.name;
  if (a instanceof PdfString && b instanceof PdfString) return a.bytes.equals(b.bytes);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i], depth + 1));
  if (a instanceof PdfDict && b instanceof PdfDict) {
    if (a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!eq(v, b.map.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}
function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !eq(a.map.get(k), b.map.get(k)));
}
function refsIn(o: PdfObject | undefined, out: Set<number>, depth = 0): Set<number> {
  if (depth > 40 || o === undefined) return out;
  if (o instanceof PdfRef) out.add(o.num);
  else if (Array.isArray(o)) for (const x of o) refsIn(x, out, depth + 1);
  else if (o instanceof PdfDict) for (const x of o.map.values()) refsIn(x, out, depth + 1);
  else if (o instanceof PdfStream) refsIn(o.dict, out, depth + 1);
  return out;
}
function isSuperset(oldV: PdfObject | undefined, newV: PdfObject | undefined, doc: CosDocument, newMap: Map<number, XrefEntry>, oldMap: Map<number, XrefEntry>): boolean {
  const o = oldV instanceof PdfRef ? doc.getObjectIn(oldMap, oldV.num) : oldV;
  const n = newV instanceof PdfRef ? doc.getObjectIn(newMap, newV.num) : newV;
  if (o === undefined || o === null) return true;
  if (!Array.isArray(o) || !Array.isArray(n)) return false;
  return o.every((x) => n.some((y) => eq(x, y)));
}

/** a Document Security Store (PAdES validation data), which often has no /Type */
const isDss = (d: PdfDict): boolean => ['Certs', 'OCSPs', 'CRLs', 'VRI'].some((k) => d.has(k)) && [...d.map.keys()].every((k) => ['Type', 'Certs', 'OCSPs', 'CRLs', 'VRI', 'TU', 'TS', 'Cert', 'OCSP', 'CRL'].includes(k));

/** Classifies all updates after revision `ri` (see the header comment for the rules). */
function diffAfter(doc: CosDocument, ri: number, problems: FormatProblem[]): PdfModifiedAfter {
  try {
    const rev = doc.revisions[ri];
    if (!rev || !doc.xrefOk) return 'unknown';
    const oldMap = doc.xrefUpTo(rev.end);
    const newMap = doc.xref;
    if (newMap.size > 200_000) return 'unknown';
    const oldTrailer = doc.sections.find((s) => s.offset < rev.end)?.trailer;
    const reasons: string[] = [];
    if (oldTrailer) {
      for (const k of ['Root', 'Encrypt']) if (!eq(oldTrailer.get(k), doc.trailer.get(k))) reasons.push(`trailer /${k} changed`);
    }
    const changed: number[] = [];
    for (const [num, e] of newMap) {
      const o = oldMap.get(num);
      if (!o) continue; // new object
      if (JSON.stringify(o) === JSON.stringify(e)) continue;
      changed.push(num);
    }
    if (!changed.length && !reasons.length) return 'incremental-allowed';
    // referrers (latest revision + trailers) of the objects we need to reason about
    const referrers = (targets: Set<number>, map: Map<number, XrefEntry>, trailer: PdfDict | undefined): Map<number, { from: number; via: string }[]> => {
      const out = new Map<number, { from: number; via: string }[]>();
      const add = (t: number, from: number, via: string): void => {
        out.set(t, [...(out.get(t) ?? []), { from, via }]);
      };
      const visit = (from: number, o: PdfObject | undefined, via: string, depth: number): void => {
        if (depth > 30 || o === undefined) return;
        if (o instanceof PdfRef) {
          if (targets.has(o.num)) add(o.num, from, via);
        } else if (Array.isArray(o)) for (const x of o) visit(from, x, via, depth + 1);
        else if (o instanceof PdfDict) for (const [k, x] of o.map) visit(from, x, depth === 0 ? k : via, depth + 1);
        else if (o instanceof PdfStream) visit(from, o.dict, via, depth);
      };
      if (trailer) visit(-1, trailer, 'trailer', 0);
      for (const num of map.keys()) {
        const obj = map === doc.xref ? doc.getObject(num) : doc.getObjectIn(map, num);
        if (obj instanceof PdfStream) visit(num, obj.dict, '', 0);
        else visit(num, obj, '', 0);
      }
      return out;
    };
    const oldRoot = oldTrailer?.get('Root');
    const oldInfo = oldTrailer?.get('Info');
    const apTargets = new Set<number>();
    const verdicts: { num: number; ok: boolean; why: string }[] = [];
    for (const num of changed) {
      const e = newMap.get(num)!;
      const oldObj = doc.getObjectIn(oldMap, num);
      const newObj = doc.getObject(num);
      if (e.type === 'f') {
        verdicts.push({ num, ok: false, why: `object ${num} deleted` });
        continue;
      }
      if (oldObj === undefined) {
        verdicts.push({ num, ok: true, why: 'was unreadable/free' });
        continue;
      }
      const od = oldObj instanceof PdfStream ? oldObj.dict : oldObj;
      const nd = newObj instanceof PdfStream ? newObj.dict : newObj;
      if (!(od instanceof PdfDict) || !(nd instanceof PdfDict)) {
        verdicts.push({ num, ok: eq(oldObj, newObj), why: `object ${num} (non-dictionary) changed` });
        continue;
      }
      if (!(oldObj instanceof PdfStream) && eq(od, nd)) continue; // rewritten unchanged
      const t = nd.name('Type');
      const keys = changedKeys(od, nd);
      if (oldRoot instanceof PdfRef && oldRoot.num === num) {
        const bad = keys.filter((k) => !CATALOG_OK.has(k));
        verdicts.push({ num, ok: bad.length === 0, why: `catalog keys changed: ${bad.join(', ')}` });
      } else if (oldInfo instanceof PdfRef && oldInfo.num === num) {
        verdicts.push({ num, ok: true, why: 'Info' });
      } else if (t === 'Metadata' || t === 'XRef' || t === 'ObjStm' || t === 'DSS' || t === 'VRI' || isDss(od) || isDss(nd)) {
        verdicts.push({ num, ok: true, why: t ?? 'DSS' });
      } else if (t === 'Page') {
        const bad = keys.filter((k) => k !== 'Annots');
        const annotsOk = !keys.includes('Annots') || isSuperset(od.get('Annots'), nd.get('Annots'), doc, newMap, oldMap);
        verdicts.push({ num, ok: bad.length === 0 && annotsOk, why: `page keys changed: ${keys.join(', ')}` });
      } else if (t === 'Pages' || t === 'Catalog' || t === 'Sig' || t === 'DocTimeStamp' || od.has('ByteRange')) {
        verdicts.push({ num, ok: false, why: `${t ?? 'signature'} object ${num} changed` });
      } else if (od.has('Fields') || od.has('SigFlags')) {
        const bad = keys.filter((k) => !ACROFORM_OK.has(k));
        const fieldsOk = !keys.includes('Fields') || isSuperset(od.get('Fields'), nd.get('Fields'), doc, newMap, oldMap);
        verdicts.push({ num, ok: bad.length === 0 && fieldsOk, why: `AcroForm keys changed: ${keys.join(', ')}` });
      } else if (od.name('Subtype') === 'Widget' || od.has('FT') || od.has('T')) {
        const bad = keys.filter((k) => !FIELD_OK.has(k));
        let ok = bad.length === 0;
        const ft = od.name('FT') ?? nd.name('FT');
        if (keys.includes('V') && ft === 'Sig' && od.get('V') !== undefined && od.get('V') !== null) ok = false;
        if (keys.includes('Kids') && !isSuperset(od.get('Kids'), nd.get('Kids'), doc, newMap, oldMap)) ok = false;
        if (keys.includes('AP')) {
          // the old appearance objects must belong to this widget only
          const oldAp = od.get('AP');
          const ids = new Set<number>();
          if (oldAp instanceof PdfRef) ids.add(oldAp.num);
          const apd = doc.getObjectIn(oldMap, oldAp instanceof PdfRef ? oldAp.num : -1) ?? oldAp;
          refsIn(apd instanceof PdfDict ? apd : undefined, ids);
          for (const i of ids) apTargets.add(i);
          verdicts.push({ num, ok, why: `field keys changed: ${keys.join(', ')}` });
          continue;
        }
        verdicts.push({ num, ok, why: `field keys changed: ${keys.join(', ')}` });
      } else if (oldObj instanceof PdfStream && (nd.name('Subtype') === 'Form' || od.name('Subtype') === 'Form')) {
        apTargets.add(num);
        verdicts.push({ num, ok: true, why: 'appearance stream (checked below)' });
      } else if (t === 'FontDescriptor' || t === 'Font' || t === 'Encoding') {
        verdicts.push({ num, ok: false, why: `${t} ${num} changed` });
      } else {
        verdicts.push({ num, ok: false, why: `object ${num} (${t ?? 'untyped'}) changed: ${keys.join(', ') || 'stream data'}` });
      }
    }
    // appearance objects replaced or overridden: only the widget's /AP may refer to them (old and new revision)
    if (apTargets.size) {
      const oldRefs = referrers(apTargets, oldMap, oldTrailer);
      const newRefs = referrers(apTargets, newMap, doc.trailer);
      for (const t of apTargets) {
        for (const r of [...(oldRefs.get(t) ?? []), ...(newRefs.get(t) ?? [])]) {
          if (r.via === 'AP' || r.via === 'N' || r.via === 'D' || r.via === 'R') continue; // widget /AP or the AP dictionary itself
          if (apTargets.has(r.from)) continue;
          reasons.push(`appearance object ${t} is also used by ${r.from < 0 ? 'the trailer' : `object ${r.from}`} (/${r.via})`);
        }
      }
    }
    for (const v of verdicts) if (!v.ok) reasons.push(v.why);
    if (reasons.length) {
      problems.push(problem('pdf-sig-diff', 'warning', `changes after signing: ${[...new Set(reasons)].slice(0, 8).join('; ')}`, '签名后的修改：' + [...new Set(reasons)].slice(0, 8).join('；')));
      return 'incremental-suspicious';
    }
    return 'incremental-allowed';
  } catch (e) {
    problems.push(problem('pdf-sig-diff-failed', 'warning', `changes after signing could not be analysed: ${(e as Error).message}`, '无法分析签名后的修改'));
    return 'unknown';
  }
}

