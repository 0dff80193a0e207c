/**
 * Format identification by content (magic bytes and container structure), never by the extension.
 *
 * Reads at most the first 64 KiB of a file, plus — for zip containers — the end-of-central-directory
 * record and the central directory (bounded to 4 MiB), and — for OLE2 compound files — one directory
 * run of at most 16 KiB. The extension is only compared afterwards (`extensionMatches`).
 *
 * Does: PDF (version), OFD, DOCX/XLSX/PPTX, plain zip, TIFF/BigTIFF, JPEG, PNG, JP2/J2K, GIF, BMP,
 * XML (BOM, declaration or root element; declared GB18030/GBK/GB2312 accepted), DWG (AC10xx → release),
 * DXF (ASCII and binary, $ACADVER), IFC (STEP envelope + FILE_SCHEMA), MP4/MOV (ftyp brands or classic
 * QuickTime atoms), AVI/WAV (RIFF), MPEG-PS/ES/TS/M2TS, FLV, MP3 (ID3 or two consecutive frame headers),
 * FLAC, OLE2 (DOC / XLS / WPS best-effort), RTF, text (strict UTF-8, UTF-16 with BOM, GB18030), empty.
 *
 * Deliberately does not: validate anything (the inspectors do), decompress zip entries, follow OLE2
 * FAT chains beyond one contiguous run, recognise every STEP application protocol (non-IFC STEP → 'unknown'),
 * or guess when the bytes are ambiguous ('unknown' instead). Never throws.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import type { FormatId, Identification } from './model.ts';

export const HEAD_BYTES = 64 * 1024;
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;
const MAX_ZIP_NAMES = 10_000;

export const MIME: Readonly<Record<FormatId, string>> = {
  pdf: 'application/pdf', ofd: 'application/ofd', tiff: 'image/tiff', jpeg: 'image/jpeg', png: 'image/png',
  jp2: 'image/jp2', gif: 'image/gif', bmp: 'image/bmp', xml: 'application/xml', dwg: 'image/vnd.dwg',
  dxf: 'image/vnd.dxf', ifc: 'application/x-step', mp4: 'video/mp4', mov: 'video/quicktime', avi: 'video/x-msvideo',
  mpeg: 'video/mpeg', flv: 'video/x-flv', mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword', xls: 'application/vnd.ms-excel', rtf: 'application/rtf', txt: 'text/plain',
  wps: 'application/vnd.ms-works', empty: 'application/x-empty', unknown: 'application/octet-stream',
};

/** Extensions (lower case, no dot) each format is normally stored under. */
export const EXTENSIONS: Readonly<Record<FormatId, readonly string[]>> = {
  pdf: ['pdf'], ofd: ['ofd'], tiff: ['tif', 'tiff'], jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'], png: ['png'],
  jp2: ['jp2', 'j2k', 'jpf', 'jpx', 'j2c', 'jpc'], gif: ['gif'], bmp: ['bmp', 'dib'],
  xml: ['xml', 'xsd', 'xsl', 'xslt', 'svg', 'kml', 'gml', 'rdf', 'mets', 'ead'], dwg: ['dwg'], dxf: ['dxf'],
  ifc: ['ifc'], mp4: ['mp4', 'm4v', 'm4a', '3gp', '3g2'], mov: ['mov', 'qt'], avi: ['avi'],
  mpeg: ['mpg', 'mpeg', 'mpe', 'vob', 'ts', 'm2ts', 'mts', 'm2v', 'm1v'], flv: ['flv'], mp3: ['mp3'], wav: ['wav'],
  flac: ['flac'], zip: ['zip'], docx: ['docx', 'docm'], xlsx: ['xlsx', 'xlsm'], pptx: ['pptx', 'pptm'],
  doc: ['doc', 'dot'], xls: ['xls', 'xlt'], rtf: ['rtf'], txt: ['txt', 'text', 'csv', 'log', 'md', 'tsv'],
  wps: ['wps'], empty: [], unknown: [],
};

const DWG_RELEASES: Readonly<Record<string, string>> = {
  'MC0.0': 'AutoCAD R1.0', 'AC1.2': 'AutoCAD R1.2', 'AC1.40': 'AutoCAD R1.40', 'AC1.50': 'AutoCAD R2.05',
  'AC2.10': 'AutoCAD R2.10', AC1001: 'AutoCAD R2.22', AC1002: 'AutoCAD R2.50', AC1003: 'AutoCAD R2.60',
  AC1004: 'AutoCAD R9', AC1006: 'AutoCAD R10', AC1009: 'AutoCAD R11/R12', AC1012: 'AutoCAD R13',
  AC1014: 'AutoCAD R14', AC1015: 'AutoCAD 2000', AC1018: 'AutoCAD 2004', AC1021: 'AutoCAD 2007',
  AC1024: 'AutoCAD 2010', AC1027: 'AutoCAD 2013', AC1032: 'AutoCAD 2018',
};
/** DWG version string (AC1032…) → release name (AutoCAD 2018…); undefined when not a known version. */
export const dwgRelease = (version: string): string | undefined => DWG_RELEASES[version];

/** What `detectFormatOfBuffer` can say without more I/O; `zipNames`/`oleNames` come from extra bounded reads. */
type Extra = { size?: number; zipNames?: readonly string[]; oleNames?: readonly string[] };
type Detected = { format: FormatId; version?: string; mime?: string };

const ascii = (b: Buffer, start: number, end: number): string => b.subarray(start, Math.min(end, b.length)).toString('latin1');
const startsWith = (b: Buffer, bytes: readonly number[], at = 0): boolean => bytes.every((v, i) => b[at + i] === v);

function detectZip(names: readonly string[] | undefined): Detected {
  if (!names) return { format: 'zip' };
  const set = new Set(names);
  if (set.has('OFD.xml')) return { format: 'ofd' };
  if (set.has('[Content_Types].xml')) {
    const has = (p: string) => names.some((n) => n.startsWith(p));
    if (has('word/')) return { format: 'docx' };
    if (has('xl/')) return { format: 'xlsx' };
    if (has('ppt/')) return { format: 'pptx' };
  }
  return { format: 'zip' };
}

/** Local-header names in the head: the fallback when the central directory cannot be read. */
function localZipNames(head: Buffer): string[] {
  const names: string[] = [];
  let p = 0;
  while (p + 30 <= head.length && head.readUInt32LE(p) === 0x04034b50 && names.length < 64) {
    const flags = head.readUInt16LE(p + 6);
    const csize = head.readUInt32LE(p + 18);
    const nlen = head.readUInt16LE(p + 26);
    const xlen = head.readUInt16LE(p + 28);
    if (p + 30 + nlen > head.length) break;
    names.push(head.subarray(p + 30, p + 30 + nlen).toString('utf8'));
    if (flags & 0x08 || csize === 0xffffffff) break; // size unknown here: cannot skip to the next header
    p += 30 + nlen + xlen + csize;
  }
  return names;
}

function mp3FrameLength(b: Buffer, p: number): number {
  if (p + 4 > b.length || b[p] !== 0xff || (b[p + 1]! & 0xe0) !== 0xe0) return 0;
  const v = (b[p + 1]! >> 3) & 3; // 0 = MPEG 2.5, 1 reserved, 2 = MPEG 2, 3 = MPEG 1
  const layer = (b[p + 1]! >> 1) & 3; // 1 = III, 2 = II, 3 = I
  const bri = b[p + 2]! >> 4;
  const sri = (b[p + 2]! >> 2) & 3;
  const pad = (b[p + 2]! >> 1) & 1;
  if (v === 1 || layer === 0 || bri === 0 || bri === 15 || sri === 3) return 0;
  const tables: Record<string, number[]> = {
    '3-3': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    '3-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    '3-1': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    '2-3': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    '2-x': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  };
  const key = v === 3 ? `3-${layer}` : layer === 3 ? '2-3' : '2-x';
  const kbps = tables[key]![bri]!;
  const rate = [[11025, 12000, 8000], [0, 0, 0], [22050, 24000, 16000], [44100, 48000, 32000]][v]![sri]!;
  if (layer === 3) return Math.floor((12 * kbps * 1000) / rate + pad) * 4;
  const perFrame = layer === 1 && v !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + pad;
}

function looksLikeMp3(b: Buffer, start: number): boolean {
  // Skip a little zero padding, then require two consecutive frame headers (one header alone is noise).
  let p = start;
  while (p < b.length && p < start + 512 && b[p] === 0) p++;
  const len = mp3FrameLength(b, p);
  if (len === 0) return false;
  if (p + len + 4 > b.length) return b.length < HEAD_BYTES && p + len === b.length; // a single complete frame
  return mp3FrameLength(b, p + len) > 0;
}

const XML_NAME_START = /^[A-Za-z_:\u00C0-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;

/** Text of the head for the text-like sniffers: UTF-8 (BOM stripped) or latin1 when not UTF-8. */
function headText(b: Buffer): { text: string; bom: 'utf8' | 'utf16le' | 'utf16be' | undefined } {
  if (startsWith(b, [0xef, 0xbb, 0xbf])) return { text: b.subarray(3).toString('utf8'), bom: 'utf8' };
  if (startsWith(b, [0xff, 0xfe])) return { text: b.subarray(2).toString('utf16le'), bom: 'utf16le' };
  if (startsWith(b, [0xfe, 0xff])) {
    const s = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    s.swap16();
    return { text: s.toString('utf16le'), bom: 'utf16be' };
  }
  return { text: b.toString('latin1'), bom: undefined };
}

function detectXml(text: string): Detected | undefined {
  let t = text.replace(/^\s+/, '');
  const decl = /^<\?xml\s[^?]*?version\s*=\s*["']([0-9.]+)["']/.exec(t);
  if (decl) return { format: 'xml', version: decl[1]! };
  if (t.startsWith('<?xml ') || t.startsWith('<?xml?')) return { format: 'xml' };
  // No declaration: comments / PIs / DOCTYPE, then a root element.
  for (let guard = 0; guard < 50; guard++) {
    if (t.startsWith('<!--')) {
      const e = t.indexOf('-->');
      if (e < 0) return undefined;
      t = t.slice(e + 3).replace(/^\s+/, '');
    } else if (t.startsWith('<?')) {
      const e = t.indexOf('?>');
      if (e < 0) return undefined;
      t = t.slice(e + 2).replace(/^\s+/, '');
    } else if (/^<!DOCTYPE\s/i.test(t)) {
      if (/^<!DOCTYPE\s+html\b/i.test(t)) return undefined; // HTML is not XML here
      const e = t.indexOf('>');
      if (e < 0) return undefined;
      t = t.slice(e + 1).replace(/^\s+/, '');
    } else break;
  }
  if (t.startsWith('<') && XML_NAME_START.test(t.slice(1)) && !/^<html[\s>]/i.test(t)) {
    // a plausible tag: name then whitespace, '>' or '/>'
    if (/^<[^\s<>/!?]+(\s[^<]*)?\/?>/.test(t.slice(0, 4096)) || (t.length < 4096 && /^<[^\s<>/!?]+(\s|$)/.test(t))) return { format: 'xml' };
  }
  return undefined;
}

function detectText(b: Buffer, complete: boolean): boolean {
  if (b.length === 0) return false;
  const { bom } = headText(b);
  if (bom === 'utf16le' || bom === 'utf16be') return true;
  const body = bom === 'utf8' ? b.subarray(3) : b;
  // Allow the head to cut a multi-byte character at its end.
  const sample = complete ? body : body.subarray(0, Math.max(0, body.length - 4));
  let control = 0;
  for (const c of sample) {
    if (c === 0) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) control++;
  }
  if (control > sample.length / 100 + 1) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return true;
  } catch {
    /* not UTF-8: try GB18030 */
  }
  const s = iconv.decode(sample, 'gb18030');
  return !s.includes('\uFFFD');
}

function dxfVersion(text: string): string | undefined {
  return /\$ACADVER\s*\r?\n\s*1\s*\r?\n\s*(AC\d{4})/.exec(text)?.[1];
}

/**
 * Identifies a format from the head of a file (up to 64 KiB). `extra` carries what a caller read elsewhere
 * (zip central-directory names, OLE2 directory names, the real size); without it zip containers are
 * classified from the local headers in the head.
 */
export function detectFormatOfBuffer(head: Buffer, extra: Extra = {}): Detected & { mime: string } {
  const d = detect(head, extra);
  return { ...d, mime: d.mime ?? MIME[d.format] };
}

function detect(b: Buffer, extra: Extra): Detected {
  const size = extra.size ?? b.length;
  if (size === 0 || b.length === 0) return { format: 'empty' };
  const complete = size <= b.length;

  // Binary magic first.
  const pdfAt = b.subarray(0, 1024).indexOf('%PDF-', 0, 'latin1');
  if (pdfAt >= 0) {
    const v = /^%PDF-(\d\.\d)/.exec(ascii(b, pdfAt, pdfAt + 16))?.[1];
    return v ? { format: 'pdf', version: v } : { format: 'pdf' };
  }
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]) || startsWith(b, [0x50, 0x4b, 0x07, 0x08])) {
    return detectZip(extra.zipNames ?? localZipNames(b));
  }
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'tiff', version: 'TIFF' };
  if (startsWith(b, [0x49, 0x49, 0x2b, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2b])) return { format: 'tiff', version: 'BigTIFF' };
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { format: 'jpeg' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'png' };
  if (startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return { format: 'jp2' };
  if (startsWith(b, [0xff, 0x4f, 0xff, 0x51])) return { format: 'jp2', version: 'J2K codestream', mime: 'image/j2c' };
  const six = ascii(b, 0, 6);
  if (six === 'GIF87a' || six === 'GIF89a') return { format: 'gif', version: six.slice(3) };
  if (six.startsWith('BM') && b.length >= 18) {
    const dib = b.readUInt32LE(14);
    if (b.readUInt32LE(6) === 0 && [12, 16, 40, 52, 56, 64, 108, 124].includes(dib)) return { format: 'bmp' };
  }
  const v5 = ascii(b, 0, 5);
  if (DWG_RELEASES[six] || /^AC10\d\d$/.test(six)) {
    // R13 and later: five zero bytes follow the version string (absent only in a truncated file).
    const zeros = !/^AC10(1[2-9]|[2-9]\d)$/.test(six) || [6, 7, 8, 9, 10].every((i) => i >= b.length || b[i] === 0);
    if (zeros) return { format: 'dwg', version: six };
  } else if (DWG_RELEASES[v5]) return { format: 'dwg', version: v5 };
  if (ascii(b, 0, 22) === 'AutoCAD Binary DXF\r\n\x1a\x00') return { format: 'dxf', version: 'binary' };
  if (ascii(b, 0, 4) === 'RIFF' && b.length >= 12) {
    const kind = ascii(b, 8, 12);
    if (kind === 'WAVE') return { format: 'wav' };
    if (kind === 'AVI ' || kind === 'AVIX') return { format: 'avi' };
    return { format: 'unknown', mime: 'application/octet-stream' };
  }
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const major = ascii(b, 8, 12);
    const boxLen = Math.min(b.readUInt32BE(0), b.length);
    const brands = [major];
    for (let p = 16; p + 4 <= boxLen; p += 4) brands.push(ascii(b, p, p + 4));
    if (major === 'qt  ') return { format: 'mov', version: major.trim() };
    if (/^(heic|heix|mif1|msf1|avif|crx )$/.test(major)) return { format: 'unknown' }; // HEIF/AVIF/CR3 are not video
    return { format: 'mp4', version: major.trim() || brands.find((x) => x.trim())?.trim() || 'mp4' };
  }
  if (b.length >= 8 && /^(moov|mdat|wide|free|skip|pnot)$/.test(ascii(b, 4, 8)) && b.readUInt32BE(0) >= 8) return { format: 'mov' };
  if (startsWith(b, [0, 0, 1, 0xba])) return { format: 'mpeg', version: (b[4]! & 0xc0) === 0x40 ? 'MPEG-2 PS' : 'MPEG-1 PS' };
  if (startsWith(b, [0, 0, 1, 0xb3])) return { format: 'mpeg', version: 'MPEG video ES' };
  if (b[0] === 0x47 && b.length >= 188 * 2 && [188, 376, 564].every((o) => o >= b.length || b[o] === 0x47)) return { format: 'mpeg', version: 'MPEG-2 TS', mime: 'video/mp2t' };
  if (b[4] === 0x47 && b.length >= 196 * 2 && [196, 392, 588].every((o) => o + 4 >= b.length || b[o + 4] === 0x47)) return { format: 'mpeg', version: 'MPEG-2 TS (M2TS)', mime: 'video/mp2t' };
  if (ascii(b, 0, 3) === 'FLV' && b[3] === 1) return { format: 'flv' };
  if (ascii(b, 0, 4) === 'fLaC') return { format: 'flac' };
  if (ascii(b, 0, 3) === 'ID3' && b.length >= 10 && b[3]! >= 2 && b[3]! <= 4) {
    const tagLen = 10 + (((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f));
    if (ascii(b, tagLen, tagLen + 4) === 'fLaC') return { format: 'flac' };
    return { format: 'mp3', version: `ID3v2.${b[3]}` };
  }
  if (looksLikeMp3(b, 0)) return { format: 'mp3' };
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const names = extra.oleNames ?? [];
    const has = (n: string) => names.some((x) => x.toLowerCase() === n.toLowerCase());
    const kingsoft = b.indexOf('Kingsoft', 0, 'latin1') >= 0 || b.indexOf(Buffer.from('WPS Office', 'utf16le')) >= 0 || b.indexOf('WPS Office', 0, 'latin1') >= 0;
    if (has('WordDocument')) return { format: kingsoft ? 'wps' : 'doc' };
    if (has('Workbook') || has('Book')) return { format: 'xls' };
    if (kingsoft) return { format: 'wps' };
    return { format: 'unknown', mime: 'application/x-ole-storage' };
  }
  if (ascii(b, 0, 5) === '{\\rtf') return { format: 'rtf' };

  // Text-based formats.
  const { text } = headText(b);
  const trimmed = text.replace(/^\s+/, '');
  if (trimmed.startsWith('ISO-10303-21;')) {
    const schema = /FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'/i.exec(text)?.[1];
    if (schema && /^IFC/i.test(schema.trim())) return { format: 'ifc', version: schema.trim().toUpperCase() };
    if (schema === undefined && /\bIFC[A-Z0-9_]*\b/.test(text.slice(0, 4096))) return { format: 'ifc' };
    return { format: 'unknown', mime: 'model/step' };
  }
  if (/^(999\s*\r?\n[^\n]*\r?\n\s*)?0\s*\r?\n\s*SECTION\s*\r?\n\s*2\s*\r?\n\s*(HEADER|CLASSES|TABLES|BLOCKS|ENTITIES|OBJECTS)\s*\r?\n/.test(trimmed)) {
    const v = dxfVersion(text);
    return v ? { format: 'dxf', version: v } : { format: 'dxf' };
  }
  const xml = detectXml(text);
  if (xml) return xml;
  if (detectText(b, complete)) return { format: 'txt' };
  return { format: 'unknown' };
}

/** Names in a zip's central directory, read from the end of the file (bounded); undefined when unreadable. */
async function readZipNames(fh: import('node:fs/promises').FileHandle, size: number): Promise<string[] | undefined> {
  const tailLen = Math.min(size, 65_535 + 22 + 20);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let p = tailLen - 22; p >= 0; p--) {
    if (tail.readUInt32LE(p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if ((cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z64 = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const rec = Buffer.alloc(56);
    if (z64 + 56 > size) return undefined;
    await fh.read(rec, 0, 56, z64);
    if (rec.readUInt32LE(0) !== 0x06064b50) return undefined;
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size) return undefined;
  const len = Math.min(cdSize, MAX_CENTRAL_DIRECTORY);
  const cd = Buffer.alloc(len);
  await fh.read(cd, 0, len, cdOffset);
  const names: string[] = [];
  let p = 0;
  while (p + 46 <= len && cd.readUInt32LE(p) === 0x02014b50 && names.length < MAX_ZIP_NAMES) {
    const nlen = cd.readUInt16LE(p + 28);
    const xlen = cd.readUInt16LE(p + 30);
    const clen = cd.readUInt16LE(p + 32);
    if (p + 46 + nlen > len) break;
    names.push(cd.subarray(p + 46, p + 46 + nlen).toString('utf8'));
    p += 46 + nlen + xlen + clen;
  }
  return names;
}

/** Stream names of an OLE2 compound file's first directory run (best effort, bounded to 16 KiB). */
async function readOleNames(fh: import('node:fs/promises').FileHandle, head: Buffer, size: number): Promise<string[]> {
  if (head.length < 512) return [];
  const shift = head.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return [];
  const sector = 1 << shift;
  const first = head.readUInt32LE(0x30);
  if (first >= 0xfffffffa) return [];
  const pos = (first + 1) * sector;
  if (pos >= size) return [];
  const len = Math.min(16 * 1024, size - pos);
  const dir = Buffer.alloc(len);
  await fh.read(dir, 0, len, pos);
  const names: string[] = [];
  for (let p = 0; p + 128 <= len; p += 128) {
    const nameLen = dir.readUInt16LE(p + 64);
    const type = dir[p + 66];
    if (nameLen < 2 || nameLen > 64 || type === undefined || type < 1 || type > 5) continue;
    names.push(dir.subarray(p, p + nameLen - 2).toString('utf16le'));
  }
  return names;
}

function extensionMatches(path: string, format: FormatId): boolean | undefined {
  const ext = extname(path).slice(1).toLowerCase();
  if (!ext) return undefined;
  if (format === 'unknown' || format === 'empty') return false;
  return EXTENSIONS[format].includes(ext);
}

/**
 * Identifies a file by content. Never throws: an unreadable path yields 'unknown'. `name` (e.g. the path
 * inside a package when `path` is a temporary file) is used for the extension check instead of `path`.
 */
export async function identifyFile(path: string, name?: string): Promise<Identification> {
  let fh: import('node:fs/promises').FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (!st.isFile()) return { format: 'unknown', mime: MIME.unknown };
    const size = st.size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = head.length ? await fh.read(head, 0, head.length, 0) : { bytesRead: 0 };
    const h = head.subarray(0, bytesRead);
    const extra: Extra = { size };
    if (h.length >= 4 && h.readUInt32LE(0) === 0x04034b50) {
      const names = await readZipNames(fh, size).catch(() => undefined);
      if (names) extra.zipNames = names;
    } else if (startsWith(h, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
      extra.oleNames = await readOleNames(fh, h, size).catch(() => []);
    }
    const d = detectFormatOfBuffer(h, extra);
    const m = extensionMatches(name ?? path, d.format);
    return { format: d.format, mime: d.mime, ...(d.version ? { version: d.version } : {}), ...(m === undefined ? {} : { extensionMatches: m }) };
  } catch {
    return { format: 'unknown', mime: MIME.unknown };
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
