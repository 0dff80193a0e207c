/**
 * A small, defensive reader for the PDF object layer (ISO 32000 "COS"): tokens, objects, cross-reference tables and
 * streams, incremental-update revisions, object streams, FlateDecode with PNG predictors.
 *
 * Reads through a file handle in windows (never the whole file unless it is small), so a 1 GB PDF costs a few MB.
 * Written for hostile input: nesting depth, object counts and window sizes are bounded, and every failure becomes a
 * `CosError` (callers turn it into a FormatProblem); nothing here throws anything else on purpose.
 *
 * Deliberately NOT done here: decryption (encrypted strings/streams stay encrypted — callers must know that), filters
 * other than FlateDecode (LZW, DCT, JBIG2… are left to pdf.js), content-stream parsing, fonts, rendering.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

export class CosError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
/** Thrown when a parse ran off the end of the window it was given (the caller reads a bigger window). */
class NeedMore extends Error {}

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(readonly num: number, readonly gen: number) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}
/** A string with its raw position in the file (`start`..`end` include the delimiters; -1 when not in the file). */
export class PdfString {
  constructor(readonly bytes: Buffer, readonly hex: boolean, readonly start: number, readonly end: number) {}
  /** PDFDocEncoding / UTF-16BE (BOM) / UTF-8 (BOM) text. */
  text(): string {
    return decodePdfText(this.bytes);
  }
}
export class PdfDict {
  constructor(readonly map: Map<string, PdfObject>) {}
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** the /Name value of `key`, when it is a name */
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
}
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** absolute file offset of the first data byte, -1 for streams read from memory */
    readonly dataStart: number,
    /** raw (encoded) length */
    readonly length: number,
    /** for streams that do not live in the file window (never used for file streams) */
    readonly inline?: Buffer,
  ) {}
}
export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream;

export function decodePdfText(b: Buffer): string {
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const n = (b.length - 2) >> 1;
    const sw = Buffer.alloc(n * 2);
    for (let i = 0; i < n; i++) {
      sw[2 * i] = b[3 + 2 * i] ?? 0;
      sw[2 * i + 1] = b[2 + 2 * i] ?? 0;
    }
    return sw.toString('utf16le');
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  // PDFDocEncoding ≈ Latin-1 for the printable range (the differences are rare punctuation)
  return b.toString('latin1');
}

// ---------------------------------------------------------------- lexer

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

type Tok =
  | { t: 'num'; v: number; int: boolean }
  | { t: 'name'; v: string }
  | { t: 'str'; v: PdfString }
  | { t: 'kw'; v: string }
  | { t: 'punct'; v: '[' | ']' | '<<' | '>>' | '{' | '}' }
  | { t: 'eof' };

const MAX_DEPTH = 100;

export class Lexer {
  pos: number;
  constructor(
    readonly buf: Buffer,
    /** file offset of buf[0]; -1 when the buffer is not a file window (object streams) */
    readonly base: number,
    start = 0,
    /** true when the buffer reaches the real end of its data (running out is EOF, not "need more") */
    readonly complete = true,
  ) {
    this.pos = start;
  }
  private abs(p: number): number {
    return this.base < 0 ? -1 : this.base + p;
  }
  private end(): never {
    if (!this.complete) throw new NeedMore();
    throw new CosError('pdf-parse-failed', 'unexpected end of data');
  }
  skipWs(): void {
    const b = this.buf;
    for (;;) {
      if (this.pos >= b.length) return;
      const c = b[this.pos]!;
      if (WS[c]) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      } else return;
    }
  }
  next(): Tok {
    this.skipWs();
    const b = this.buf;
    if (this.pos >= b.length) {
      if (!this.complete) throw new NeedMore();
      return { t: 'eof' };
    }
    const c = b[this.pos]!;
    if (c === 0x5b) return this.pos++, { t: 'punct', v: '[' };
    if (c === 0x5d) return this.pos++, { t: 'punct', v: ']' };
    if (c === 0x7b) return this.pos++, { t: 'punct', v: '{' };
    if (c === 0x7d) return this.pos++, { t: 'punct', v: '}' };
    if (c === 0x3c) {
      if (this.pos + 1 >= b.length) this.end();
      if (b[this.pos + 1] === 0x3c) return (this.pos += 2), { t: 'punct', v: '<<' };
      return this.hexString();
    }
    if (c === 0x3e) {
      if (this.pos + 1 >= b.length) this.end();
      if (b[this.pos + 1] === 0x3e) return (this.pos += 2), { t: 'punct', v: '>>' };
      this.pos++;
      return { t: 'kw', v: '>' };
    }
    if (c === 0x28) return this.litString();
    if (c === 0x2f) return this.name();
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const s = this.pos;
      let e = s + 1;
      while (e < b.length && ((b[e]! >= 0x30 && b[e]! <= 0x39) || b[e] === 0x2e || b[e] === 0x2d)) e++;
      if (e >= b.length && !this.complete) throw new NeedMore();
      this.pos = e;
      const txt = b.toString('latin1', s, e);
      const v = Number(txt.replace(/(?!^)-/g, ''));
      return { t: 'num', v: Number.isFinite(v) ? v : 0, int: !txt.includes('.') };
    }
    const s = this.pos;
    let e = s;
    while (e < b.length && !WS[b[e]!] && !DELIM[b[e]!]) e++;
    if (e >= b.length && !this.complete) throw new NeedMore();
    if (e === s) e = s + 1; // stray delimiter like ')'
    this.pos = e;
    return { t: 'kw', v: b.toString('latin1', s, e) };
  }
  private name(): Tok {
    const b = this.buf;
    let e = this.pos + 1;
    while (e < b.length && !WS[b[e]!] && !DELIM[b[e]!]) e++;
    if (e >= b.length && !this.complete) throw new NeedMore();
    const raw = b.toString('latin1', this.pos + 1, e);
    this.pos = e;
    const v = raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
    return { t: 'name', v };
  }
  private hexString(): Tok {
    const b = this.buf;
    const s = this.pos;
    let e = s + 1;
    while (e < b.length && b[e] !== 0x3e) e++;
    if (e >= b.length) this.end();
    const digits = b.toString('latin1', s + 1, e).replace(/[^0-9a-fA-F]/g, '');
    this.pos = e + 1;
    const bytes = Buffer.from(digits.length % 2 ? digits + '0' : digits, 'hex');
    return { t: 'str', v: new PdfString(bytes, true, this.abs(s), this.abs(e + 1)) };
  }
  private litString(): Tok {
    const b = this.buf;
    const s = this.pos;
    let p = s + 1;
    let depth = 1;
    const out: number[] = [];
    while (depth > 0) {
      if (p >= b.length) this.end();
      const c = b[p++]!;
      if (c === 0x5c) {
        if (p >= b.length) this.end();
        const d = b[p++]!;
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (map[d] !== undefined) out.push(map[d]);
        else if (d >= 0x30 && d <= 0x37) {
          let v = d - 0x30;
          for (let k = 0; k < 2 && p < b.length && b[p]! >= 0x30 && b[p]! <= 0x37; k++) v = v * 8 + (b[p++]! - 0x30);
          out.push(v & 0xff);
        } else if (d === 13) {
          if (b[p] === 10) p++;
        } else if (d !== 10) out.push(d);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        depth--;
        if (depth > 0) out.push(c);
      } else out.push(c);
    }
    this.pos = p;
    return { t: 'str', v: new PdfString(Buffer.from(out), false, this.abs(s), this.abs(p)) };
  }

  /** Parses one object (refs `n g R` are recognised); `depth` guards hostile nesting. */
  parseObject(depth = 0, first?: Tok): PdfObject {
    if (depth > MAX_DEPTH) throw new CosError('pdf-parse-failed', 'objects nested too deeply');
    const tok = first ?? this.next();
    switch (tok.t) {
      case 'num': {
        if (tok.int && tok.v >= 0) {
          const save = this.pos;
          const t2 = this.next();
          if (t2.t === 'num' && t2.int && t2.v >= 0) {
            const t3 = this.next();
            if (t3.t === 'kw' && t3.v === 'R') return new PdfRef(tok.v, t2.v);
          }
          this.pos = save;
        }
        return tok.v;
      }
      case 'name':
        return new PdfName(tok.v);
      case 'str':
        return tok.v;
      case 'punct': {
        if (tok.v === '[') {
          const arr: PdfObject[] = [];
          for (;;) {
            const t = this.next();
            if (t.t === 'punct' && t.v === ']') return arr;
            if (t.t === 'eof') throw new CosError('pdf-parse-failed', 'unterminated array');
            if (t.t === 'kw' && (t.v === 'endobj' || t.v === 'stream')) throw new CosError('pdf-parse-failed', 'unterminated array');
            arr.push(this.parseObject(depth + 1, t));
          }
        }
        if (tok.v === '<<') {
          const map = new Map<string, PdfObject>();
          for (;;) {
            const t = this.next();
            if (t.t === 'punct' && t.v === '>>') return new PdfDict(map);
            if (t.t === 'eof') throw new CosError('pdf-parse-failed', 'unterminated dictionary');
            if (t.t !== 'name') {
              if (t.t === 'kw' && (t.v === 'endobj' || t.v === 'stream')) throw new CosError('pdf-parse-failed', 'unterminated dictionary');
              continue; // lenient: skip junk
            }
            const vt = this.next();
            if (vt.t === 'punct' && vt.v === '>>') {
              map.set(t.v, null);
              return new PdfDict(map);
            }
            map.set(t.v, this.parseObject(depth + 1, vt));
          }
        }
        return null;
      }
      case 'kw':
        if (tok.v === 'true') return true;
        if (tok.v === 'false') return false;
        return null;
      case 'eof':
        throw new CosError('pdf-parse-failed', 'unexpected end of data');
    }
  }
}

// ---------------------------------------------------------------- file access

export class FileSource {
  readonly fd: number;
  readonly size: number;
  private whole: Buffer | null = null;
  constructor(path: string, wholeLimit = 8 * 1024 * 1024) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    if (this.size <= wholeLimit) this.whole = this.read(0, this.size, true);
  }
  read(pos: number, len: number, force = false): Buffer {
    if (pos < 0) pos = 0;
    const n = Math.max(0, Math.min(len, this.size - pos));
    if (this.whole && !force) return this.whole.subarray(pos, pos + n);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, buf, got, n - got, pos + got);
      if (r <= 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  }
  /** Calls fn over the file in chunks (with `overlap` bytes repeated), reusing one buffer (no allocation churn). */
  scan(chunk: number, overlap: number, fn: (buf: Buffer, pos: number) => boolean | void): void {
    const scratch = this.whole ? null : Buffer.allocUnsafe(chunk + overlap);
    for (let pos = 0; pos < this.size; pos += chunk) {
      let buf: Buffer;
      if (this.whole) buf = this.whole.subarray(pos, pos + chunk + overlap);
      else {
        const n = Math.min(chunk + overlap, this.size - pos);
        let got = 0;
        while (got < n) {
          const r = readSync(this.fd, scratch!, got, n - got, pos + got);
          if (r <= 0) break;
          got += r;
        }
        buf = scratch!.subarray(0, got);
      }
      if (fn(buf, pos) === false) return;
    }
  }
  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

// ---------------------------------------------------------------- xref, revisions

export type XrefEntry = { type: 'n'; offset: number; gen: number } | { type: 'c'; stream: number; index: number } | { type: 'f' };

export type XrefSection = {
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
};

export type Revision = {
  index: number;
  /** offset just after this revision's %%EOF marker (and its end-of-line) */
  end: number;
  /** offset of the %%EOF marker */
  eofAt: number;
  /** the startxref value that precedes this %%EOF */
  startxref: number | null;
};

export type StructureNote = { code: string; severity: 'error' | 'warning'; en: string; zh: string };

const MAX_WINDOW = 32 * 1024 * 1024;

export class CosDocument {
  readonly src: FileSource;
  readonly notes: StructureNote[] = [];
  /** newest first */
  readonly sections: XrefSection[] = [];
  readonly xref = new Map<number, XrefEntry>();
  trailer: PdfDict = new PdfDict(new Map());
  revisions: Revision[] = [];
  headerVersion: string | null = null;
  headerOffset = -1;
  private cache = new Map<string, PdfObject | undefined>();
  private objStmCache = new Map<number, { offsets: [number, number][]; data: Buffer; first: number }>();
  /** true once the xref chain loaded (strictly or leniently) */
  xrefOk = false;
  /** added to every offset the file states (non-zero when the header does not start at byte 0) */
  shift = 0;

  constructor(path: string) {
    this.src = new FileSource(path);
  }
  close(): void {
    this.src.close();
  }
  note(code: string, severity: 'error' | 'warning', en: string, zh: string): void {
    if (!this.notes.some((n) => n.code === code && n.en === en)) this.notes.push({ code, severity, en, zh });
  }

  /** Loads header, revisions (every startxref/%%EOF pair) and the xref chain. Never throws. */
  load(): void {
    const head = this.src.read(0, Math.min(this.src.size, 1024));
    const hi = head.indexOf('%PDF-');
    if (hi >= 0) {
      this.headerOffset = hi;
      const m = /^%PDF-(\d+\.\d+)/.exec(head.toString('latin1', hi, hi + 16));
      this.headerVersion = m ? m[1]! : null;
    }
    this.revisions = this.findRevisions();
    try {
      this.loadXref();
    } catch (e) {
      this.note(e instanceof CosError ? e.code : 'pdf-xref-broken', 'error', String((e as Error).message), '交叉引用表无法读取');
    }
  }

  /** Scans the whole file (in 1 MiB chunks) for `startxref N %%EOF`; each is the end of one revision. */
  private findRevisions(): Revision[] {
    const revs: Revision[] = [];
    const chunk = 1 << 20;
    const overlap = 64;
    let lastStartxref: number | null = null;
    this.src.scan(chunk, overlap, (buf, pos) => {
      // byte search (no string conversion of the chunk: keeps a 1 GB scan at a few MB)
      let i = 0;
      for (;;) {
        const a = buf.indexOf('startxref', i, 'latin1');
        const b = buf.indexOf('%%EOF', i, 'latin1');
        if (a < 0 && b < 0) break;
        const isX = a >= 0 && (b < 0 || a < b);
        const idx = isX ? a : b;
        if (idx >= chunk) break; // in the overlap: the next chunk sees it
        const at = pos + idx;
        if (isX) {
          const m = /^startxref\s*(\d+)?/.exec(buf.toString('latin1', idx, Math.min(buf.length, idx + 40)));
          lastStartxref = m && m[1] !== undefined ? Number(m[1]) : -1;
          i = idx + 9;
        } else {
          i = idx + 5;
          if (lastStartxref === null) continue; // a %%EOF with no startxref (e.g. inside a stream)
          let end = at + 5;
          const tail = this.src.read(end, 2);
          if (tail[0] === 13) end += tail[1] === 10 ? 2 : 1;
          else if (tail[0] === 10) end += 1;
          revs.push({ index: revs.length, end, eofAt: at, startxref: lastStartxref < 0 ? null : lastStartxref });
          lastStartxref = null;
        }
      }
    });
    return revs;
  }

  private lastStartxref(): number | null {
    const tailLen = Math.min(this.src.size, 4096);
    const tail = this.src.read(this.src.size - tailLen, tailLen).toString('latin1');
    // strict form: `startxref` EOL offset EOL `%%EOF` (a reader walking back from %%EOF must find it)
    const all = [...tail.matchAll(/startxref[ \t]*[\r\n]+[ \t]*(\d+)[ \t]*[\r\n]+[ \t]*%%EOF/g)];
    const m = all[all.length - 1];
    return m ? Number(m[1]) : null;
  }

  private loadXref(): void {
    const sx = this.lastStartxref();
    if (sx === null) throw new CosError('pdf-xref-broken', 'startxref not found');
    // a header after some junk: offsets are then relative to the header (as Acrobat reads them)
    if (this.headerOffset > 0 && !this.tryReadSection(sx) && this.tryReadSection(sx + this.headerOffset)) {
      this.shift = this.headerOffset;
      this.note('pdf-header-offset', 'warning', `file header at offset ${this.headerOffset}; offsets are relative to it`, `文件头不在偏移 0 处（${this.headerOffset}）`);
    }
    let offset: number | null = sx + this.shift;
    const seen = new Set<number>();
    let first = true;
    while (offset !== null) {
      if (seen.has(offset)) {
        this.note('pdf-xref-broken', 'error', 'xref /Prev chain loops', '交叉引用表 /Prev 链循环');
        break;
      }
      seen.add(offset);
      if (seen.size > 10000) throw new CosError('pdf-xref-broken', 'too many xref sections');
      const sec = this.readSectionLenient(offset);
      if (!sec) {
        if (first) throw new CosError('pdf-xref-broken', `no cross-reference section at startxref offset ${offset}`);
        this.note('pdf-xref-broken', 'error', `no cross-reference section at /Prev offset ${offset}`, '交叉引用表 /Prev 偏移无效');
        break;
      }
      this.sections.push(sec);
      const xs = sec.trailer.get('XRefStm');
      if (typeof xs === 'number' && !seen.has(xs + this.shift)) {
        const hs = this.readSectionLenient(xs + this.shift);
        if (hs) for (const [k, v] of hs.entries) if (!sec.entries.has(k)) sec.entries.set(k, v);
      }
      const prev = sec.trailer.get('Prev');
      offset = typeof prev === 'number' ? prev + this.shift : null;
      first = false;
    }
    // newest section wins
    for (const sec of this.sections) for (const [k, v] of sec.entries) if (!this.xref.has(k)) this.xref.set(k, v);
    this.trailer = this.sections[0]!.trailer;
    // trailer /Size must not decrease from one update to the next
    for (let i = 0; i + 1 < this.sections.length; i++) {
      const a = this.sections[i]!.trailer.get('Size');
      const b = this.sections[i + 1]!.trailer.get('Size');
      if (typeof a === 'number' && typeof b === 'number' && a < b)
        this.note('pdf-xref-broken', 'error', `trailer /Size decreases from ${b} to ${a} in a later update`, '增量更新后 trailer /Size 变小');
    }
    this.xrefOk = true;
  }

  /** Reads the xref section at `offset`; tolerates an offset a few bytes off (with a warning). */
  private readSectionLenient(offset: number): XrefSection | null {
    const exact = this.tryReadSection(offset);
    if (exact) return exact;
    // lenient: the keyword or the object header within a few bytes
    const win = this.src.read(Math.max(0, offset - 16), 48).toString('latin1');
    const base = Math.max(0, offset - 16);
    const cands: number[] = [];
    for (const re of [/xref/g, /\d+\s+\d+\s+obj/g]) {
      let m: RegExpExecArray | null;
      while ((m = re.exec(win))) cands.push(base + m.index);
    }
    cands.sort((a, b) => Math.abs(a - offset) - Math.abs(b - offset));
    for (const c of cands) {
      if (c === offset) continue;
      const sec = this.tryReadSection(c);
      if (sec) {
        this.note('pdf-xref-offset-wrong', 'warning', `startxref points to ${offset}, the xref section is at ${c} (repaired)`, 'startxref 偏移有误（已修复）');
        return sec;
      }
    }
    return null;
  }

  private tryReadSection(offset: number): XrefSection | null {
    if (offset < 0 || offset >= this.src.size) return null;
    const probe = this.src.read(offset, 16).toString('latin1');
    try {
      if (probe.startsWith('xref')) return this.withWindow(offset, 64 * 1024, (lx) => this.readTable(lx, offset));
      if (/^\d+\s+\d+\s+obj/.test(probe)) {
        const obj = this.parseIndirectAt(offset);
        if (obj && obj.value instanceof PdfStream && obj.value.dict.name('Type') === 'XRef') return this.readXrefStream(obj.value, offset);
      }
    } catch (e) {
      if (e instanceof CosError) return null;
      throw e;
    }
    return null;
  }

  private readTable(lx: Lexer, offset: number): XrefSection {
    const kw = lx.next();
    if (kw.t !== 'kw' || kw.v !== 'xref') throw new CosError('pdf-xref-broken', 'xref keyword expected');
    const entries = new Map<number, XrefEntry>();
    let malformed = false;
    for (;;) {
      const lineStart = lx.pos;
      const t = lx.next();
      if (t.t === 'kw' && t.v === 'trailer') break;
      if (t.t !== 'num') throw new CosError('pdf-xref-broken', 'bad xref subsection header');
      const t2 = lx.next();
      if (t2.t !== 'num') throw new CosError('pdf-xref-broken', 'bad xref subsection header');
      const start = t.v;
      const count = t2.v;
      if (count < 0 || count > 10_000_000) throw new CosError('pdf-xref-broken', 'bad xref subsection count');
      // rows: "oooooooooo ggggg n" — read as tokens (tolerates misaligned rows, with a warning)
      const rowsStart = lx.pos;
      for (let i = 0; i < count; i++) {
        const a = lx.next();
        const g = lx.next();
        const f = lx.next();
        if (a.t !== 'num' || g.t !== 'num' || f.t !== 'kw' || (f.v !== 'n' && f.v !== 'f')) throw new CosError('pdf-xref-broken', 'bad xref row');
        const num = start + i;
        if (!entries.has(num)) entries.set(num, f.v === 'n' ? { type: 'n', offset: a.v + this.shift, gen: g.v } : { type: 'f' });
      }
      // the fixed 20-byte row format
      const rowsText = lx.buf.toString('latin1', rowsStart, lx.pos + 2).replace(/^[ \t]*(\r\n|\r|\n)/, '');
      if (count > 0 && !/^(\d{10} \d{5} [nf](?: \r| \n|\r\n))+$/.test(rowsText.slice(0, 20 * count))) malformed = true;
      void lineStart;
    }
    const trailer = lx.parseObject();
    if (!(trailer instanceof PdfDict)) throw new CosError('pdf-xref-broken', 'trailer dictionary expected');
    if (malformed) this.note('pdf-xref-malformed', 'warning', `xref table at ${offset} has malformed rows (read leniently)`, '交叉引用表格式不规范（已宽松读取）');
    // a table whose entry for a used object points to the wrong place
    return { offset, kind: 'table', trailer, entries };
  }

  private readXrefStream(st: PdfStream, offset: number): XrefSection {
    const data = this.streamData(st, 64 * 1024 * 1024);
    if (!data) throw new CosError('pdf-xref-broken', 'xref stream cannot be decoded');
    const w = st.dict.get('W');
    if (!Array.isArray(w) || w.length < 3 || !w.every((x) => typeof x === 'number' && x >= 0 && x <= 8)) throw new CosError('pdf-xref-broken', 'bad /W');
    const [w0, w1, w2] = w as number[];
    const size = st.dict.get('Size');
    const idx = st.dict.get('Index');
    const ranges: number[] = Array.isArray(idx) ? idx.filter((x): x is number => typeof x === 'number') : [0, typeof size === 'number' ? size : 0];
    const rowLen = w0! + w1! + w2!;
    if (rowLen === 0) throw new CosError('pdf-xref-broken', 'bad /W');
    const entries = new Map<number, XrefEntry>();
    let p = 0;
    const field = (n: number, def: number): number => {
      if (n === 0) return def;
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + (data[p++] ?? 0);
      return v;
    };
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      const start = ranges[r]!;
      const count = ranges[r + 1]!;
      for (let i = 0; i < count && p + rowLen <= data.length; i++) {
        const type = field(w0!, 1);
        const f2 = field(w1!, 0);
        const f3 = field(w2!, 0);
        const num = start + i;
        if (entries.has(num)) continue;
        if (type === 0) entries.set(num, { type: 'f' });
        else if (type === 1) entries.set(num, { type: 'n', offset: f2 + this.shift, gen: f3 });
        else if (type === 2) entries.set(num, { type: 'c', stream: f2, index: f3 });
      }
    }
    return { offset, kind: 'stream', trailer: st.dict, entries };
  }

  /** Runs `fn` over a window at `pos`, growing the window when the parse needs more bytes. */
  withWindow<T>(pos: number, initial: number, fn: (lx: Lexer) => T): T {
    let len = initial;
    for (;;) {
      const buf = this.src.read(pos, len);
      const complete = pos + buf.length >= this.src.size;
      try {
        return fn(new Lexer(buf, pos, 0, complete));
      } catch (e) {
        if (!(e instanceof NeedMore)) throw e;
        if (len >= MAX_WINDOW) throw new CosError('pdf-parse-failed', `object at ${pos} is too large`);
        len *= 4;
      }
    }
  }

  /** Parses `num gen obj … endobj` at a file offset (streams: data is located, not read). */
  parseIndirectAt(offset: number): { num: number; gen: number; value: PdfObject } | null {
    return this.withWindow(offset, 16 * 1024, (lx) => {
      const a = lx.next();
      const b = lx.next();
      const k = lx.next();
      if (a.t !== 'num' || b.t !== 'num' || k.t !== 'kw' || k.v !== 'obj') return null;
      let value = lx.parseObject();
      const after = lx.pos;
      const t = lx.next();
      if (value instanceof PdfDict && t.t === 'kw' && t.v === 'stream') {
        let p = lx.pos;
        if (lx.buf[p] === 13) p++;
        if (lx.buf[p] === 10) p++;
        const dataStart = offset + p;
        value = new PdfStream(value, dataStart, this.streamLength(value, dataStart));
      } else lx.pos = after;
      return { num: a.v, gen: b.v, value };
    });
  }

  private lengthDepth = 0;
  private streamLength(dict: PdfDict, dataStart: number): number {
    let len = dict.get('Length');
    if (len instanceof PdfRef && this.lengthDepth < 4) {
      this.lengthDepth++;
      try {
        len = this.resolve(len);
      } catch {
        len = null;
      } finally {
        this.lengthDepth--;
      }
    }
    if (typeof len === 'number' && len >= 0 && dataStart + len <= this.src.size) {
      const probe = this.src.read(dataStart + len, 24).toString('latin1');
      if (/^\s*endstream/.test(probe)) return len;
    }
    // lenient: look for endstream (bounded)
    const maxScan = 64 * 1024 * 1024;
    const chunk = 1 << 20;
    for (let p = dataStart; p < Math.min(this.src.size, dataStart + maxScan); p += chunk) {
      const s = this.src.read(p, chunk + 16).toString('latin1');
      const i = s.indexOf('endstream');
      if (i >= 0 && i < chunk + 16) {
        let e = p + i;
        const before = this.src.read(e - 2, 2);
        if (before[1] === 10) e--;
        if (before[0] === 13 && before[1] === 10) e--;
        else if (before[1] === 13) e--;
        return Math.max(0, e - dataStart);
      }
    }
    return typeof len === 'number' ? Math.max(0, Math.min(len, this.src.size - dataStart)) : 0;
  }

  /** Object `num` as seen through another xref map (an older revision); not cached. */
  getObjectIn(map: Map<number, XrefEntry>, num: number): PdfObject | undefined {
    const e = map.get(num);
    if (!e || e.type === 'f') return undefined;
    if (e.type === 'n') {
      const o = this.safeParse(e.offset);
      return o && o.num === num ? o.value : undefined;
    }
    const cur = this.xref.get(e.stream);
    const old = map.get(e.stream);
    if (cur && old && JSON.stringify(cur) !== JSON.stringify(old)) return undefined; // object stream replaced later: not worth it
    return this.fromObjStm(e.stream, e.index, num);
  }

  /** xref map as of a revision: sections at offsets below `end`, newest first. */
  xrefUpTo(end: number): Map<number, XrefEntry> {
    const m = new Map<number, XrefEntry>();
    for (const sec of this.sections) if (sec.offset < end) for (const [k, v] of sec.entries) if (!m.has(k)) m.set(k, v);
    return m;
  }

  /** Object by number (latest revision), or undefined. */
  getObject(num: number, gen?: number): PdfObject | undefined {
    const key = `${num}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const e = this.xref.get(num);
    let v: PdfObject | undefined;
    if (!e || e.type === 'f') v = undefined;
    else if (e.type === 'n') {
      const o = this.safeParse(e.offset);
      v = o && o.num === num ? o.value : undefined;
      if (o && o.num !== num) this.note('pdf-xref-wrong-offset', 'warning', `xref offset of object ${num} points to object ${o.num}`, `对象 ${num} 的交叉引用偏移错误`);
    } else v = this.fromObjStm(e.stream, e.index, num);
    void gen;
    if (this.cache.size > 20000) this.cache.clear();
    this.cache.set(key, v);
    return v;
  }
  private safeParse(offset: number): { num: number; gen: number; value: PdfObject } | null {
    try {
      return this.parseIndirectAt(offset);
    } catch {
      return null;
    }
  }
  private fromObjStm(stmNum: number, index: number, num: number): PdfObject | undefined {
    let os = this.objStmCache.get(stmNum);
    if (!os) {
      const st = this.getObject(stmNum);
      if (!(st instanceof PdfStream)) return undefined;
      const data = this.streamData(st, 64 * 1024 * 1024);
      const n = st.dict.get('N');
      const first = st.dict.get('First');
      if (!data || typeof n !== 'number' || typeof first !== 'number') return undefined;
      const lx = new Lexer(data, -1, 0, true);
      const offsets: [number, number][] = [];
      try {
        for (let i = 0; i < n && i < 1_000_000; i++) {
          const a = lx.next();
          const b = lx.next();
          if (a.t !== 'num' || b.t !== 'num') break;
          offsets.push([a.v, b.v]);
        }
      } catch {
        /* keep what we have */
      }
      os = { offsets, data, first };
      if (this.objStmCache.size > 64) this.objStmCache.clear();
      this.objStmCache.set(stmNum, os);
    }
    const entry = os.offsets[index];
    const hit = entry && entry[0] === num ? entry : os.offsets.find((o) => o[0] === num);
    if (!hit) return undefined;
    try {
      return new Lexer(os.data, -1, os.first + hit[1], true).parseObject();
    } catch {
      return undefined;
    }
  }

  private resolveDepth = 0;
  /** Follows references (bounded). */
  resolve(o: PdfObject | undefined): PdfObject | undefined {
    let v = o;
    for (let i = 0; i < 16 && v instanceof PdfRef; i++) {
      if (this.resolveDepth > 32) return undefined;
      this.resolveDepth++;
      try {
        v = this.getObject(v.num, v.gen);
      } finally {
        this.resolveDepth--;
      }
    }
    return v instanceof PdfRef ? undefined : v;
  }
  dict(o: PdfObject | undefined): PdfDict | undefined {
    const v = this.resolve(o);
    if (v instanceof PdfDict) return v;
    if (v instanceof PdfStream) return v.dict;
    return undefined;
  }

  /** Raw (still encoded) stream bytes, or null when over `max`. */
  rawStream(st: PdfStream, max: number): Buffer | null {
    if (st.inline) return st.inline.length <= max ? st.inline : null;
    if (st.length > max) return null;
    return Buffer.from(this.src.read(st.dataStart, st.length));
  }

  /** Decoded stream data for FlateDecode (with predictors) or no filter; null otherwise or when too large. */
  streamData(st: PdfStream, max: number): Buffer | null {
    const raw = this.rawStream(st, max);
    if (!raw) return null;
    let filters = this.resolve(st.dict.get('Filter'));
    let parms = this.resolve(st.dict.get('DecodeParms'));
    if (filters instanceof PdfName) {
      filters = [filters];
      parms = [parms ?? null];
    }
    if (!filters) return raw;
    if (!Array.isArray(filters)) return null;
    let data = raw;
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i];
      const fname = f instanceof PdfName ? f.name : '';
      if (fname !== 'FlateDecode' && fname !== 'Fl') return null;
      try {
        data = inflateSync(data, { maxOutputLength: max, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate truncation */ });
      } catch {
        return null;
      }
      const p = Array.isArray(parms) ? this.dict(parms[i] ?? null) : this.dict(parms ?? null);
      if (p) data = unpredict(data, p);
    }
    return data;
  }
}

function unpredict(data: Buffer, p: PdfDict): Buffer {
  const pred = p.get('Predictor');
  if (typeof pred !== 'number' || pred < 10) return data;
  const colors = typeof p.get('Colors') === 'number' ? (p.get('Colors') as number) : 1;
  const bpc = typeof p.get('BitsPerComponent') === 'number' ? (p.get('BitsPerComponent') as number) : 8;
  const columns = typeof p.get('Columns') === 'number' ? (p.get('Columns') as number) : 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (rowLen <= 0) return data;
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  const prev = Buffer.alloc(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const row = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const cur = out.subarray(r * rowLen, (r + 1) * rowLen);
    for (let i = 0; i < rowLen; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      let v = row[i]!;
      if (type === 1) v += a;
      else if (type === 2) v += b;
      else if (type === 3) v += (a + b) >> 1;
      else if (type === 4) {
        const pp = a + b - c;
        const pa = Math.abs(pp - a);
        const pb = Math.abs(pp - b);
        const pc = Math.abs(pp - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 0xff;
    }
    cur.copy(prev);
  }
  return out;
}
