/**
 * One pass over every live object of a PDF (through the xref, object streams included) collecting the facts the
 * validator and the PDF/A claim check need: JavaScript, Launch and other actions, additional-actions (/AA) and where
 * they sit, embedded files and their file specifications, /AF references; plus a cycle-safe page-tree walk.
 *
 * Bounded: at most `maxObjects` objects and `budgetMs` of time (then `complete: false`). Stream data is not read,
 * except the first bytes of embedded files (to tell whether they are PDFs).
 * Deliberately NOT done: content streams, fonts, annotations other than their action/AA keys, decryption (in an
 * encrypted file the object streams cannot be read, so the scan is marked incomplete).
 */
import { CosDocument, PdfDict, PdfRef, PdfStream, PdfString, type PdfObject } from './cos.ts';

export type FileSpecFact = { num: number; afRelationship?: string; hasUF: boolean; hasF: boolean; subtype?: string; isPdf: boolean | 'unknown' };

export type ScanFacts = {
  complete: boolean;
  objects: number;
  javascript: boolean;
  launch: boolean;
  /** action types present (S values) */
  actions: Set<string>;
  /** Named actions (/N) */
  namedActions: Set<string>;
  /** where /AA dictionaries sit: 'Catalog' | 'Page' | 'Widget' | 'Other' */
  aaIn: Set<string>;
  fileSpecs: FileSpecFact[];
  embeddedFileStreams: number;
  /** object numbers referenced from any /AF array */
  afRefs: Set<number>;
  catalogHasEmbeddedFilesTree: boolean;
  catalogHasPieceInfo: boolean;
};

export function scanObjects(doc: CosDocument, maxObjects = 500_000, budgetMs = 5_000): ScanFacts {
  const facts: ScanFacts = {
    complete: true, objects: 0, javascript: false, launch: false, actions: new Set(), namedActions: new Set(), aaIn: new Set(),
    fileSpecs: [], embeddedFileStreams: 0, afRefs: new Set(), catalogHasEmbeddedFilesTree: false, catalogHasPieceInfo: false,
  };
  const t0 = Date.now();
  const root = doc.dict(doc.trailer.get('Root'));
  if (root) {
    const names = doc.dict(root.get('Names'));
    if (names?.has('EmbeddedFiles')) facts.catalogHasEmbeddedFilesTree = true;
    if (names?.has('JavaScript')) facts.javascript = true;
    if (root.has('PieceInfo')) facts.catalogHasPieceInfo = true;
  }
  const visit = (num: number, o: PdfObject | undefined, depth: number): void => {
    if (depth > 40 || o === undefined || o === null) return;
    if (Array.isArray(o)) {
      for (const x of o) visit(num, x, depth + 1);
      return;
    }
    const d = o instanceof PdfStream ? o.dict : o instanceof PdfDict ? o : null;
    if (!d) return;
    const s = d.name('S');
    if (s) {
      facts.actions.add(s);
      if (s === 'JavaScript') facts.javascript = true;
      if (s === 'Launch') facts.launch = true;
      if (s === 'Named') {
        const n = d.name('N');
        if (n) facts.namedActions.add(n);
      }
    }
    if (d.has('JS') && (s === 'JavaScript' || !s)) facts.javascript = true;
    if (d.has('AA')) {
      const t = d.name('Type');
      facts.aaIn.add(t === 'Catalog' ? 'Catalog' : t === 'Page' ? 'Page' : d.name('Subtype') === 'Widget' ? 'Widget' : 'Other');
    }
    if (d.has('EF') && depth <= 1) {
      const ef = doc.dict(d.get('EF'));
      const fref = ef?.get('F') ?? ef?.get('UF');
      let subtype: string | undefined;
      let isPdf: boolean | 'unknown' = 'unknown';
      const st = doc.resolve(fref);
      if (st instanceof PdfStream) {
        subtype = st.dict.name('Subtype');
        const head = doc.streamData(st, 16 * 1024 * 1024);
        if (head) isPdf = head.subarray(0, 1024).includes('%PDF-');
      }
      facts.fileSpecs.push({
        num, hasUF: d.has('UF'), hasF: d.has('F'), isPdf,
        ...(d.name('AFRelationship') ? { afRelationship: d.name('AFRelationship')! } : {}),
        ...(subtype ? { subtype } : {}),
      });
    }
    if (o instanceof PdfStream && d.name('Type') === 'EmbeddedFile') facts.embeddedFileStreams++;
    const af = d.get('AF');
    if (af !== undefined) {
      const arr = af instanceof PdfRef ? doc.resolve(af) : af;
      if (Array.isArray(arr)) for (const x of arr) if (x instanceof PdfRef) facts.afRefs.add(x.num);
      if (af instanceof PdfRef) facts.afRefs.add(af.num);
    }
    for (const [k, v] of d.map) {
      if (k === 'Parent' || k === 'P') continue;
      if (v instanceof PdfDict || Array.isArray(v)) visit(num, v, depth + 1);
    }
  };
  for (const num of doc.xref.keys()) {
    if (facts.objects >= maxObjects || Date.now() - t0 > budgetMs) {
      facts.complete = false;
      break;
    }
    const e = doc.xref.get(num)!;
    if (e.type === 'f') continue;
    facts.objects++;
    let o: PdfObject | undefined;
    try {
      o = doc.getObject(num);
    } catch {
      continue;
    }
    if (o === undefined && e.type === 'c' && doc.trailer.has('Encrypt')) facts.complete = false;
    visit(num, o, 0);
  }
  return facts;
}

export type PageTreeFacts = { pages: number; cycle: boolean; countMismatch: boolean; broken: boolean };

/** Walks /Root /Pages with a visited set: cycles and bad /Count are reported, not followed. */
export function walkPageTree(doc: CosDocument, maxPages = 1_000_000): PageTreeFacts {
  const res: PageTreeFacts = { pages: 0, cycle: false, countMismatch: false, broken: false };
  const root = doc.dict(doc.trailer.get('Root'));
  const top = root?.get('Pages');
  if (!(top instanceof PdfRef) && !(top instanceof PdfDict)) {
    res.broken = true;
    return res;
  }
  const seen = new Set<number>();
  const stack: { o: PdfObject; depth: number }[] = [{ o: top, depth: 0 }];
  while (stack.length) {
    const { o, depth } = stack.pop()!;
    if (o instanceof PdfRef) {
      if (seen.has(o.num)) {
        res.cycle = true;
        continue;
      }
      seen.add(o.num);
    }
    const d = doc.dict(o);
    if (!d || depth > 256) {
      res.broken = true;
      continue;
    }
    const kids = doc.resolve(d.get('Kids'));
    const type = d.name('Type');
    if (type === 'Pages' || (type !== 'Page' && Array.isArray(kids))) {
      if (!Array.isArray(kids)) {
        res.broken = true;
        continue;
      }
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ o: kids[i]!, depth: depth + 1 });
    } else {
      res.pages++;
      if (res.pages > maxPages) break;
    }
  }
  const count = doc.dict(top)?.get('Count');
  if (typeof count === 'number' && count !== res.pages) res.countMismatch = true;
  return res;
}

/** Info dictionary entries as strings (null/indirect-null = absent; non-string = present but not a string). */
export function readInfo(doc: CosDocument): Map<string, string | { nonString: true }> {
  const out = new Map<string, string | { nonString: true }>();
  const info = doc.dict(doc.trailer.get('Info'));
  if (!info) return out;
  for (const [k, v] of info.map) {
    const r = doc.resolve(v);
    if (r === undefined || r === null) continue;
    if (r instanceof PdfString) out.set(k, r.text());
    else out.set(k, { nonString: true });
  }
  return out;
}

