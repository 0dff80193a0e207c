/**
 * PDF/A claim check: reads the XMP PDF/A identification (pdfaid:part / conformance / rev) and runs the cheap,
 * honest subset of ISO 19005 rules we can test without a full validator. `consistent: false` means a checked rule is
 * broken; `true` means every rule we check passed (it does NOT mean the file is valid PDF/A — fonts, colour spaces,
 * transparency, structure tagging etc. are not checked; run veraPDF for that); `'unknown'` when nothing applied.
 *
 * Clauses covered (tested against every file of these veraPDF-corpus folders):
 *   - identification: 19005-1 6.7.11, 19005-2 6.6.4, 19005-4 6.7.3 (namespace, prefix pdfaid, part, conformance,
 *     rev for part 4; "corr" not predefined in part 1)
 *   - file header 6.1.2 (all parts): %PDF-n.m at byte 0 (part 2/3: 1.0–1.7; part 4: 2.x), single EOL, binary comment
 *   - file trailer 6.1.3 (parts 1, 2, 4): ID in the last trailer (first-page trailer when linearized), ID = 2 strings,
 *     no /Encrypt, nothing but one EOL after the last %%EOF, part 4: no /Info unless the catalog has /PieceInfo,
 *     part 4: Info has nothing but ModDate
 *   - Info vs XMP 19005-1 6.1.5 / 6.7.3 (part 1 only): Title, Author, Subject, Keywords, Creator, Producer,
 *     CreationDate, ModDate, compared exactly; dc:creator must be a single entry. Not applied to parts 2–3: the
 *     corpus's PDF_A-2b 6-1-3-t01-pass-a has Producer "… 1.0 " vs XMP "… 1.0" and is labelled pass.
 *   - actions 19005-1 6.6.1/6.6.2, 19005-2 6.5.1/6.5.2: forbidden action types, non-standard Named actions,
 *     /AA on the catalog, pages and widgets
 *   - embedded files: part 1 forbids them; part 2 only PDFs; part 3 (6.8) /AFRelationship present and referenced
 *     from an /AF array
 * Known deviation: PDF_A-4f 6-7-3-t01-fail-b (no pdfaid:conformance) is judged as the PDF/A-4 claim it makes, which
 * is consistent; that it was meant as 4f is not knowable from the file.
 * Not covered: PDF/A-4 6.9 embedded-file rules (MIME, UF/F, conformance of embedded files), 4f "must embed",
 * permissions (6.1.12), forms, fonts, colour, transparency, tagging, and PDF/A extension schemas.
 */
import type { FormatProblem } from '../model.ts';
import type { CosDocument } from './cos.ts';
import { PdfString } from './cos.ts';
import type { ScanFacts } from './scan.ts';
import type { PdfAClaim } from './types.ts';
import { NS, xmpText, type XmpValue } from './xmp.ts';

const problem = (code: string, en: string, zh: string): FormatProblem => ({ code, severity: 'error', message: { en, zh } });

const FORBIDDEN_ACTIONS = new Set(['Launch', 'Sound', 'Movie', 'ResetForm', 'ImportData', 'Hide', 'SetOCGState', 'Rendition', 'Trans', 'GoTo3DView', 'JavaScript', 'SetState', 'NOP']);
const ALLOWED_NAMED = new Set(['NextPage', 'PrevPage', 'FirstPage', 'LastPage']);

export type PdfAInput = {
  doc: CosDocument;
  xmp: XmpValue[] | null;
  info: Map<string, string | { nonString: true }>;
  facts: ScanFacts;
  encrypted: boolean;
};

export function checkPdfA(inp: PdfAInput): PdfAClaim | undefined {
  const { xmp } = inp;
  if (!xmp) return undefined;
  const idProps = xmp.filter((p) => ['part', 'conformance', 'rev', 'amd', 'corr'].includes(p.name) && (p.ns === NS.pdfaid || p.prefix === 'pdfaid' || /aiim\.org\/pdfa/.test(p.ns)));
  if (!idProps.length) return undefined;
  const problems: FormatProblem[] = [];
  const ok = idProps.filter((p) => p.ns === NS.pdfaid);
  let claimed = true;
  if (!ok.length) {
    claimed = false;
    problems.push(problem('pdfa-id-namespace', `PDF/A identification uses the namespace ${idProps[0]!.ns}, not ${NS.pdfaid}`, 'PDF/A 标识使用了错误的命名空间'));
  } else if (ok.some((p) => p.prefix !== 'pdfaid')) {
    claimed = false;
    problems.push(problem('pdfa-id-prefix', `PDF/A identification uses the prefix "${ok[0]!.prefix}", not "pdfaid"`, 'PDF/A 标识使用了错误的前缀'));
  }
  const get = (n: string): string | undefined => (ok.length ? ok : idProps).find((p) => p.name === n)?.text;
  const partS = get('part');
  const conformance = get('conformance');
  const rev = get('rev');
  const part = partS !== undefined && /^\d+$/.test(partS.trim()) ? Number(partS) : undefined;
  const claim: PdfAClaim = { claimed, consistent: 'unknown', problems, ...(part !== undefined ? { part } : {}), ...(conformance !== undefined ? { conformance } : {}), ...(rev !== undefined ? { rev } : {}) };

  if (partS === undefined) problems.push(problem('pdfa-id-part-missing', 'pdfaid:part is missing', '缺少 pdfaid:part'));
  else if (part === undefined || part < 1 || part > 4) problems.push(problem('pdfa-id-part-invalid', `pdfaid:part "${partS}" is not 1–4`, `pdfaid:part 取值无效：${partS}`));
  if (part !== undefined && part >= 1 && part <= 3) {
    const allowed = part === 1 ? ['A', 'B'] : ['A', 'B', 'U'];
    if (conformance === undefined) problems.push(problem('pdfa-id-conformance-missing', 'pdfaid:conformance is missing', '缺少 pdfaid:conformance'));
    else if (!allowed.includes(conformance)) problems.push(problem('pdfa-id-conformance-invalid', `pdfaid:conformance "${conformance}" is not one of ${allowed.join(', ')}`, `pdfaid:conformance 取值无效：${conformance}`));
    if (part === 1 && get('corr') !== undefined) problems.push(problem('pdfa-id-property', 'pdfaid:corr is not defined for PDF/A-1', 'PDF/A-1 标识不允许 pdfaid:corr'));
  }
  if (part === 4) {
    if (rev === undefined) problems.push(problem('pdfa-id-rev-missing', 'pdfaid:rev is missing (required for PDF/A-4)', 'PDF/A-4 缺少 pdfaid:rev'));
    else if (!/^\d{4}$/.test(rev)) problems.push(problem('pdfa-id-rev-invalid', `pdfaid:rev "${rev}" is not a four-digit year`, `pdfaid:rev 取值无效：${rev}`));
    if (conformance !== undefined && !['E', 'F'].includes(conformance)) problems.push(problem('pdfa-id-conformance-invalid', `pdfaid:conformance "${conformance}" is not allowed for PDF/A-4 (only E or F)`, 'PDF/A-4 的 pdfaid:conformance 只能是 E 或 F'));
  }
  const p = part !== undefined && part >= 1 && part <= 4 ? part : undefined;
  if (p !== undefined) {
    checkHeader(inp.doc, p, problems);
    checkTrailer(inp, p, problems);
    if (p === 1) checkInfoVsXmp(inp, problems);
    checkActions(inp.facts, problems);
    checkEmbedded(inp.facts, p, problems);
    if (!inp.facts.complete) problems.push({ ...problem('pdfa-scan-incomplete', 'the object scan was incomplete (encrypted object streams or limits): action/embedded-file checks may miss things', '对象扫描不完整'), severity: 'warning' });
  }
  claim.consistent = problems.some((x) => x.severity === 'error') ? false : p !== undefined ? true : 'unknown';
  return claim;
}

function checkHeader(doc: CosDocument, part: number, problems: FormatProblem[]): void {
  const head = doc.src.read(0, 64).toString('latin1');
  const m = /^%PDF-(\d\.\d)(\r\n|\r|\n)/.exec(head);
  if (!m) {
    problems.push(problem('pdfa-header', 'the file does not start with "%PDF-n.m" followed by a single end-of-line', '文件头不符合 PDF/A（%PDF-n.m 后须紧跟单个换行）'));
    return;
  }
  const v = m[1]!;
  if ((part === 2 || part === 3) && !/^1\.[0-7]$/.test(v)) problems.push(problem('pdfa-header-version', `header version ${v} is not allowed for PDF/A-${part} (1.0–1.7)`, `PDF/A-${part} 不允许版本 ${v}`));
  if (part === 4 && !/^2\.\d$/.test(v)) problems.push(problem('pdfa-header-version', `header version ${v} is not allowed for PDF/A-4 (2.x)`, `PDF/A-4 不允许版本 ${v}`));
  const rest = Buffer.from(head.slice(m[0].length), 'latin1');
  if (!(rest[0] === 0x25 && rest.length >= 5 && [1, 2, 3, 4].every((i) => rest[i]! > 127)))
    problems.push(problem('pdfa-header-comment', 'the header is not followed by a comment with at least four bytes above 127', '文件头后缺少含 4 个以上二进制字节的注释行'));
}

function checkTrailer(inp: PdfAInput, part: number, problems: FormatProblem[]): void {
  const { doc } = inp;
  if (!doc.sections.length) return;
  const byOffset = [...doc.sections].sort((a, b) => a.offset - b.offset);
  const last = byOffset[byOffset.length - 1]!.trailer;
  const first = byOffset[0]!.trailer;
  // linearized: the first object in the file is a dictionary with /Linearized
  let linearized = false;
  try {
    const s = doc.src.read(0, 2048).toString('latin1');
    const mm = /\d+\s+\d+\s+obj\s*<<[^>]*\/Linearized/.exec(s);
    linearized = !!mm;
  } catch {
    /* ignore */
  }
  const tr = linearized ? first : last;
  const id = tr.get('ID');
  if (id === undefined) problems.push(problem('pdfa-trailer-id', `the ${linearized ? 'first-page' : 'last'} trailer has no /ID`, `${linearized ? '首页' : '最后的'} trailer 缺少 /ID`));
  else if (!Array.isArray(id) || id.length !== 2 || !id.every((x) => x instanceof PdfString && x.bytes.length > 0))
    problems.push(problem('pdfa-trailer-id', 'trailer /ID is not an array of two non-empty strings', 'trailer /ID 不是两个字符串组成的数组'));
  if (inp.encrypted || doc.trailer.has('Encrypt')) problems.push(problem('pdfa-encrypted', 'PDF/A forbids encryption (/Encrypt in the trailer)', 'PDF/A 不允许加密'));
  const revs = doc.revisions;
  const lastRev = revs[revs.length - 1];
  if (lastRev && doc.src.size > lastRev.end) problems.push(problem('pdfa-data-after-eof', `${doc.src.size - lastRev.end} bytes follow the last %%EOF`, '最后的 %%EOF 之后还有数据'));
  if (part === 4) {
    if (doc.trailer.has('Info') && !inp.facts.catalogHasPieceInfo) problems.push(problem('pdfa-info-present', 'PDF/A-4: the trailer has /Info but the catalog has no /PieceInfo', 'PDF/A-4：无 PieceInfo 时不应有 Info 字典'));
    const keys = [...inp.info.keys()].filter((k) => k !== 'ModDate');
    if (keys.length) problems.push(problem('pdfa-info-keys', `PDF/A-4: the Info dictionary has entries other than ModDate: ${keys.join(', ')}`, 'PDF/A-4：Info 字典只允许 ModDate'));
  }
}

const INFO_XMP: [string, string, string][] = [
  ['Title', NS.dc, 'title'],
  ['Author', NS.dc, 'creator'],
  ['Subject', NS.dc, 'description'],
  ['Keywords', NS.pdf, 'Keywords'],
  ['Creator', NS.xmp, 'CreatorTool'],
  ['Producer', NS.pdf, 'Producer'],
  ['CreationDate', NS.xmp, 'CreateDate'],
  ['ModDate', NS.xmp, 'ModifyDate'],
];

function checkInfoVsXmp(inp: PdfAInput, problems: FormatProblem[]): void {
  const xmp = inp.xmp ?? [];
  for (const [key, ns, name] of INFO_XMP) {
    const iv = inp.info.get(key);
    if (iv === undefined) continue;
    const xv = xmpText(xmp, ns, name);
    const bad = (why: string): void => {
      problems.push(problem('pdfa-info-xmp-mismatch', `Info /${key} and XMP ${name}: ${why}`, `Info /${key} 与 XMP ${name} 不一致`));
    };
    if (typeof iv !== 'string') {
      bad('the Info value is not a string');
      continue;
    }
    if (!xv || xv.value === undefined) {
      bad('missing in XMP');
      continue;
    }
    if (key === 'Author' && xv.count !== 1) {
      bad('dc:creator must have exactly one entry');
      continue;
    }
    const equal = key === 'CreationDate' || key === 'ModDate' ? sameDate(iv, xv.value) : iv === xv.value;
    if (!equal) bad(`"${iv}" ≠ "${xv.value}"`);
  }
}

/** PDF date (D:YYYYMMDDHHmmSSOHH'mm') vs XMP date (ISO 8601): same instant (or same fields when a zone is missing). */
export function sameDate(pdf: string, xmp: string): boolean {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?$/.exec(pdf.trim());
  const x = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(xmp.trim());
  if (!m || !x) return false;
  const pf = [m[1], m[2] ?? '01', m[3] ?? '01', m[4] ?? '00', m[5] ?? '00', m[6] ?? '00'];
  const xf = [x[1], x[2] ?? '01', x[3] ?? '01', x[4] ?? '00', x[5] ?? '00', x[6] ?? '00'];
  const pz = m[7] ? (m[7].toUpperCase() === 'Z' ? 'Z' : `${m[7]}${m[8] ?? '00'}:${m[9] ?? '00'}`) : undefined;
  const xz = x[7];
  if (!pz || !xz) return pf.join() === xf.join() && (!pz || !xz);
  const iso = (f: (string | undefined)[], z: string): number => Date.parse(`${f[0]}-${f[1]}-${f[2]}T${f[3]}:${f[4]}:${f[5]}${z === 'Z' ? 'Z' : z}`);
  return iso(pf, pz) === iso(xf, xz);
}

function checkActions(f: ScanFacts, problems: FormatProblem[]): void {
  const bad = [...f.actions].filter((a) => FORBIDDEN_ACTIONS.has(a));
  if (bad.length) problems.push(problem('pdfa-action-forbidden', `forbidden action types: ${bad.join(', ')}`, `存在 PDF/A 禁止的动作：${bad.join('、')}`));
  const named = [...f.namedActions].filter((n) => !ALLOWED_NAMED.has(n));
  if (named.length) problems.push(problem('pdfa-action-named', `non-standard Named actions: ${named.join(', ')}`, `存在不允许的命名动作：${named.join('、')}`));
  const aa = [...f.aaIn].filter((w) => w !== 'Other');
  if (aa.length) problems.push(problem('pdfa-additional-actions', `additional-actions (/AA) on: ${aa.join(', ')}`, `存在附加动作 /AA：${aa.join('、')}`));
}

function checkEmbedded(f: ScanFacts, part: number, problems: FormatProblem[]): void {
  const n = Math.max(f.fileSpecs.length, f.embeddedFileStreams);
  if (!n && !f.catalogHasEmbeddedFilesTree) return;
  if (part === 1) {
    problems.push(problem('pdfa-embedded-files', 'PDF/A-1 forbids embedded files', 'PDF/A-1 不允许嵌入文件'));
    return;
  }
  if (part === 2) {
    const nonPdf = f.fileSpecs.filter((s) => s.isPdf === false);
    if (nonPdf.length) problems.push(problem('pdfa-embedded-non-pdf', `PDF/A-2 allows only (PDF/A) PDF attachments; ${nonPdf.length} are not PDFs`, 'PDF/A-2 只允许嵌入 PDF/A 文件'));
    return;
  }
  if (part === 3) {
    for (const s of f.fileSpecs) {
      if (!s.afRelationship) problems.push(problem('pdfa-af-relationship', `embedded file spec ${s.num} has no /AFRelationship`, `嵌入文件 ${s.num} 缺少 /AFRelationship`));
      if (!f.afRefs.has(s.num)) problems.push(problem('pdfa-af-missing', `embedded file spec ${s.num} is not referenced from any /AF array`, `嵌入文件 ${s.num} 未被 /AF 引用`));
    }
  }
}
