/**
 * Renders a `DocSpec` to PDF: A4, Noto Sans SC embedded as a subset (every glyph extracts and displays in
 * pdf.js and poppler), Chinese line breaking (UAX #14 between ideographs; over-long Latin runs such as
 * paths and digests are cut where they overflow), repeated table header rows, header/footer with
 * 第 n 页 共 N 页, metadata, QR codes and an optional watermark.
 *
 * Layout is synchronous CPU work on the calling thread (≈ 0.2 s for a short document, ≈ 1 ms per table
 * row beyond that): callers rendering big documents inside a server should do so off the request path.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FONT_FAMILY, loadFonts } from './fonts.ts';
import { createPdfKitDocument, type PdfKitDocument, type PmDocDefinition, type PmNode, type PmNodeInfo, type PmObject } from './pdfmake.ts';
import type { Block, Cell, CellSpec, DocSpec, Inline, Span, TableBlock, Watermark } from './spec.ts';
import { zhPageLabel } from './spec.ts';

const GREY = '#666666';
const LINE = '#b8bec8';
const HEADER_FILL = '#e8edf3';
const ZEBRA_FILL = '#f7f8fa';
/** A heading that would start below this fraction of the page goes to the next page with what follows. */
const KEEP_WITH_NEXT_RATIO = 0.85;

function isSpanList(x: Inline | CellSpec): x is readonly (string | Span)[] {
  return Array.isArray(x);
}

function inline(text: Inline): string | PmNode[] {
  if (typeof text === 'string') return text;
  return text.map((s): PmNode => (typeof s === 'string' ? s : style({ text: s.text }, { bold: s.bold, color: s.color, fontSize: s.size })));
}

/** Copies the defined style keys onto `node` (pdfmake treats an explicit `undefined` like a missing key, but keep nodes small). */
function style(node: PmObject, keys: Record<string, string | number | boolean | undefined>): PmObject {
  for (const [k, v] of Object.entries(keys)) if (v !== undefined) node[k] = v;
  return node;
}

function cellSpec(c: Cell): CellSpec {
  return typeof c === 'string' || isSpanList(c) ? { text: c } : c;
}

/** pdfmake wants a placeholder for every spanned cell. */
function row(cells: readonly Cell[], ncols: number, align: readonly (string | undefined)[], where: string): PmNode[] {
  const out: PmNode[] = [];
  for (const c of cells) {
    const s = cellSpec(c);
    const span = s.colSpan ?? 1;
    if (!Number.isInteger(span) || span < 1) throw new Error(`pdf: ${where}: colSpan must be a positive integer`);
    out.push(style({ text: inline(s.text) }, { bold: s.bold, color: s.color, fillColor: s.fill, alignment: s.align ?? (span === 1 ? align[out.length] : undefined), fontSize: s.size, colSpan: span > 1 ? span : undefined }));
    for (let i = 1; i < span; i++) out.push({ text: '' });
  }
  if (out.length !== ncols) throw new Error(`pdf: ${where} spans ${out.length} columns, the table has ${ncols}`);
  return out;
}

function gridLayout(headerRows: number, zebra: boolean, border = LINE, padding = 4): PmObject {
  return {
    hLineWidth: () => 0.5,
    vLineWidth: () => 0.5,
    hLineColor: () => border,
    vLineColor: () => border,
    paddingLeft: () => padding,
    paddingRight: () => padding,
    paddingTop: () => Math.max(2, padding / 2),
    paddingBottom: () => Math.max(2, padding / 2),
    fillColor: (rowIndex: number) => (rowIndex < headerRows ? HEADER_FILL : zebra && (rowIndex - headerRows) % 2 === 1 ? ZEBRA_FILL : null),
  };
}

function tableNode(b: TableBlock): PmObject {
  const n = b.columns.length;
  if (n === 0) throw new Error('pdf: a table needs at least one column');
  const align = b.columns.map((c) => c.align);
  const body: PmNode[][] = [];
  if (b.title !== undefined) body.push(row([{ bold: true, ...cellSpec(b.title), colSpan: n }], n, [], 'table title'));
  body.push(b.columns.map((c) => ({ text: inline(c.header), bold: true, alignment: c.align ?? 'left' })));
  const headerRows = body.length;
  if (b.rows.length === 0) body.push(row([{ text: b.empty ?? '—', colSpan: n, color: GREY }], n, [], 'empty row'));
  b.rows.forEach((r, i) => body.push(row(r, n, align, `table row ${i + 1}`)));
  return style(
    {
      table: { headerRows, keepWithHeaderRows: 1, dontBreakRows: true, widths: b.columns.map((c) => c.width ?? '*'), body },
      layout: gridLayout(headerRows, b.zebra ?? true),
      margin: [0, 2, 0, 10],
    },
    { fontSize: b.size },
  );
}

const HEADING_SIZE = { 1: 8, 2: 3, 3: 1 } as const;
const HEADING_MARGIN = { 1: [0, 4, 0, 10], 2: [0, 10, 0, 6], 3: [0, 8, 0, 4] } as const;

function blockNodes(blocks: readonly Block[], base: number): PmNode[] {
  const out: PmNode[] = [];
  let breakNext = false;
  for (const b of blocks) {
    if (b.kind === 'pageBreak') {
      breakNext = out.length > 0;
      continue;
    }
    const node = blockNode(b, base);
    if (breakNext) node.pageBreak = 'before';
    breakNext = false;
    out.push(node);
  }
  return out;
}

function blockNode(b: Exclude<Block, { kind: 'pageBreak' }>, base: number): PmObject {
  switch (b.kind) {
    case 'heading':
      return style(
        { text: inline(b.text), bold: true, fontSize: base + HEADING_SIZE[b.level], margin: [...HEADING_MARGIN[b.level]], headlineLevel: b.level },
        { alignment: b.align, pageBreak: b.newPage ? 'before' : undefined },
      );
    case 'paragraph':
      return style({ text: inline(b.text), margin: [0, 0, 0, b.spaceAfter ?? 6] }, { alignment: b.align, bold: b.bold, color: b.color, fontSize: b.size });
    case 'keyValue': {
      const body = b.rows.map(([k, v], i) => row([{ text: k, color: GREY }, v], 2, [], `key-value row ${i + 1}`));
      if (body.length === 0) return { text: '' };
      return {
        table: { widths: [b.keyWidth ?? 110, '*'], body, dontBreakRows: true },
        layout: b.bordered
          ? gridLayout(0, false)
          : { hLineWidth: () => 0, vLineWidth: () => 0, paddingLeft: () => 0, paddingRight: () => 8, paddingTop: () => 1.5, paddingBottom: () => 1.5 },
        margin: [0, 2, 0, 8],
      };
    }
    case 'table':
      return tableNode(b);
    case 'qr': {
      const code = style({ qr: b.value, fit: b.size ?? 96, eccLevel: b.ecc ?? 'M' }, { alignment: b.align });
      if (b.caption === undefined) return style({ stack: [code], margin: [0, 2, 0, 8] }, { alignment: b.align });
      return style({ stack: [code, { text: inline(b.caption), fontSize: base - 2, color: GREY, margin: [0, 2, 0, 0] }], margin: [0, 2, 0, 8] }, { alignment: b.align });
    }
    case 'box': {
      const pad = b.padding ?? 8;
      return {
        table: { widths: ['*'], body: [[style({ stack: blockNodes(b.blocks, base) }, { fillColor: b.fill })]] },
        layout: { ...gridLayout(0, false, b.border ?? LINE, pad), paddingTop: () => pad, paddingBottom: () => Math.max(0, pad - 6), hLineWidth: () => 0.8, vLineWidth: () => 0.8 },
        margin: [0, 4, 0, 10],
      };
    }
    case 'columns':
      return { columns: b.columns.map((c) => ({ width: c.width ?? '*', stack: blockNodes(c.blocks, base) })), columnGap: b.gap ?? 12, margin: [0, 0, 0, 6] };
    case 'list':
      return { [b.ordered ? 'ol' : 'ul']: b.items.map((i) => ({ text: inline(i) })), margin: [0, 0, 0, 6] };
    case 'spacer':
      return { canvas: [], margin: [0, b.height, 0, 0] };
  }
}

function watermark(w: string | Watermark): PmObject {
  const o = typeof w === 'string' ? { text: w } : w;
  return style({ text: o.text, font: FONT_FAMILY, bold: true, color: o.color ?? '#8a94a6', opacity: o.opacity ?? 0.12 }, { fontSize: o.size, angle: o.angle });
}

/** The pdfmake document definition for `spec` (fresh objects every call: pdfmake mutates what it lays out). */
export function toPdfmake(spec: DocSpec): PmDocDefinition {
  const base = spec.fontSize ?? 10;
  const margins = spec.margins ?? [50, 56, 50, 56];
  const [ml, mt, mr, mb] = margins;
  const info: Record<string, string | Date> = { title: spec.info.title, creator: 'Dangan', producer: 'Dangan (pdfmake 0.3)' };
  if (spec.info.author) info.author = spec.info.author;
  if (spec.info.subject) info.subject = spec.info.subject;
  if (spec.info.keywords?.length) info.keywords = spec.info.keywords.join(', ');
  if (spec.info.creationDate) info.creationDate = spec.info.creationDate;
  const small = Math.max(7, base - 2);
  const header = spec.header;
  const label = spec.pageLabel === undefined ? zhPageLabel : spec.pageLabel;
  const footerText = spec.footerText;
  const def: PmDocDefinition = {
    info,
    version: '1.7',
    language: spec.language ?? 'zh-CN',
    compress: spec.compress ?? true,
    pageSize: 'A4',
    pageOrientation: spec.orientation ?? 'portrait',
    pageMargins: [ml, mt, mr, mb],
    defaultStyle: { font: FONT_FAMILY, fontSize: base, lineHeight: 1.25 },
    content: blockNodes(spec.content, base),
    pageBreakBefore: (node: PmNodeInfo) => node.headlineLevel !== undefined && (node.startPosition?.verticalRatio ?? 0) > KEEP_WITH_NEXT_RATIO,
  };
  if (header && (header.left || header.right)) {
    def.header = () => ({
      columns: [
        { text: header.left ?? '', width: '*' },
        { text: header.right ?? '', width: 'auto', alignment: 'right' },
      ],
      fontSize: small,
      color: GREY,
      margin: [ml, Math.max(12, mt / 2 - small), mr, 0],
    });
  }
  if (label || footerText) {
    def.footer = (page, pages) => {
      const text = label ? label(page, pages) : '';
      const cols: PmNode[] = footerText
        ? [
            { text: footerText, width: '*' },
            { text, width: 'auto', alignment: 'right' },
          ]
        : [{ text, width: '*', alignment: 'center' }];
      return { columns: cols, fontSize: small, color: GREY, margin: [ml, Math.max(8, mb / 2 - small), mr, 0] };
    };
  }
  if (spec.watermark) def.watermark = watermark(spec.watermark);
  return def;
}

async function open(spec: DocSpec): Promise<PdfKitDocument> {
  const fonts = await loadFonts();
  try {
    return await createPdfKitDocument(toPdfmake(spec), fonts.families, fonts.files);
  } catch (e) {
    // pdfmake's QR encoder throws strings ('too large data for the Qr format')
    throw e instanceof Error ? e : new Error(`pdf: ${String(e)}`);
  }
}

/** Renders `spec` and streams the PDF into `out` (which is ended); resolves when `out` has finished. */
export async function renderPdfTo(spec: DocSpec, out: Writable): Promise<void> {
  const doc = await open(spec);
  const done = pipeline(doc, out);
  doc.end();
  await done;
}

/** Renders `spec` to one Buffer. */
export async function renderPdf(spec: DocSpec): Promise<Buffer> {
  const doc = await open(spec);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.once('end', resolve);
    doc.once('error', reject);
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
