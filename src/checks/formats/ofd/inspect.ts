/**
 * `inspectOfd`: reads an OFD (GB/T 33190-2016) for the DA/T 70 checks — structure, metadata, pages, text,
 * image-only, and every signature/seal (verify.ts) — in one streaming pass over the ZIP (container.ts),
 * with a wall-clock budget. Never throws on bad input: a broken, hostile or foreign file yields
 * `ok: false` with precise problems.
 *
 * Structure rules: OFD.xml → DocBody → DocRoot (Document.xml) → pages, template pages, PublicRes /
 * DocumentRes / PageRes (with the resource file's BaseLoc) → MediaFile / FontFile, Annotations,
 * Attachments, CustomTags, and DocBody/Signatures. A missing OFD.xml, Document.xml or page is
 * `ofd-entry-missing`; any other unresolved location is `ofd-dangling-reference`. A location that matches
 * an entry only when case is ignored is used with a warning (`ofd-path-case`; an error with
 * `strictPaths`). The pre-2016 namespace http://www.ofdspec.org is readable with a warning (the corpus
 * has Suwell files using it); any other namespace is an error.
 *
 * Does not: validate against the XSD, render pages, check fonts are embedded, decrypt (an encrypted OFD is
 * `ofd-encrypted`), or verify OFDEntries.xml integrity protection beyond its SM2 signature.
 */
import { stat } from 'node:fs/promises';
import { UnpackError } from '../../../packages/index.ts';
import type { FormatProblem } from '../model.ts';
import { verifySignedData } from './cms.ts';
import { type Container, type HashAlg, NotZipError, readContainer, refetch, TimeoutError, type ContainerLimits } from './container.ts';
import { dirOf, resolveLoc } from './paths.ts';
import { err, fromUnpack, warn } from './problems.ts';
import { summarizePage, type PageSummary } from './text.ts';
import type { OfdInfo, OfdInspection, OfdOptions } from './types.ts';
import { planSignature, type SignaturePlan, verifySignature } from './verify.ts';
import { child, childText, descendants, isProblem, kids, OFD_NS, OFD_NS_LEGACY, parseXml, type XNode } from './xml.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function emptyResult(): OfdInspection {
  return { ok: false, problems: [], documents: 0, pages: 0, templatePages: 0, textChars: 0, imageOnly: false, info: {}, signatures: [], attachments: 0, entries: 0, unpackedBytes: 0 };
}

/** Inspects an OFD file. See the module comment for what is and is not checked. */
export async function inspectOfd(path: string, options: OfdOptions = {}): Promise<OfdInspection> {
  const t0 = Date.now();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = t0 + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<OfdInspection>((resolve) => {
    timer = setTimeout(() => {
      const r = emptyResult();
      r.problems.push(timeoutProblem(timeoutMs));
      resolve(r);
    }, timeoutMs + 250);
  });
  try {
    const r = await Promise.race([run(path, options, deadline, timeoutMs), timedOut]);
    r.ms = Date.now() - t0;
    return r;
  } finally {
    clearTimeout(timer);
  }
}

const timeoutProblem = (ms: number) => err('ofd-timeout', `检查超过 ${ms} 毫秒的时间上限，已中止`, `the inspection exceeded its ${ms} ms time limit and was stopped`);

async function run(path: string, o: OfdOptions, deadline: number, timeoutMs: number): Promise<OfdInspection> {
  const res = emptyResult();
  try {
    await inspectInto(res, path, o, deadline);
  } catch (e) {
    if (e instanceof TimeoutError) res.problems.push(timeoutProblem(timeoutMs));
    else if (e instanceof NotZipError) res.problems.push(err('ofd-not-zip', `不是 OFD：内容是${e.format === 'dir' ? '目录' : ' tar 包'}而不是 ZIP`, `not an OFD: a ${e.format === 'dir' ? 'directory' : 'tar file'}, not a ZIP`));
    else res.problems.push(fromUnpack(e));
  }
  res.ok = !res.problems.some((p) => p.severity === 'error');
  return res;
}

class Ctx {
  readonly problems: FormatProblem[];
  private readonly xml = new Map<string, { root: XNode; namespace?: string } | undefined>();
  private readonly reported = new Set<string>();
  legacyNs = false;
  readonly seenRes = new Set<string>();

  constructor(readonly path: string, readonly c: Container, readonly o: OfdOptions, readonly limits: ContainerLimits, res: OfdInspection) {
    this.problems = res.problems;
  }

  once(key: string, p: FormatProblem): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(p);
  }

  /** Resolves `loc` against `baseDir` to an entry; reports a case-only match. */
  find(loc: string, baseDir: string): { path: string; case: boolean } | undefined {
    const p = resolveLoc(loc, baseDir);
    const hit = this.c.index.find(p);
    if (hit?.case) {
      const mk = this.o.strictPaths ? err : warn;
      this.once(`case:${p}`, mk('ofd-path-case', `路径“${loc}”（${p}）只在忽略大小写时与条目“${hit.path}”匹配；ZIP 中的名称区分大小写`, `location ${JSON.stringify(loc)} (${p}) matches entry ${JSON.stringify(hit.path)} only when case is ignored; ZIP names are case-sensitive`));
    }
    return hit;
  }

  dangling(what: string, loc: string, from: string): void {
    this.once(`dangling:${from}:${loc}`, err('ofd-dangling-reference', `${from} 中的${what}“${loc}”指向不存在的文件`, `${what === '资源文件' ? 'resource file' : what === '媒体/字体文件' ? 'media/font file' : what} ${JSON.stringify(loc)} in ${from} points to a file that does not exist`));
  }

  /** The parsed XML of an entry (fetched in a second pass if it was too large to keep); undefined after reporting a problem. */
  async load(entry: string): Promise<XNode | undefined> {
    if (this.xml.has(entry)) return this.xml.get(entry)?.root;
    const e = this.c.entries.get(entry);
    if (!e) return undefined;
    if (!e.data) await refetch(this.path, this.c, new Set([entry]), new Map(), this.limits, 32 * MiB);
    if (!e.data) {
      this.xml.set(entry, undefined);
      this.problems.push(err('ofd-too-large', `条目“${entry}”超过 32 MiB，无法解析`, `entry ${JSON.stringify(entry)} is larger than 32 MiB and cannot be parsed`));
      return undefined;
    }
    const parsed = await parseXml(e.data, entry);
    if (isProblem(parsed)) {
      this.xml.set(entry, undefined);
      this.problems.push(parsed);
      return undefined;
    }
    this.xml.set(entry, parsed);
    this.checkNamespace(entry, parsed.namespace);
    return parsed.root;
  }

  checkNamespace(entry: string, ns: string | undefined): void {
    if (ns === OFD_NS) return;
    if (ns === OFD_NS_LEGACY || ns === `${OFD_NS_LEGACY}/`) {
      this.legacyNs = true;
      this.once('ns-legacy', warn('ofd-namespace', `条目“${entry}”使用旧命名空间 ${ns}，而不是 GB/T 33190-2016 规定的 ${OFD_NS}（可读，但不符合标准）`, `entry ${JSON.stringify(entry)} uses the old namespace ${ns} instead of ${OFD_NS} required by GB/T 33190-2016 (readable, but not conformant)`));
      return;
    }
    this.once(`ns:${entry}`, err('ofd-namespace', `条目“${entry}”的命名空间${ns ? ` ${ns}` : '缺失'}不是 OFD 命名空间 ${OFD_NS}`, `entry ${JSON.stringify(entry)}: namespace ${ns ?? '(none)'} is not the OFD namespace ${OFD_NS}`));
  }
}

function readInfo(docInfo: XNode | undefined): OfdInfo {
  const info: OfdInfo = {};
  if (!docInfo) return info;
  const set = (k: keyof Omit<OfdInfo, 'keywords' | 'custom'>, el: string) => {
    const v = childText(docInfo, el);
    if (v !== undefined) info[k] = v;
  };
  set('docId', 'DocID');
  set('title', 'Title');
  set('author', 'Author');
  set('subject', 'Subject');
  set('abstract', 'Abstract');
  set('creator', 'Creator');
  set('creatorVersion', 'CreatorVersion');
  set('creationDate', 'CreationDate');
  set('modDate', 'ModDate');
  set('docUsage', 'DocUsage');
  const kw = kids(child(docInfo, 'Keywords'), 'Keyword').map((k) => k.text.trim()).filter((k) => k !== '');
  if (kw.length) info.keywords = kw;
  const custom: Record<string, string> = {};
  for (const cd of kids(child(docInfo, 'CustomDatas'), 'CustomData')) {
    const name = cd.attrs['Name'];
    if (name !== undefined && !(name in custom)) custom[name] = cd.text.trim();
  }
  if (Object.keys(custom).length) info.custom = custom;
  return info;
}

async function inspectInto(res: OfdInspection, path: string, o: OfdOptions, deadline: number): Promise<void> {
  const maxBytes = o.maxBytes ?? 2 * GiB;
  let st;
  try {
    st = await stat(path);
  } catch {
    res.problems.push(err('ofd-unreadable', `无法读取文件：${path}`, `cannot read the file: ${path}`));
    return;
  }
  if (!st.isFile()) {
    res.problems.push(err('ofd-not-zip', '不是普通文件', 'not a regular file'));
    return;
  }
  if (st.size === 0) {
    res.problems.push(err('ofd-not-zip', '文件为空（0 字节），不是 OFD', 'the file is empty (0 bytes), not an OFD'));
    return;
  }
  if (st.size > maxBytes) {
    res.problems.push(err('ofd-too-large', `文件 ${st.size} 字节，超过上限 ${maxBytes} 字节`, `the file has ${st.size} bytes, more than the limit of ${maxBytes}`));
    return;
  }
  const limits: ContainerLimits = { maxUnpackedBytes: o.maxUnpackedBytes ?? 8 * GiB, maxXmlBytes: 8 * MiB, maxSmallBinary: 1 * MiB, maxKeptBytes: 256 * MiB, deadline };
  let c: Container;
  try {
    c = await readContainer(path, limits);
  } catch (e) {
    if (e instanceof UnpackError && e.code === 'format-unknown') {
      res.problems.push(err('ofd-not-zip', '不是 OFD：文件不是 ZIP 格式（OFD 以 ZIP 封装）', 'not an OFD: the file is not a ZIP (OFD is a ZIP container)'));
      return;
    }
    throw e;
  }
  res.entries = c.entries.size;
  res.unpackedBytes = c.unpackedBytes;
  const ctx = new Ctx(path, c, o, limits, res);

  // encryption (GB/T 33190 has none; OFD 2.0 / GM/T 0099 put Encryptions.xml at the root)
  if (c.index.find('Encryptions.xml')) {
    res.problems.push(err('ofd-encrypted', 'OFD 已加密（含 Encryptions.xml），无法检查其内容', 'the OFD is encrypted (it has Encryptions.xml), so its content cannot be checked'));
  }

  // OFD.xml
  const ofdHit = ctx.find('/OFD.xml', '');
  if (!ofdHit) {
    res.problems.push(err('ofd-entry-missing', '缺少入口文件 OFD.xml：不是 OFD（或是普通 ZIP）', 'the entry file OFD.xml is missing: not an OFD (perhaps a plain ZIP)'));
    return;
  }
  const ofd = await ctx.load(ofdHit.path);
  if (!ofd) return;
  if (ofd.name !== 'OFD') {
    res.problems.push(err('ofd-root', `OFD.xml 的根元素是 ${ofd.name}，应为 ofd:OFD`, `the root element of OFD.xml is ${ofd.name}, not ofd:OFD`));
    return;
  }
  const version = ofd.attrs['Version'];
  if (version) res.version = version;
  else res.problems.push(warn('ofd-version', 'OFD.xml 未声明 Version', 'OFD.xml declares no Version'));
  const docType = ofd.attrs['DocType'];
  if (docType === 'OFD' || docType === 'OFD-A') res.docType = docType;
  else {
    res.docType = 'OFD';
    res.problems.push(warn('ofd-doctype', `OFD.xml 的 DocType 为“${docType ?? ''}”，应为 OFD 或 OFD-A`, `OFD.xml has DocType ${JSON.stringify(docType ?? '')}, expected OFD or OFD-A`));
  }
  const bodies = kids(ofd, 'DocBody');
  if (bodies.length === 0) {
    res.problems.push(err('ofd-entry-missing', 'OFD.xml 没有 DocBody，找不到文档', 'OFD.xml has no DocBody, so there is no document'));
    return;
  }
  res.info = readInfo(child(bodies[0], 'DocInfo'));

  const pageTexts: string[] = [];
  let images = 0;
  const plans: SignaturePlan[] = [];
  for (const body of bodies) {
    if (Date.now() > deadline) throw new TimeoutError('timeout');
    const rootLoc = childText(body, 'DocRoot');
    const docHit = rootLoc ? ctx.find(rootLoc, '') : undefined;
    if (!docHit) {
      res.problems.push(err('ofd-entry-missing', `文档根文件 ${rootLoc ?? '（DocRoot 缺失）'} 不存在`, `the document root ${rootLoc ?? '(no DocRoot)'} does not exist`));
      continue;
    }
    const doc = await ctx.load(docHit.path);
    if (!doc) continue;
    res.documents++;
    const docDir = dirOf(docHit.path);
    const common = child(doc, 'CommonData');

    // resources: PublicRes, DocumentRes (document level)
    for (const r of [...kids(common, 'PublicRes'), ...kids(common, 'DocumentRes')]) await checkRes(ctx, r.text.trim(), docDir, docHit.path);

    // template pages
    const templates = new Map<string, PageSummary | undefined>();
    for (const t of kids(common, 'TemplatePage')) {
      const loc = t.attrs['BaseLoc'] ?? '';
      const id = t.attrs['ID'] ?? '';
      const hit = loc ? ctx.find(loc, docDir) : undefined;
      if (!hit) {
        ctx.dangling('模板页', loc, docHit.path);
        templates.set(id, undefined);
        continue;
      }
      res.templatePages++;
      const tnode = await ctx.load(hit.path);
      const sum = tnode ? summarizePage(tnode) : undefined;
      templates.set(id, sum);
      if (tnode && sum) for (const pr of sum.pageRes) await checkRes(ctx, pr, dirOf(hit.path), hit.path);
    }

    // pages
    const pages = descendants(child(doc, 'Pages') ?? { name: '', attrs: {}, children: [], text: '' }, 'Page');
    if (pages.length === 0) res.problems.push(err('ofd-no-pages', `${docHit.path} 没有页面`, `${docHit.path} has no pages`));
    for (const p of pages) {
      if (Date.now() > deadline) throw new TimeoutError('timeout');
      const loc = p.attrs['BaseLoc'] ?? '';
      const hit = loc ? ctx.find(loc, docDir) : undefined;
      if (!hit) {
        res.problems.push(err('ofd-entry-missing', `页面 ${p.attrs['ID'] ?? ''} 的内容文件“${loc}”不存在`, `the content file ${JSON.stringify(loc)} of page ${p.attrs['ID'] ?? ''} does not exist`));
        continue;
      }
      const pnode = await ctx.load(hit.path);
      res.pages++;
      if (!pnode) continue;
      const sum = summarizePage(pnode);
      for (const pr of sum.pageRes) await checkRes(ctx, pr, dirOf(hit.path), hit.path);
      const back: string[] = [];
      const front: string[] = [];
      let chars = sum.chars;
      images += sum.images;
      for (const t of sum.templates) {
        if (!templates.has(t.id)) {
          ctx.once(`tpl:${t.id}`, warn('ofd-dangling-reference', `页面 ${hit.path} 引用了未定义的模板页 ${t.id}`, `page ${hit.path} uses the undefined template page ${t.id}`));
          continue;
        }
        const ts = templates.get(t.id);
        if (!ts) continue;
        chars += ts.chars;
        images += ts.images;
        (t.zOrder === 'Foreground' ? front : back).push(...ts.lines);
      }
      res.textChars += chars;
      if (o.text) pageTexts.push([...back, ...sum.lines, ...front].join('\n'));
    }

    // annotations, attachments, custom tags: every FileLoc must resolve
    const lists: [string, string, string][] = [['Annotations', 'Page', '注释'], ['Attachments', 'Attachment', '附件'], ['CustomTags', 'CustomTag', '自定义标引']];
    for (const [el, item, zh] of lists) {
      const loc = childText(doc, el);
      if (!loc) continue;
      const hit = ctx.find(loc, docDir);
      if (!hit) {
        ctx.dangling(zh, loc, docHit.path);
        continue;
      }
      const list = await ctx.load(hit.path);
      if (!list) continue;
      for (const it of kids(list, item)) {
        const fl = childText(it, 'FileLoc');
        if (el === 'Attachments') res.attachments++;
        if (fl && !ctx.find(fl, dirOf(hit.path))) ctx.dangling(zh, fl, hit.path);
      }
    }

    // signatures
    const sigsLoc = childText(body, 'Signatures');
    if (sigsLoc && o.signatures !== false) {
      const hit = ctx.find(sigsLoc, '');
      if (!hit) ctx.dangling('签名列表', sigsLoc, 'OFD.xml');
      else {
        const list = await ctx.load(hit.path);
        for (const s of kids(list, 'Signature')) {
          const id = s.attrs['ID'] ?? '';
          const type = s.attrs['Type'] === 'Sign' ? 'Sign' : 'Seal';
          const baseLoc = s.attrs['BaseLoc'] ?? '';
          const sh = baseLoc ? ctx.find(baseLoc, dirOf(hit.path)) : undefined;
          const node = sh ? await ctx.load(sh.path) : undefined;
          const lookup = (loc: string, dir: string) => ctx.find(loc, dir);
          plans.push(planSignature(id, type, baseLoc, sh?.path, node, lookup));
        }
      }
    }
  }
  if (res.documents === 0) return;

  // integrity protection (ofdrw-crypto OFDEntries.xml): signature over OFDEntries.xml checked, files listed must exist
  const entriesHit = c.index.find('OFDEntries.xml');
  if (entriesHit) await checkIntegrity(ctx, res, entriesHit.path);

  // signatures: fetch anything not kept, add MD5/SHA-1 digests if a CheckMethod needs them, then verify
  if (plans.length) {
    const want = new Set<string>();
    const hashes = new Map<string, Set<HashAlg>>();
    for (const p of plans) {
      for (const e of [p.xmlEntry, p.signedValueEntry, p.sealEntry]) if (e && !c.entries.get(e)?.data) want.add(e);
      if (p.algorithm === 'md5' || p.algorithm === 'sha1') {
        for (const r of p.refs) if (r.entry && !c.entries.get(r.entry)?.digests[p.algorithm]) hashes.set(r.entry, (hashes.get(r.entry) ?? new Set()).add(p.algorithm));
      }
    }
    await refetch(path, c, want, hashes, limits, 64 * MiB);
    for (const p of plans) {
      if (Date.now() > deadline) throw new TimeoutError('timeout');
      res.signatures.push(verifySignature(p, c, o.trust));
    }
  }

  res.imageOnly = res.pages > 0 && res.textChars === 0 && images > 0;
  if (o.text) {
    const max = o.maxTextChars ?? 1_000_000;
    let left = max;
    let truncated = false;
    const out: string[] = [];
    for (const t of pageTexts) {
      if (t.length > left) {
        out.push(t.slice(0, left));
        truncated = true;
        left = 0;
      } else {
        out.push(t);
        left -= t.length;
      }
    }
    res.text = { pages: out, truncated };
  }
  res.namespace = ctx.legacyNs ? 'non-standard' : 'standard';
}

/** A resource file (PublicRes, DocumentRes, PageRes): it must exist, and so must its MediaFile/FontFile. */
async function checkRes(ctx: Ctx, loc: string, baseDir: string, from: string): Promise<void> {
  if (!loc) return;
  const hit = ctx.find(loc, baseDir);
  if (!hit) {
    ctx.dangling('资源文件', loc, from);
    return;
  }
  if (ctx.seenRes.has(hit.path)) return;
  ctx.seenRes.add(hit.path);
  const node = await ctx.load(hit.path);
  if (!node) return;
  const bl = node.attrs['BaseLoc']?.trim();
  const resDir = bl === undefined || bl === '' ? dirOf(hit.path) : /^\/+$/.test(bl) ? '' : resolveLoc(bl, dirOf(hit.path)) ?? dirOf(hit.path);
  for (const f of [...descendants(node, 'MediaFile'), ...descendants(node, 'FontFile')]) {
    const fl = f.text.trim();
    if (fl && !ctx.find(fl, resDir)) ctx.dangling('媒体/字体文件', fl, hit.path);
  }
}

async function checkIntegrity(ctx: Ctx, res: OfdInspection, entry: string): Promise<void> {
  const node = await ctx.load(entry);
  if (!node) return;
  res.integrityProtection = true;
  const files = descendants(node, 'File').map((f) => f.attrs['FileLoc'] ?? '');
  for (const f of files) if (!ctx.find(f, '')) ctx.dangling('受保护文件', f, entry);
  const svLoc = childText(node, 'SignedValueLoc');
  const sv = svLoc ? ctx.find(svLoc, dirOf(entry)) : undefined;
  const data = sv ? ctx.c.entries.get(sv.path)?.data : undefined;
  const xml = ctx.c.entries.get(entry)?.data;
  let ok = false;
  if (data && xml) {
    try {
      const r = verifySignedData(data, xml);
      ok = r.dataHashOk === true && r.signatureOk === true;
    } catch {
      ok = false;
    }
  }
  if (!ok) ctx.problems.push(err('ofd-integrity-unverified', 'OFDEntries.xml 完整性保护的签名无法验证', 'the signature of the OFDEntries.xml integrity protection does not verify'));
  else ctx.problems.push(warn('ofd-integrity-unverified', 'OFDEntries.xml 的签名有效；但它只记录文件清单，不含各文件的摘要，文件内容未经校验', 'the OFDEntries.xml signature verifies, but it lists files without their digests, so file contents are not verified'));
}
