/**
 * What a Dangan PDF is made of: a small, typed document model (blocks of Chinese/Latin text, tables,
 * key–value lists, QR codes, boxes) plus builders. It knows nothing of archives — check reports, notices
 * and certificates are composed from it elsewhere. `render.ts` turns it into pdfmake's document format.
 */

/** '#rrggbb' (or a CSS colour name pdfkit knows). */
export type Color = string;
export type Align = 'left' | 'center' | 'right' | 'justify';

/** A styled run of text inside a paragraph or cell. */
export type Span = { text: string; bold?: boolean; color?: Color; size?: number };
/** Plain text, or runs of differently styled text on the same lines. */
export type Inline = string | readonly (string | Span)[];

/** A table cell with its own style; a bare `Inline` is a plain cell. */
export type CellSpec = {
  text: Inline;
  bold?: boolean;
  color?: Color;
  fill?: Color;
  align?: Align;
  size?: number;
  /** spans this many columns; the spanned cells must not be given (the row is shorter) */
  colSpan?: number;
};
export type Cell = Inline | CellSpec;

export type ColumnWidth = number | '*' | 'auto' | `${number}%`;
export type TableColumn = { header: Inline; width?: ColumnWidth; align?: Align };

export type HeadingBlock = {
  kind: 'heading';
  text: Inline;
  level: 1 | 2 | 3;
  align?: Align;
  /** start on a new page */
  newPage?: boolean;
};
export type ParagraphBlock = {
  kind: 'paragraph';
  text: Inline;
  align?: Align;
  bold?: boolean;
  color?: Color;
  size?: number;
  /** space after, in points (default 6) */
  spaceAfter?: number;
};
export type KeyValueBlock = {
  kind: 'keyValue';
  rows: readonly (readonly [Inline, Cell])[];
  /** width of the key column in points (default 110) */
  keyWidth?: number;
  /** draw cell borders (default false: a borderless list) */
  bordered?: boolean;
};
export type TableBlock = {
  kind: 'table';
  columns: readonly TableColumn[];
  rows: readonly (readonly Cell[])[];
  /** a caption row spanning all columns above the column headers; repeated with them on every page */
  title?: Cell;
  /** shown in one spanning row when `rows` is empty (default '—') */
  empty?: Inline;
  /** font size of the table (default: the document's) */
  size?: number;
  /** alternate row shading (default true) */
  zebra?: boolean;
};
export type QrBlock = {
  kind: 'qr';
  /** the encoded text (UTF-8, byte mode unless it is all digits or upper-case alphanumerics) */
  value: string;
  /** edge length in points (default 96) */
  size?: number;
  /** error correction (default 'M') */
  ecc?: 'L' | 'M' | 'Q' | 'H';
  align?: 'left' | 'center' | 'right';
  caption?: Inline;
};
export type BoxBlock = {
  kind: 'box';
  blocks: readonly Block[];
  fill?: Color;
  border?: Color;
  /** inner padding in points (default 8) */
  padding?: number;
};
export type ColumnsBlock = {
  kind: 'columns';
  columns: readonly { width?: ColumnWidth; blocks: readonly Block[] }[];
  /** gap between columns in points (default 12) */
  gap?: number;
};
export type ListBlock = { kind: 'list'; items: readonly Inline[]; ordered?: boolean };
export type SpacerBlock = { kind: 'spacer'; height: number };
export type PageBreakBlock = { kind: 'pageBreak' };

export type Block =
  | HeadingBlock
  | ParagraphBlock
  | KeyValueBlock
  | TableBlock
  | QrBlock
  | BoxBlock
  | ColumnsBlock
  | ListBlock
  | SpacerBlock
  | PageBreakBlock;

export type DocInfo = {
  title: string;
  author?: string;
  subject?: string;
  keywords?: readonly string[];
  /** fixes CreationDate (and with it the file ID): the same spec then renders to the same bytes */
  creationDate?: Date;
};

export type Watermark = { text: string; opacity?: number; color?: Color; size?: number; angle?: number };

/** The label in the footer; `false` turns page numbers off. */
export type PageLabel = ((page: number, pages: number) => string) | false;

export type DocSpec = {
  info: DocInfo;
  /** BCP 47 language of the document (default 'zh-CN') */
  language?: string;
  orientation?: 'portrait' | 'landscape';
  /** [left, top, right, bottom] in points (default [50, 56, 50, 56]) */
  margins?: readonly [number, number, number, number];
  /** body font size in points (default 10) */
  fontSize?: number;
  /** small grey text at the top of every page */
  header?: { left?: string; right?: string };
  /** left part of the footer; the page label is on the right (centred when there is no left text) */
  footerText?: string;
  /** default: 第 n 页 共 N 页 (`zhPageLabel`) */
  pageLabel?: PageLabel;
  watermark?: string | Watermark;
  /** compress content streams (default true; tests may turn it off) */
  compress?: boolean;
  content: readonly Block[];
};

export const zhPageLabel = (page: number, pages: number): string => `第 ${page} 页 共 ${pages} 页`;
export const enPageLabel = (page: number, pages: number): string => `Page ${page} of ${pages}`;

// ---- builders -------------------------------------------------------------------------------------

export const span = (text: string, style: Omit<Span, 'text'> = {}): Span => ({ text, ...style });
export const bold = (text: string, color?: Color): Span => (color ? { text, bold: true, color } : { text, bold: true });

export const heading = (text: Inline, level: 1 | 2 | 3 = 1, opts: Omit<HeadingBlock, 'kind' | 'text' | 'level'> = {}): HeadingBlock => ({
  kind: 'heading',
  text,
  level,
  ...opts,
});
export const title = (text: Inline): HeadingBlock => ({ kind: 'heading', text, level: 1, align: 'center' });
export const paragraph = (text: Inline, opts: Omit<ParagraphBlock, 'kind' | 'text'> = {}): ParagraphBlock => ({ kind: 'paragraph', text, ...opts });
export const keyValue = (rows: KeyValueBlock['rows'], opts: Omit<KeyValueBlock, 'kind' | 'rows'> = {}): KeyValueBlock => ({ kind: 'keyValue', rows, ...opts });
export const table = (
  columns: readonly TableColumn[],
  rows: TableBlock['rows'],
  opts: Omit<TableBlock, 'kind' | 'columns' | 'rows'> = {},
): TableBlock => ({ kind: 'table', columns, rows, ...opts });
export const qr = (value: string, opts: Omit<QrBlock, 'kind' | 'value'> = {}): QrBlock => ({ kind: 'qr', value, ...opts });
export const box = (blocks: readonly Block[], opts: Omit<BoxBlock, 'kind' | 'blocks'> = {}): BoxBlock => ({ kind: 'box', blocks, ...opts });
export const columns = (cols: ColumnsBlock['columns'], opts: Omit<ColumnsBlock, 'kind' | 'columns'> = {}): ColumnsBlock => ({ kind: 'columns', columns: cols, ...opts });
export const list = (items: readonly Inline[], ordered = false): ListBlock => ({ kind: 'list', items, ordered });
export const spacer = (height: number): SpacerBlock => ({ kind: 'spacer', height });
export const pageBreak = (): PageBreakBlock => ({ kind: 'pageBreak' });
