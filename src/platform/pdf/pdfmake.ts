/**
 * The one place that touches pdfmake (0.3) — through its printer, not its global singleton, so no
 * process-wide font table, no console warnings about access policies, and no URL or local-file access:
 * every font comes from an in-memory file table, every URL and local path is refused. pdfmake ships no
 * types of its own; the shapes below are the subset we use, written from its source.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

/** A pdfmake content node as our translator writes it (pdfmake accepts many more keys). */
export type PmNode = string | PmObject | PmNode[];
export type PmObject = { [key: string]: PmValue };
export type PmValue = string | number | boolean | null | undefined | PmNode[] | PmObject | readonly (string | number)[] | PmFunction;
/** Callbacks pdfmake calls (table layout functions); their arguments are pdfmake's. */
export type PmFunction = (...args: never[]) => unknown;

export type PmFontFamily = { normal: string; bold: string; italics: string; bolditalics: string };

export type PmDocDefinition = {
  info: Record<string, string | Date>;
  version: '1.3' | '1.4' | '1.5' | '1.6' | '1.7';
  language?: string;
  compress: boolean;
  pageSize: string;
  pageOrientation: 'portrait' | 'landscape';
  pageMargins: [number, number, number, number];
  defaultStyle: PmObject;
  content: PmNode[];
  header?: (currentPage: number, pageCount: number) => PmNode | null;
  footer?: (currentPage: number, pageCount: number) => PmNode | null;
  watermark?: PmObject;
  pageBreakBefore?: (node: PmNodeInfo) => boolean;
};

/** What pdfmake tells `pageBreakBefore` about a laid-out node. */
export type PmNodeInfo = {
  headlineLevel?: number;
  startPosition?: { pageNumber: number; verticalRatio: number; top: number; pageInnerHeight: number };
  pageNumbers: number[];
};

/** pdfkit's document: a Readable that produces the PDF bytes once `end()` is called. */
export type PdfKitDocument = Readable & { end(): void };

type VirtualFs = {
  existsSync(name: string): boolean;
  readFileSync(name: string): Buffer;
  writeFileSync(name: string, content: Buffer): void;
};
type UrlResolver = { setUrlAccessPolicy(policy: (url: string) => boolean): void };
type PrinterInstance = { createPdfKitDocument(def: PmDocDefinition, options: { tableLayouts?: Record<string, PmObject> }): Promise<PdfKitDocument> };
type PrinterCtor = new (
  fonts: Record<string, PmFontFamily>,
  vfs: VirtualFs,
  urlResolver: UrlResolver,
  localAccessPolicy: (path: string) => boolean,
) => PrinterInstance;
type UrlResolverCtor = new (vfs: VirtualFs) => UrlResolver;

const require = createRequire(import.meta.url);
let modules: { Printer: PrinterCtor; URLResolver: UrlResolverCtor } | undefined;
function load() {
  modules ??= {
    Printer: (require('pdfmake/js/Printer.js') as { default: PrinterCtor }).default,
    URLResolver: (require('pdfmake/js/URLResolver.js') as { default: UrlResolverCtor }).default,
  };
  return modules;
}

/** An in-memory file table pdfmake reads fonts from (never written to: no URL is ever fetched). */
class MemoryFs implements VirtualFs {
  readonly #files: ReadonlyMap<string, Buffer>;
  constructor(files: ReadonlyMap<string, Buffer>) {
    this.#files = files;
  }
  existsSync(name: string): boolean {
    return this.#files.has(name);
  }
  readFileSync(name: string): Buffer {
    const b = this.#files.get(name);
    if (!b) throw new Error(`pdf: no in-memory file '${name}'`);
    return b;
  }
  writeFileSync(name: string): void {
    throw new Error(`pdf: refusing to store '${name}' (no downloads)`);
  }
}

/**
 * Lays out and renders `def`; resolves to the pdfkit document (call `end()` after attaching a consumer).
 * `files` holds the font bytes under the names `fonts` refers to.
 */
export async function createPdfKitDocument(
  def: PmDocDefinition,
  fonts: Record<string, PmFontFamily>,
  files: ReadonlyMap<string, Buffer>,
): Promise<PdfKitDocument> {
  const { Printer, URLResolver } = load();
  const vfs = new MemoryFs(files);
  const resolver = new URLResolver(vfs);
  resolver.setUrlAccessPolicy(() => false);
  // pdfmake rewrites the font table while resolving it: give it a copy.
  const fontCopy = Object.fromEntries(Object.entries(fonts).map(([k, v]) => [k, { ...v }]));
  const printer = new Printer(fontCopy, vfs, resolver, () => false);
  return printer.createPdfKitDocument(def, {});
}
