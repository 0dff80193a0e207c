/**
 * E-ARK CSIP/SIP reader: a directory, zip or tar (through openPackage; a zip may hold the IP in one
 * top-level folder). Two streaming passes: the first lists the entries and reads the METS documents,
 * the second hashes every referenced file once (SHA-256/SHA-512 from the reader, MD5/SHA-1/SHA-384
 * only for files whose METS declares them) and checks SIZE and CHECKSUM. Mapping: one volume per
 * representation, one record per file under representations/<rep>/data/ (see docs/foreign-packages.md).
 */
import type { IncomingFile, IncomingPackage, IncomingRecord, IncomingVolume, PackageProblem } from '../model.ts';
import { openPackage, type UnpackLimits } from '../unpack/index.ts';
import { basename, childText, emptyPackage, err, fromUnpack, hashEntry, kid, attr, parseXml, rootOf, normalizeDate, readEntryBytes, warn, type EntryDigests } from './common.ts';
import { CHECKSUM_ALGS, readMets, type MetsDoc, type MetsRef } from './eark-mets.ts';

export type EarkOptions = { limits?: Partial<UnpackLimits> };
const METS_MAX = 32 * 1024 * 1024;
const EAD_MAX = 16 * 1024 * 1024;
const REP_METS = /^representations\/([^/]+)\/METS\.xml$/;
const REP_DATA = /^representations\/([^/]+)\/data\//;

type Scan = { files: Map<string, number>; mets: Map<string, Buffer>; warnings: PackageProblem[] };

/** Pass 1: every file with its size, and the bytes of every METS.xml near the top. */
async function scan(path: string, limits: Partial<UnpackLimits> | undefined): Promise<Scan> {
  const reader = await openPackage(path, limits);
  const out: Scan = { files: new Map(), mets: new Map(), warnings: [] };
  for await (const e of reader) {
    if (e.kind !== 'file') continue;
    out.files.set(e.path, e.size);
    if (basename(e.path) === 'METS.xml' && e.path.split('/').length <= 4) out.mets.set(e.path, await readEntryBytes(e, METS_MAX));
  }
  for (const w of reader.warnings) out.warnings.push(warn(`unpack-${w.code}`, w.message.zh, w.message.en, w.entry));
  return out;
}

/** The IP's folder inside the container: '' or 'name/' when everything sits in one top-level folder. */
function rootPrefix(files: Map<string, number>): string {
  if (files.has('METS.xml')) return '';
  const tops = new Set([...files.keys()].map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/') + 1) : '')));
  const [only] = tops;
  return tops.size === 1 && only ? only : '';
}

function packageName(path: string, prefix: string): string {
  if (prefix) return prefix.slice(0, -1);
  return basename(path.replace(/\/+$/, '')).replace(/\.(zip|tar)$/i, '');
}

/** The title and date of an EAD 2002 document (archdesc/did only). */
function eadSummary(bytes: Buffer | undefined): Promise<{ title?: string; date?: string }> {
  if (!bytes) return Promise.resolve({});
  return parseXml(bytes, 'EAD').then(({ doc }) => {
    const did = kid(kid(rootOf(doc)?.node, 'archdesc'), 'did');
    const title = childText(did, 'unittitle');
    const ud = kid(did, 'unitdate');
    const date = normalizeDate(attr(ud, 'normal')?.split('/')[0]) ?? normalizeDate(childText(did, 'unitdate'));
    return { ...(title ? { title } : {}), ...(date ? { date } : {}) };
  }, () => ({}));
}

const TEXTUAL = /^(text\/|application\/(xml|json)|[^;]*\+xml)/i;

function verify(ref: MetsRef, d: EntryDigests, problems: PackageProblem[]): void {
  const req = ref.kind === 'file' ? ['CSIP69', 'CSIP71'] : ref.section === 'digiprovMD' ? ['CSIP43', 'CSIP43'] : ['CSIP-mdRef', 'CSIP-mdRef'];
  const p = ref.path!;
  const v = d.variants;
  const le = { zh: '（按换行符 LF↔CRLF 转换后与声明相符：传输工具改动了换行符）', en: ' (it matches once LF and CRLF line endings are converted: a transfer tool changed them)' };
  if (ref.size !== undefined && ref.size !== String(d.size)) {
    const lines = v !== undefined && (String(v.crlf.size) === ref.size || String(v.lf.size) === ref.size);
    problems.push(err(`${req[0]}-size-mismatch${lines ? '-line-endings' : ''}`, `${req[0]}：${p} 实际 ${d.size} 字节，${ref.metsPath} 声明 ${ref.size}${lines ? le.zh : ''}`, `${req[0]}: ${p} has ${d.size} bytes, ${ref.metsPath} declares ${ref.size}${lines ? le.en : ''}`, p));
  }
  if (!ref.checksum || !ref.checksumType) return;
  const alg = CHECKSUM_ALGS[ref.checksumType];
  const actual = alg === 'sha256' ? d.sha256 : alg === 'sha512' ? d.sha512 : alg ? d.extra[alg] : undefined;
  if (actual === undefined) {
    problems.push(warn('CSIP72-checksum-not-verified', `CSIP72：不支持校验 ${ref.checksumType}，${p} 的校验值未核对`, `CSIP72: ${ref.checksumType} is not supported; the checksum of ${p} was not verified`, p));
  } else if (actual !== ref.checksum) {
    const lines = v !== undefined && d.variantAlg === alg && (v.crlf.digest === ref.checksum || v.lf.digest === ref.checksum);
    problems.push(err(`${req[1]}-checksum-mismatch${lines ? '-line-endings' : ''}`, `${req[1]}：${p} 的 ${ref.checksumType} 校验值不符：声明 ${ref.checksum}，实际 ${actual}${lines ? le.zh : ''}`, `${req[1]}: the ${ref.checksumType} of ${p} does not match: declared ${ref.checksum}, actual ${actual}${lines ? le.en : ''}`, p));
  }
}

function declared(ref: MetsRef): IncomingFile['declared'] {
  const alg = ref.checksumType ? CHECKSUM_ALGS[ref.checksumType] : undefined;
  return ref.checksum && (alg === 'md5' || alg === 'sha256' || alg === 'sha512') ? { [alg]: ref.checksum } : {};
}

/** Reads an E-ARK CSIP/SIP package (directory, zip or tar) into the internal model. */
export async function readEark(path: string, options: EarkOptions = {}): Promise<IncomingPackage> {
  const pkg = emptyPackage('eark-sip', path);
  const problems = pkg.problems;
  let s: Scan;
  try {
    s = await scan(path, options.limits);
  } catch (e) {
    problems.push(fromUnpack(e, path));
    return pkg;
  }
  problems.push(...s.warnings);
  const prefix = rootPrefix(s.files);
  const rootMets = s.mets.get(`${prefix}METS.xml`);
  if (!rootMets) {
    const near = [...s.files.keys()].find((p) => p.toLowerCase() === `${prefix}mets.xml`.toLowerCase());
    problems.push(err('CSIPSTR4-mets-missing', `CSIPSTR4：信息包根目录中没有 METS.xml${near ? `（只有“${near}”，文件名区分大小写）` : ''}`, `CSIPSTR4: the package root has no METS.xml${near ? ` (only ${JSON.stringify(near)}; the name is case-sensitive)` : ''}`, prefix || undefined));
    return pkg;
  }
  const docs: { doc: MetsDoc; rep?: string }[] = [];
  for (const [p, bytes] of s.mets) {
    const rel = p.slice(prefix.length);
    const rep = REP_METS.exec(rel)?.[1];
    if (!p.startsWith(prefix) || (rel !== 'METS.xml' && rep === undefined)) continue;
    try {
      const { doc } = await parseXml(bytes, p);
      const m = readMets(doc, rel, rep === undefined ? '' : `representations/${rep}`, rep === undefined, problems);
      if (m) docs.push({ doc: m, ...(rep !== undefined ? { rep } : {}) });
    } catch (e) {
      problems.push(fromUnpack(e, p));
    }
  }
  const root = docs.find((d) => d.rep === undefined)?.doc;
  if (!root) return pkg;
  pkg.source.version = root.profile;
  const name = packageName(path, prefix);
  if (root.objid && root.objid !== name) {
    problems.push(warn('CSIP1-objid-not-package-id', `CSIP1：mets/@OBJID“${root.objid}”与包名“${name}”不同`, `CSIP1: mets/@OBJID ${JSON.stringify(root.objid)} differs from the package name ${JSON.stringify(name)}`, 'METS.xml'));
  }

  // Pass 2: every referenced file, hashed once.
  const refs = new Map<string, MetsRef[]>();
  for (const r of docs.flatMap((d) => d.doc.refs)) if (r.path) refs.set(r.path, [...(refs.get(r.path) ?? []), r]);
  const eadPaths = new Set(docs.flatMap((d) => [...d.doc.dmd.values()]).filter((x) => x.mdType === 'EAD' && x.path).map((x) => x.path!));
  const actual = new Map<string, EntryDigests>();
  try {
    const reader = await openPackage(path, options.limits);
    for await (const e of reader) {
      const rel = e.path.slice(prefix.length);
      const mine = e.kind === 'file' && e.path.startsWith(prefix) ? refs.get(rel) : undefined;
      if (!mine) continue;
      const algs = mine.map((r) => (r.checksumType ? CHECKSUM_ALGS[r.checksumType] : undefined)).filter((a): a is string => !!a && a !== 'sha256' && a !== 'sha512');
      const textual = mine.find((r) => TEXTUAL.test(r.mimetype ?? '') && r.checksumType && CHECKSUM_ALGS[r.checksumType]);
      const lineAlg = textual?.checksumType ? CHECKSUM_ALGS[textual.checksumType] : undefined;
      const d = await hashEntry(e, algs, eadPaths.has(rel) ? EAD_MAX : 0, lineAlg);
      actual.set(rel, d);
      for (const r of mine) verify(r, d, problems);
    }
  } catch (e) {
    problems.push(fromUnpack(e, path));
    return pkg;
  }
  const present = new Set([...s.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
  const lower = new Map([...present].map((p) => [p.toLowerCase(), p]));
  for (const [p, rs] of refs) {
    if (present.has(p)) continue;
    const near = lower.get(p.toLowerCase());
    const req = rs[0]!.kind === 'file' ? 'CSIP79' : 'CSIP-mdRef';
    problems.push(err(`${req}-file-missing`, `${req}：${rs[0]!.metsPath} 引用的“${p}”不存在${near ? `（有“${near}”，大小写不同）` : ''}`, `${req}: ${JSON.stringify(p)}, referenced by ${rs[0]!.metsPath}, does not exist${near ? ` (there is ${JSON.stringify(near)}, in another case)` : ''}`, p));
  }
  for (const p of present) {
    if (refs.has(p) || p === 'METS.xml' || REP_METS.test(p)) continue;
    pkg.unclaimed.push({ path: p, size: s.files.get(prefix + p) ?? 0, declared: {} });
    problems.push(warn('eark-file-not-referenced', `包中的“${p}”未被任何 METS 引用`, `${JSON.stringify(p)} is in the package but no METS references it`, p));
  }
  await mapModel(pkg, docs, refs, actual);
  return pkg;
}

async function mapModel(pkg: IncomingPackage, docs: { doc: MetsDoc; rep?: string }[], refs: Map<string, MetsRef[]>, actual: Map<string, EntryDigests>): Promise<void> {
  const eadCache = new Map<string, { title?: string; date?: string }>();
  const ead = async (doc: MetsDoc | undefined, dmdId: string | undefined) => {
    const t = dmdId ? doc?.dmd.get(dmdId) : undefined;
    if (!t?.path || t.mdType !== 'EAD') return {};
    if (!eadCache.has(t.path)) eadCache.set(t.path, await eadSummary(actual.get(t.path)?.bytes));
    return eadCache.get(t.path)!;
  };
  const firstEad = async (doc: MetsDoc | undefined) => {
    for (const id of doc?.dmd.keys() ?? []) {
      const r = await ead(doc, id);
      if (r.title) return r;
    }
    return {};
  };
  const root = docs.find((d) => d.rep === undefined)!.doc;
  const pkgDesc = await firstEad(root);
  const volumes = new Map<string, IncomingVolume>();
  const records: IncomingRecord[] = [];
  for (const [p, rs] of refs) {
    const rep = REP_DATA.exec(p)?.[1];
    const ref = rs.find((r) => r.kind === 'file');
    if (rep === undefined || !ref) continue;
    if (!volumes.has(rep)) {
      const repDoc = docs.find((d) => d.rep === rep)?.doc;
      const desc = { ...(await firstEad(repDoc)) };
      if (!desc.title) Object.assign(desc, await ead(docs.find((d) => d.doc.path === ref.metsPath)?.doc, ref.dmdIds[0]));
      const title = desc.title ?? (pkgDesc.title ? `${pkgDesc.title} / ${rep}` : `${root.objid ?? 'E-ARK'} / ${rep}`);
      const date = desc.date ?? pkgDesc.date;
      volumes.set(rep, { key: rep, title, ...(date ? { year: Number(date.slice(0, 4)) } : {}) });
    }
    const desc = await ead(docs.find((d) => d.doc.path === ref.metsPath)?.doc, ref.dmdIds[0]);
    const file: IncomingFile = { path: p, size: actual.get(p)?.size ?? 0, declared: declared(ref), ...(ref.mimetype ? { format: ref.mimetype } : {}) };
    const seq = records.filter((r) => r.volumeKey === rep).length + 1;
    records.push({ key: p, volumeKey: rep, seq, title: desc.title ?? basename(p).replace(/\.[^.]*$/, ''), ...(desc.date ? { date: desc.date } : {}), files: [file] });
  }
  pkg.volumes.push(...volumes.values());
  pkg.records.push(...records);
  if (volumes.size === 0) pkg.problems.push(warn('eark-no-representations', '包中没有表示（representations/<名称>/data/ 下的文件），没有可接收的档案文件', 'the package has no representation (files under representations/<name>/data/); there are no records to receive'));
}
