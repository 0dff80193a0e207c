/**
 * inspectPdf: validates one PDF for archive ingest and reports facts (header version, pages, encryption, text vs
 * scan, JavaScript/Launch, embedded files, Info, PDF/A claim, signatures). Never throws; a bad file yields
 * `ok: false` with precise problems. `ok` = no error-level problem.
 *
 * Two readers, on purpose: our own COS reader (cos.ts) judges structure strictly-but-leniently (header, startxref,
 * xref, trailer, revisions, page tree, encryption dictionary, actions) and pdf.js (range-loaded, deadline-bounded)
 * opens the document as a viewer would (page count, text, metadata, password check). pdf.js silently rebuilds broken
 * xref tables, so a file pdf.js opens can still be reported as structurally broken.
 *
 * Deliberately NOT done: full PDF/A validation, font/colour checks, OCR, decrypting with a password, repairing files.
 */
import { stat } from 'node:fs/promises';
import type { FormatProblem } from '../model.ts';
import { CosDocument, PdfDict, PdfStream } from './cos.ts';
import { checkPdfA } from './pdfa.ts';
import { DeadlineError, PasswordError, WHOLE_LIMIT, loadPdfjs, withDeadline, type LoadedPdf } from './pdfjs.ts';
import { readInfo, scanObjects, walkPageTree } from './scan.ts';
import { pdfDateToIso, verifyPdfSignatures } from './signatures.ts';
import type { InspectPdfOptions, PdfEncryption, PdfInfo, PdfInspection } from './types.ts';
import { readXmp } from './xmp.ts';

const P = (code: string, severity: 'error' | 'warning', en: string, zh: string): FormatProblem => ({ code, severity, message: { en, zh } });

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;

export async function inspectPdf(path: string, options: InspectPdfOptions = {}): Promise<PdfInspection> {
  const t0 = Date.now();
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = t0 + timeoutMs;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const problems: FormatProblem[] = [];
  const res: PdfInspection = {
    ok: false, problems, version: null, size: 0, pages: null, encrypted: false, textChars: 0, textPagesSampled: 0, textPagesSkipped: 0, imageOnly: false,
    javascript: false, launchActions: false, embeddedFiles: 0, incrementalUpdates: 0, info: {}, signatures: [], trailingBytes: 0,
  };
  const done = (): PdfInspection => {
    res.ok = !problems.some((p) => p.severity === 'error');
    res.ms = Date.now() - t0;
    return res;
  };
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    problems.push(P('pdf-unreadable', 'error', `cannot read the file: ${(e as Error).message}`, '无法读取文件'));
    return done();
  }
  res.size = size;
  if (size === 0) {
    problems.push(P('pdf-empty', 'error', 'the file is empty (0 bytes)', '文件为空（0 字节）'));
    return done();
  }
  if (size > maxBytes) {
    problems.push(P('pdf-too-large', 'error', `the file has ${size} bytes, more than the limit of ${maxBytes}`, `文件 ${size} 字节，超过上限 ${maxBytes}`));
    return done();
  }

  let doc: CosDocument | undefined;
  let pdf: LoadedPdf | undefined;
  try {
    doc = new CosDocument(path);
    const head = doc.src.read(0, 1024);
    const hi = head.indexOf('%PDF-');
    if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
      problems.push(P('pdf-polyglot', 'error', 'the file is a ZIP archive' + (hi >= 0 ? ' that also contains a PDF header' : ''), '文件实际是 ZIP 压缩包' + (hi >= 0 ? '（内含 PDF 文件头，多格式混合文件）' : '')));
      if (hi < 0) return done();
    }
    if (hi < 0) {
      problems.push(P('pdf-header-missing', 'error', 'no %PDF- header in the first 1024 bytes: not a PDF', '前 1024 字节内没有 %PDF- 文件头：不是 PDF 文件'));
      return done();
    }
    doc.load();
    res.version = doc.headerVersion;
    if (!doc.headerVersion || !/^[12]\.\d$/.test(doc.headerVersion))
      problems.push(P('pdf-header-invalid', 'error', `illegal PDF header "${head.toString('latin1', hi, hi + 12).split(/[\r\n]/)[0]}"`, 'PDF 文件头非法'));
    if (hi > 0) problems.push(P('pdf-header-offset', 'warning', `the %PDF header starts at byte ${hi}, not 0`, `%PDF 文件头不在文件开头（偏移 ${hi}）`));

    // revisions / truncation / appended data
    const revs = doc.revisions;
    res.incrementalUpdates = Math.max(0, revs.length - 1);
    const tail = doc.src.read(Math.max(0, size - 1024), 1024).toString('latin1');
    if (!revs.length || !tail.includes('%%EOF')) {
      const lastEnd = revs.length ? revs[revs.length - 1]!.end : 0;
      if (!revs.length || size - lastEnd > 1024)
        problems.push(P('pdf-truncated', 'error', 'no %%EOF at the end of the file: the file is truncated or damaged', '文件末尾没有 %%EOF：文件被截断或损坏'));
    }
    if (revs.length) {
      const lastEnd = revs[revs.length - 1]!.end;
      const extra = size - lastEnd;
      if (extra > 0) {
        const sample = doc.src.read(lastEnd, Math.min(extra, 1 << 20));
        if (!/^[\s\0]*$/.test(sample.toString('latin1'))) {
          res.trailingBytes = extra;
          const zip = sample.includes(Buffer.from('PK\x03\x04', 'latin1')) || doc.src.read(size - Math.min(size, 65536), 65536).includes(Buffer.from('PK\x05\x06', 'latin1'));
          if (zip) problems.push(P('pdf-polyglot', 'error', `a ZIP archive (${extra} bytes) is appended after the last %%EOF`, '文件末尾附加了 ZIP 数据（多格式混合文件）'));
          else if (extra > 1024 || tail.includes('%%EOF')) problems.push(P('pdf-trailing-data', 'warning', `${extra} bytes follow the last %%EOF`, `最后的 %%EOF 之后有 ${extra} 字节数据`));
        }
      }
    }
    for (const n of doc.notes) problems.push(P(n.code, n.severity, n.en, n.zh));
    if (!doc.xrefOk && !problems.some((p) => p.code === 'pdf-xref-broken')) problems.push(P('pdf-xref-broken', 'error', 'the cross-reference table cannot be read', '交叉引用表无法读取'));

    // encryption dictionary (never encrypted itself)
    const enc = doc.xrefOk ? doc.dict(doc.trailer.get('Encrypt')) : undefined;
    if (enc) {
      res.encrypted = true;
      res.encryption = describeEncryption(doc, enc);
    }

    // structure facts from our reader
    let pageTreePages: number | null = null;
    let scanFacts: ReturnType<typeof scanObjects> | undefined;
    if (doc.xrefOk) {
      const root = doc.dict(doc.trailer.get('Root'));
      if (!root) problems.push(P('pdf-catalog-missing', 'error', 'the trailer /Root does not lead to a catalog dictionary', '文档目录（/Root）缺失'));
      else if (!res.encrypted) {
        // (in an encrypted file the page tree may sit in encrypted object streams: pdf.js judges it instead)
        const pt = walkPageTree(doc);
        pageTreePages = pt.pages;
        if (pt.cycle) problems.push(P('pdf-page-tree-cycle', 'error', 'the page tree is circular', '页面树存在循环引用'));
        else if (pt.broken) problems.push(P('pdf-page-tree-broken', 'error', 'the page tree is broken', '页面树损坏'));
        else if (pt.countMismatch) problems.push(P('pdf-page-count-mismatch', 'warning', `the page tree /Count differs from the ${pt.pages} pages found`, '页面树 /Count 与实际页数不符'));
      }
      if (Date.now() > deadline) throw new DeadlineError('timeout');
      const facts = scanObjects(doc, 500_000, Math.max(100, Math.min(5000, deadline - Date.now())));
      res.javascript = facts.javascript;
      res.launchActions = facts.launch;
      res.embeddedFiles = Math.max(facts.fileSpecs.length, facts.embeddedFileStreams);
      if (facts.javascript) problems.push(P('pdf-javascript', 'warning', 'the document contains JavaScript', '文档包含 JavaScript'));
      if (facts.launch) problems.push(P('pdf-launch-action', 'warning', 'the document contains a Launch action (can start programs)', '文档包含 Launch 动作（可启动外部程序）'));
      if (res.embeddedFiles) problems.push(P('pdf-embedded-files', 'warning', `the document has ${res.embeddedFiles} embedded file(s)`, `文档含 ${res.embeddedFiles} 个嵌入文件`));

      const infoMap = res.encrypted ? new Map<string, string | { nonString: true }>() : readInfo(doc);
      res.info = toInfo(infoMap);
      const xmpRaw = res.encrypted ? null : readXmpStream(doc);
      const xmp = xmpRaw ? readXmp(xmpRaw) : null;
      const pdfa = checkPdfA({ doc, xmp, info: infoMap, facts, encrypted: res.encrypted });
      if (pdfa) res.pdfa = pdfa;
      scanFacts = facts;

      if (options.signatures !== false) res.signatures = await withDeadline(verifyPdfSignatures(path, doc), deadline);
      for (const s of res.signatures) if (!s.intact && !s.problems.some((p) => p.code === 'pdf-sig-placeholder'))
        problems.push(P('pdf-signature-invalid', 'warning', `signature ${s.field ?? ''} is not intact`, `签名 ${s.field ?? ''} 不完整或无效`));
      for (const s of res.signatures) if (s.modifiedAfter === 'incremental-suspicious')
        problems.push(P('pdf-signature-modified-after', 'warning', `the document was changed after signature ${s.field ?? ''} in a way that is not form filling or signing`, `签名 ${s.field ?? ''} 之后文档被修改（非填表/签名类更新）`));
    }

    // pdf.js: open as a viewer would
    try {
      pdf = await loadPdfjs(path, size, deadline);
      if (res.encryption) res.encryption.userPasswordRequired = false;
      res.pages = pdf.doc.numPages;
      if (pageTreePages !== null && pageTreePages !== res.pages && !problems.some((p) => p.code.startsWith('pdf-page-tree')))
        problems.push(P('pdf-page-count-mismatch', 'warning', `pdf.js counts ${res.pages} pages, the page tree ${pageTreePages}`, '页数不一致'));
      if (res.encrypted) {
        problems.push(P('pdf-encrypted', 'warning', `the document is encrypted (${res.encryption?.method ?? 'unknown'}) but opens without a password`, `文档已加密（${res.encryption?.method ?? '未知'}），无需密码即可打开`));
        const md = await withDeadline(pdf.doc.getMetadata(), deadline).catch(() => null);
        if (md) {
          const infoMap = new Map<string, string | { nonString: true }>();
          for (const [k, v] of Object.entries(md.info as Record<string, unknown>)) if (typeof v === 'string') infoMap.set(k, v);
          res.info = toInfo(infoMap);
          // the XMP of an encrypted file is only readable decrypted: take pdf.js's
          const raw = md.metadata?.getRaw();
          if (typeof raw === 'string' && scanFacts && doc) {
            const pdfa = checkPdfA({ doc, xmp: readXmp(raw), info: infoMap, facts: scanFacts, encrypted: true });
            if (pdfa) res.pdfa = pdfa;
          }
        }
      }
      if (options.text !== false && res.pages > 0) await sampleText(pdf, res, options.textPages ?? 20, deadline, size > WHOLE_LIMIT ? doc : undefined);
    } catch (e) {
      if (e instanceof PasswordError || (e as Error)?.name === 'PasswordException') {
        if (res.encryption) res.encryption.userPasswordRequired = true;
        else res.encrypted = true;
        problems.push(P('pdf-password-required', 'error', `the document is encrypted (${res.encryption?.method ?? 'unknown'}) and needs a password to open`, `文档已加密（${res.encryption?.method ?? '未知'}），需要密码才能打开`));
      } else if (e instanceof DeadlineError) throw e;
      else if (res.encryption?.method === 'public-key') {
        res.encryption.userPasswordRequired = true;
        problems.push(P('pdf-password-required', 'error', 'the document is encrypted for certificate holders (public-key security) and cannot be opened', '文档使用证书加密，无法打开'));
      } else {
        problems.push(P('pdf-parse-failed', 'error', `pdf.js cannot open the document: ${(e as Error)?.message ?? String(e)}`, 'PDF 无法解析'));
      }
    }
  } catch (e) {
    if (e instanceof DeadlineError) problems.push(P('pdf-timeout', 'error', `inspection exceeded ${timeoutMs} ms and was stopped`, `检测超过 ${timeoutMs} 毫秒，已中止`));
    else problems.push(P('pdf-parse-failed', 'error', `the file cannot be parsed: ${(e as Error)?.message ?? String(e)}`, 'PDF 无法解析'));
  } finally {
    await pdf?.close();
    doc?.close();
  }
  return done();
}

/** Raw bytes of the image XObjects a page (directly) draws, via our reader; pdf.js would load them whole. */
function pageImageBytes(doc: CosDocument, pageNum: number): number {
  let page = doc.dict(doc.getObject(pageNum));
  let res: PdfDict | undefined;
  for (let i = 0; page && i < 32 && !res; i++) {
    res = doc.dict(page.get('Resources'));
    page = doc.dict(page.get('Parent'));
  }
  const xo = doc.dict(res?.get('XObject'));
  let total = 0;
  for (const v of xo?.map.values() ?? []) {
    const st = doc.resolve(v);
    if (st instanceof PdfStream && st.dict.name('Subtype') === 'Image') total += st.length;
  }
  return total;
}

/** pages drawing more image data than this are not text-sampled in range-loaded files (pdf.js loads the images) */
const MAX_PAGE_IMAGE_BYTES = 32 * 1024 * 1024;

async function sampleText(pdf: LoadedPdf, res: PdfInspection, maxPages: number, deadline: number, ranged?: CosDocument): Promise<void> {
  const n = pdf.doc.numPages;
  const pages: number[] = [];
  const half = Math.max(1, Math.floor(maxPages / 2));
  for (let i = 1; i <= Math.min(n, half); i++) pages.push(i);
  for (let i = Math.max(half + 1, n - (maxPages - half) + 1); i <= n; i++) pages.push(i);
  let chars = 0;
  for (const i of pages) {
    const page = await withDeadline(pdf.doc.getPage(i), deadline);
    if (ranged && pageImageBytes(ranged, page.ref?.num ?? -1) > MAX_PAGE_IMAGE_BYTES) {
      res.textPagesSkipped++;
      continue;
    }
    const tc = await withDeadline(page.getTextContent(), deadline);
    for (const it of tc.items) if ('str' in it) chars += it.str.replace(/\s+/g, '').length;
    page.cleanup();
    res.textPagesSampled++;
  }
  res.textChars = chars;
  res.imageOnly = n > 0 && chars === 0 && res.textPagesSampled > 0;
}

function describeEncryption(doc: CosDocument, enc: PdfDict): PdfEncryption {
  const filter = enc.name('Filter') ?? 'unknown';
  const num = (k: string): number | undefined => {
    const v = doc.resolve(enc.get(k));
    return typeof v === 'number' ? v : undefined;
  };
  const v = num('V');
  const r = num('R');
  const length = num('Length');
  let method: PdfEncryption['method'] = 'unknown';
  if (filter !== 'Standard' && /PubSec|pubsec/.test(filter + (enc.name('SubFilter') ?? ''))) method = 'public-key';
  else if (v === 1 || v === 2) method = 'RC4';
  else if (v === 4 || v === 5) {
    const cf = doc.dict(enc.get('CF'));
    const stmf = enc.name('StmF') ?? 'StdCF';
    const f = doc.dict(cf?.get(stmf));
    const cfm = f?.name('CFM');
    method = cfm === 'AESV3' ? 'AES-256' : cfm === 'AESV2' ? 'AES-128' : cfm === 'V2' ? 'RC4' : v === 5 ? 'AES-256' : 'unknown';
  }
  if (filter === 'Adobe.PubSec' || enc.name('SubFilter')?.startsWith('adbe.pkcs7.s')) method = 'public-key';
  const out: PdfEncryption = { filter, method, userPasswordRequired: true };
  const sf = enc.name('SubFilter');
  if (sf) out.subFilter = sf;
  if (v !== undefined) out.v = v;
  if (r !== undefined) out.r = r;
  if (length !== undefined) out.length = length;
  return out;
}

function readXmpStream(doc: CosDocument): string | null {
  const root = doc.dict(doc.trailer.get('Root'));
  const md = doc.resolve(root?.get('Metadata'));
  if (!(md instanceof PdfStream)) return null;
  const data = doc.streamData(md, 16 * 1024 * 1024);
  return data ? data.toString('utf8') : null;
}

function toInfo(m: Map<string, string | { nonString: true }>): PdfInfo {
  const s = (k: string): string | undefined => {
    const v = m.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const info: PdfInfo = {};
  const set = (k: keyof PdfInfo, v: string | undefined): void => {
    if (v !== undefined && v !== '') info[k] = v;
  };
  set('title', s('Title'));
  set('author', s('Author'));
  set('subject', s('Subject'));
  set('keywords', s('Keywords'));
  set('creator', s('Creator'));
  set('producer', s('Producer'));
  const c = s('CreationDate');
  if (c) set('created', pdfDateToIso(c));
  const md = s('ModDate');
  if (md) set('modified', pdfDateToIso(md));
  return info;
}


