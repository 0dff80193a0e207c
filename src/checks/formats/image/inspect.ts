/**
 * Image inspector for DA/T 31 scan checks: format, size, page count, resolution, colour mode, bit depth,
 * compression, and whether every page actually decodes.
 *
 * Resolution is read from the file's own headers by our code (JFIF APP0, EXIF IFD0 282/283/296,
 * Photoshop APP13 ResolutionInfo, TIFF tags 282/283/296, PNG pHYs, BMP pixels-per-metre), so a missing,
 * aspect-only, zero, negative or non-numeric resolution is reported as 'unknown' — never as the 72 dpi
 * default some libraries substitute. px/cm and px/m are converted to dpi. JPEG priority: JFIF with a real
 * unit, then EXIF, then Photoshop (disagreement between them is a warning).
 *
 * Decoding is done by sharp (libvips) with a pixel limit and a time limit, page by page, through `stats()`
 * so pixels stream and are never held whole: a truncated file fails `decodes`. Old-style JPEG TIFFs
 * (compression 6), which libvips does not decode, are decoded through their embedded JPEG interchange stream
 * when they have one.
 *
 * Deliberately does not: judge the values (see `evaluateScan` in scan.ts), read JP2 resolution boxes or
 * GIF/WebP resolution (→ 'unknown'), check ICC profiles, or decode more than `maxDecodePages` pages.
 * Never throws.
 */
import { open, type FileHandle } from 'node:fs/promises';
import sharp from 'sharp';

// One file at a time per worker thread, one libvips thread each: the engine's pool already uses every
// core, and libvips' own pool on top only adds contention. No operation cache: every file is read once.
sharp.concurrency(1);
sharp.cache(false);
import { detectFormatOfBuffer, HEAD_BYTES } from '../identify.ts';
import type { FormatId, FormatProblem, InspectionBase } from '../model.ts';
import { bufferSource, readIfd, readTiff, readTiffHeader, TiffError, type ByteSource, type TiffPage } from './tiff.ts';

export type ColourMode = 'bilevel' | 'grey' | 'rgb' | 'cmyk' | 'ycck' | 'palette' | 'lab' | 'unknown';
export type DpiSource = 'jfif' | 'exif' | 'photoshop' | 'tiff' | 'png-phys' | 'bmp';
export type Dpi = { x: number; y: number } | 'unknown';

export type ImagePage = {
  width?: number;
  height?: number;
  dpi: Dpi;
  colourMode: ColourMode;
  bitsPerSample?: number;
  compression?: string;
};

export type ImageInspection = InspectionBase & {
  format: FormatId;
  width?: number;
  height?: number;
  /** full-resolution pages (TIFF IFDs that are not reduced-resolution subfiles); 1 for single-image formats */
  pages: number;
  dpi: Dpi;
  dpiSource?: DpiSource;
  colourMode: ColourMode;
  /** bits per sample (per channel) of the first page; 1 for bilevel */
  bitsPerSample?: number;
  /** 'none' | 'ccitt-g4' | 'lzw' | 'jpeg' | 'ojpeg' | 'jpeg-baseline' | 'deflate' | … */
  compression?: string;
  /** every decoded page decoded completely (false also when decoding was not run) */
  decodes: boolean;
  /** pages actually decoded */
  decodedPages: number;
  /** per-page facts for multi-page TIFFs (first 1000 pages) */
  pageDetails?: ImagePage[];
};

export type ImageOptions = { timeoutMs?: number; maxPixels?: number; maxDecodePages?: number };

const DEFAULTS = { timeoutMs: 30_000, maxPixels: 300_000_000, maxDecodePages: 200 };
const MAX_OJPEG_STREAM = 64 * 1024 * 1024;

const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });

function fileSource(fh: FileHandle, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      const start = Math.max(0, offset);
      const len = Math.max(0, Math.min(length, size - start));
      const b = Buffer.alloc(len);
      if (len === 0) return b;
      const { bytesRead } = await fh.read(b, 0, len, start);
      return b.subarray(0, bytesRead);
    },
  };
}

/** Converts a resolution with a unit to dpi; undefined when missing, zero, negative or not a number. */
function toDpi(x: number | undefined, y: number | undefined, unit: 'inch' | 'cm' | 'm'): { x: number; y: number } | undefined {
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y) || x <= 0 || y <= 0) return undefined;
  const f = unit === 'inch' ? 1 : unit === 'cm' ? 2.54 : 0.0254;
  const r = (v: number) => Math.round(v * f * 1000) / 1000;
  return { x: r(x), y: r(y) };
}

const TIFF_COMPRESSION: Record<number, string> = {
  1: 'none', 2: 'ccitt-rle', 3: 'ccitt-g3', 4: 'ccitt-g4', 5: 'lzw', 6: 'ojpeg', 7: 'jpeg', 8: 'deflate', 32946: 'deflate',
  32773: 'packbits', 34712: 'jpeg2000', 34887: 'lerc', 34925: 'lzma', 50000: 'zstd', 50001: 'webp', 32771: 'ccitt-rle-word',
};

function tiffColour(pg: TiffPage): ColourMode {
  const bits = pg.bitsPerSample?.[0];
  switch (pg.photometric) {
    case 0: case 1: return bits === 1 ? 'bilevel' : 'grey';
    case 2: case 6: return 'rgb';
    case 3: return 'palette';
    case 5: return (pg.inkSet ?? 1) === 1 && (pg.samplesPerPixel ?? 4) >= 4 ? 'cmyk' : 'unknown';
    case 8: case 9: case 10: return 'lab';
    default: return 'unknown';
  }
}

type Header = {
  width?: number;
  height?: number;
  pages: number;
  dpi: Dpi;
  dpiSource?: DpiSource;
  colourMode: ColourMode;
  bitsPerSample?: number;
  compression?: string;
  pageDetails?: ImagePage[];
  /** TIFF pages with old-style JPEG: embedded stream per page index */
  ojpeg?: Map<number, { offset: number; length: number }>;
  /** a structural error: the file does not parse */
  broken?: boolean;
  /** TIFF pages (1-based) whose strip/tile table points beyond the end of the file */
  outOfRange?: number[];
};

async function tiffHeader(src: ByteSource, problems: FormatProblem[]): Promise<Header> {
  const t = await readTiff(src);
  for (const x of t.problems) problems.push(p(x.code, 'error', `TIFF 结构错误：${x.message}`, `TIFF structure: ${x.message}`));
  const details: ImagePage[] = [];
  const ojpeg = new Map<number, { offset: number; length: number }>();
  let unknownDpi = false;
  const outOfRange: number[] = [];
  t.pages.forEach((pg, i) => {
    const unit = pg.resolutionUnit ?? 2;
    let dpi: Dpi = 'unknown';
    if (unit === 2 || unit === 3) dpi = toDpi(pg.xResolution, pg.yResolution, unit === 2 ? 'inch' : 'cm') ?? 'unknown';
    if (dpi === 'unknown') unknownDpi = true;
    const comp = pg.compression === undefined ? 'none' : TIFF_COMPRESSION[pg.compression] ?? `tiff-${pg.compression}`;
    if (i < 1000) {
      const d: ImagePage = { dpi, colourMode: tiffColour(pg), compression: comp };
      if (pg.width !== undefined) d.width = pg.width;
      if (pg.height !== undefined) d.height = pg.height;
      if (pg.bitsPerSample?.[0] !== undefined) d.bitsPerSample = pg.bitsPerSample[0];
      details.push(d);
    }
    if (pg.width === undefined || pg.height === undefined || pg.width <= 0 || pg.height <= 0) problems.push(p('tiff-size-missing', 'error', `第 ${i + 1} 页缺少图像宽度或高度`, `page ${i + 1} has no image width or height`));
    if (pg.dataOutOfRange) outOfRange.push(i + 1);
    const spp = pg.samplesPerPixel ?? 1;
    if (pg.bitsPerSample && pg.bitsPerSample.length !== 1 && pg.bitsPerSample.length !== spp) {
      problems.push(p('tiff-tags-inconsistent', 'warning', `第 ${i + 1} 页 BitsPerSample 有 ${pg.bitsPerSample.length} 个值，而 SamplesPerPixel 为 ${spp}`, `page ${i + 1}: BitsPerSample has ${pg.bitsPerSample.length} values but SamplesPerPixel is ${spp}`));
    }
    if (pg.photometric === 2 && spp < 3) problems.push(p('tiff-tags-inconsistent', 'warning', `第 ${i + 1} 页为 RGB，但 SamplesPerPixel 为 ${spp}`, `page ${i + 1}: RGB with SamplesPerPixel ${spp}`));
    if (pg.compression === 1 && pg.dataBytes !== undefined && pg.width && pg.height && pg.bitsPerSample) {
      const bitsPerPixel = pg.bitsPerSample.length === 1 ? pg.bitsPerSample[0]! * spp : pg.bitsPerSample.reduce((a, b) => a + b, 0);
      const expected = Math.ceil((pg.width * bitsPerPixel) / 8) * pg.height;
      if (pg.dataBytes < expected) problems.push(p('tiff-tags-inconsistent', 'warning', `第 ${i + 1} 页未压缩数据 ${pg.dataBytes} 字节，少于标签给出的 ${expected} 字节`, `page ${i + 1}: ${pg.dataBytes} bytes of uncompressed data, less than the ${expected} the tags imply`));
    }
    if (pg.compression === 6 && pg.jpegInterchange) {
      const { offset, length } = pg.jpegInterchange;
      ojpeg.set(i, { offset, length: length > 0 ? length : src.size - offset }); // length tag absent: to the end of the file
    }
  });
  const first = t.pages[0]!;
  const d0 = details[0]!;
  if (unknownDpi) {
    const x = first.xResolution;
    const what = x === undefined ? '未记录分辨率' : `分辨率无效（${x}/${first.yResolution}，单位 ${first.resolutionUnit ?? '缺省'}）`;
    const whatEn = x === undefined ? 'no resolution recorded' : `invalid resolution (${x}/${first.yResolution}, unit ${first.resolutionUnit ?? 'absent'})`;
    problems.push(p(x === undefined ? 'dpi-missing' : 'dpi-invalid', 'warning', `TIFF ${what}（至少一页）`, `TIFF: ${whatEn} (at least one page)`));
  }
  if (first.resolutionUnit === undefined && d0.dpi !== 'unknown') problems.push(p('dpi-unit-absent', 'warning', 'TIFF 未写 ResolutionUnit，按 TIFF 默认单位英寸计算', 'TIFF has no ResolutionUnit; the TIFF default (inch) was used'));
  if (t.pages.some((pg) => pg.compression === 6)) problems.push(p('compression-deprecated', 'warning', 'TIFF 使用旧式 JPEG 压缩（压缩类型 6，TIFF 6.0 起已废弃，不宜长期保存）', 'old-style JPEG compression (6): obsolete since TIFF 6.0, unsuitable for preservation'));
  const h: Header = { pages: t.pages.length, dpi: d0.dpi, colourMode: d0.colourMode, compression: d0.compression ?? 'none', pageDetails: details, ojpeg, outOfRange };
  if (d0.dpi !== 'unknown') h.dpiSource = 'tiff';
  if (d0.width !== undefined) h.width = d0.width;
  if (d0.height !== undefined) h.height = d0.height;
  if (d0.bitsPerSample !== undefined) h.bitsPerSample = d0.bitsPerSample;
  if (problems.some((x) => x.severity === 'error')) h.broken = true;
  return h;
}

const SOF = new Map<number, string>([
  [0xc0, 'jpeg-baseline'], [0xc1, 'jpeg-extended'], [0xc2, 'jpeg-progressive'], [0xc3, 'jpeg-lossless'],
  [0xc5, 'jpeg-hierarchical'], [0xc6, 'jpeg-hierarchical'], [0xc7, 'jpeg-hierarchical'], [0xc9, 'jpeg-arithmetic'],
  [0xca, 'jpeg-arithmetic'], [0xcb, 'jpeg-arithmetic'], [0xcd, 'jpeg-arithmetic'], [0xce, 'jpeg-arithmetic'], [0xcf, 'jpeg-arithmetic'],
]);

async function jpegHeader(src: ByteSource, problems: FormatProblem[]): Promise<Header> {
  let pos = 2;
  let jfif: { x: number; y: number } | undefined;
  let jfifUnit: number | undefined;
  let exif: Dpi | undefined;
  let hasExif = false;
  let ps: { x: number; y: number } | undefined;
  let adobeTransform: number | undefined;
  let sof: { width: number; height: number; comps: number; bits: number; kind: string } | undefined;
  let junk = 0;
  for (let segs = 0; segs < 2000 && pos < src.size; segs++) {
    let m = await src.read(pos, 4);
    if (m.length < 2) break;
    if (m[0] !== 0xff) {
      // junk between segments: find the next marker (bounded)
      const win = await src.read(pos, 64 * 1024);
      let k = 0;
      while (k + 1 < win.length && !(win[k] === 0xff && win[k + 1] !== 0 && win[k + 1] !== 0xff)) k++;
      if (k + 1 >= win.length) break;
      junk += k;
      pos += k;
      m = await src.read(pos, 4);
    }
    const marker = m[1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || m.length < 4) break;
    const len = m.readUInt16BE(2);
    if (len < 2) break;
    const want = SOF.has(marker) || marker === 0xe0 || marker === 0xe1 || marker === 0xed || marker === 0xee;
    const seg = want ? await src.read(pos + 4, len - 2) : Buffer.alloc(0);
    if (SOF.has(marker) && seg.length >= 6 && !sof) {
      sof = { bits: seg[0]!, height: seg.readUInt16BE(1), width: seg.readUInt16BE(3), comps: seg[5]!, kind: SOF.get(marker)! };
    } else if (marker === 0xe0 && seg.length >= 12 && seg.toString('latin1', 0, 5) === 'JFIF\0') {
      jfifUnit = seg[7]!;
      jfif = { x: seg.readUInt16BE(8), y: seg.readUInt16BE(10) };
    } else if (marker === 0xe1 && seg.length >= 14 && seg.toString('latin1', 0, 6) === 'Exif\0\0' && exif === undefined) {
      hasExif = true;
      exif = await exifDpi(seg.subarray(6), problems);
    } else if (marker === 0xed && seg.toString('latin1', 0, 14) === 'Photoshop 3.0\0') {
      ps = photoshopDpi(seg.subarray(14)) ?? ps;
    } else if (marker === 0xee && seg.length >= 12 && seg.toString('latin1', 0, 5) === 'Adobe') {
      adobeTransform = seg[11];
    }
    if (marker === 0xda) break; // start of scan: the headers are over
    pos += 2 + len;
  }
  if (junk > 0) problems.push(p('jpeg-junk-bytes', 'warning', `JPEG 标记之间有 ${junk} 个多余字节`, `${junk} extraneous bytes between JPEG markers`));
  if (!sof) throw new TiffError('jpeg-no-frame', 'no JPEG frame header (SOF) before the image data');
  const colourMode: ColourMode = sof.comps === 1 ? 'grey' : sof.comps === 3 ? 'rgb' : sof.comps === 4 ? (adobeTransform === 2 ? 'ycck' : 'cmyk') : 'unknown';
  const h: Header = { width: sof.width, height: sof.height, pages: 1, dpi: 'unknown', colourMode, bitsPerSample: sof.bits, compression: sof.kind };
  const jfifDpi = jfif && (jfifUnit === 1 || jfifUnit === 2) ? toDpi(jfif.x, jfif.y, jfifUnit === 1 ? 'inch' : 'cm') : undefined;
  const candidates: [DpiSource, { x: number; y: number }][] = [];
  if (jfifDpi) candidates.push(['jfif', jfifDpi]);
  if (exif && exif !== 'unknown') candidates.push(['exif', exif]);
  // Photoshop's ResolutionInfo is private to one application and survives tools that strip or zero the
  // standard tags (exiftool): it is used only when the file has no EXIF block at all and no JFIF unit.
  if (ps && (!hasExif || candidates.length > 0) && !(exif === 'unknown')) candidates.push(['photoshop', ps]);
  if (ps && candidates.length === 0) {
    problems.push(p('dpi-photoshop-only', 'warning', `仅 Photoshop 资源块记录了 ${ps.x}×${ps.y} dpi，标准 EXIF 分辨率缺失或无效，不予采用`, `only the Photoshop resource block records ${ps.x}×${ps.y} dpi; the standard EXIF resolution is missing or invalid, so it is not used`));
  }
  const best = candidates[0];
  if (best) {
    h.dpi = best[1];
    h.dpiSource = best[0];
    const other = candidates.find(([, d]) => Math.abs(d.x - best[1].x) > 0.5 || Math.abs(d.y - best[1].y) > 0.5);
    if (other) problems.push(p('dpi-sources-disagree', 'warning', `分辨率来源不一致：${best[0]} ${best[1].x}×${best[1].y}，${other[0]} ${other[1].x}×${other[1].y}；采用 ${best[0]}`, `resolution sources disagree: ${best[0]} ${best[1].x}×${best[1].y} vs ${other[0]} ${other[1].x}×${other[1].y}; ${best[0]} used`));
  } else {
    const why = jfif && jfifUnit === 0 ? '（JFIF 只记录像素宽高比，单位为 0）' : '';
    const whyEn = jfif && jfifUnit === 0 ? ' (JFIF records only the pixel aspect ratio, unit 0)' : '';
    const invalid = exif === 'unknown' || (jfif && (jfifUnit === 1 || jfifUnit === 2));
    problems.push(p(invalid ? 'dpi-invalid' : 'dpi-missing', 'warning', `JPEG 未记录有效分辨率${why}`, `no valid resolution recorded in the JPEG${whyEn}`));
  }
  return h;
}

/** EXIF IFD0 resolution; 'unknown' when the tags are present but unusable; undefined when absent. */
async function exifDpi(tiff: Buffer, problems: FormatProblem[]): Promise<Dpi | undefined> {
  try {
    const src = bufferSource(tiff);
    const hdr = await readTiffHeader(src);
    const { tags } = await readIfd(src, hdr, hdr.firstIfd, 0, new Set([282, 283, 296]));
    const x = tags.get(282);
    const y = tags.get(283);
    const u = tags.get(296);
    if (x === undefined && y === undefined) return undefined;
    const unit = Array.isArray(u) ? u[0] : 2;
    if (!Array.isArray(x) || !Array.isArray(y) || (unit !== 2 && unit !== 3)) return 'unknown';
    return toDpi(x[0], y[0], unit === 2 ? 'inch' : 'cm') ?? 'unknown';
  } catch (e) {
    problems.push(p('exif-invalid', 'warning', `EXIF 数据损坏：${(e as Error).message}`, `the EXIF block is damaged: ${(e as Error).message}`));
    return undefined;
  }
}

/** Photoshop image resource 0x03ED (ResolutionInfo): values are always pixels per inch (16.16 fixed). */
function photoshopDpi(b: Buffer): { x: number; y: number } | undefined {
  let q = 0;
  while (q + 12 <= b.length && b.toString('latin1', q, q + 4) === '8BIM') {
    const id = b.readUInt16BE(q + 4);
    const nameLen = b[q + 6]!;
    let r = q + 6 + 1 + nameLen;
    if ((1 + nameLen) % 2) r++;
    if (r + 4 > b.length) return undefined;
    const size = b.readUInt32BE(r);
    const data = r + 4;
    if (id === 0x03ed && data + 16 <= b.length) return toDpi(b.readUInt32BE(data) / 65536, b.readUInt32BE(data + 8) / 65536, 'inch');
    q = data + size + (size % 2);
  }
  return undefined;
}

async function pngHeader(src: ByteSource, problems: FormatProblem[]): Promise<Header> {
  let pos = 8;
  let h: Header | undefined;
  let phys: { x: number; y: number; unit: number } | undefined;
  for (let n = 0; n < 10_000 && pos + 8 <= src.size; n++) {
    const c = await src.read(pos, 8);
    const len = c.readUInt32BE(0);
    const type = c.toString('latin1', 4, 8);
    if (type === 'IHDR') {
      const d = await src.read(pos + 8, 13);
      if (d.length < 13) break;
      const depth = d[8]!;
      const ct = d[9]!;
      const colourMode: ColourMode = ct === 0 || ct === 4 ? (depth === 1 ? 'bilevel' : 'grey') : ct === 2 || ct === 6 ? 'rgb' : ct === 3 ? 'palette' : 'unknown';
      h = { width: d.readUInt32BE(0), height: d.readUInt32BE(4), pages: 1, dpi: 'unknown', colourMode, bitsPerSample: depth, compression: 'deflate' };
    } else if (type === 'pHYs') {
      const d = await src.read(pos + 8, 9);
      if (d.length === 9) phys = { x: d.readUInt32BE(0), y: d.readUInt32BE(4), unit: d[8]! };
    } else if (type === 'IDAT' || type === 'IEND') break;
    pos += 12 + len;
  }
  if (!h) throw new TiffError('png-no-ihdr', 'no PNG IHDR chunk');
  const dpi = phys && phys.unit === 1 ? toDpi(phys.x, phys.y, 'm') : undefined;
  if (dpi) {
    h.dpi = dpi;
    h.dpiSource = 'png-phys';
  } else problems.push(p(phys ? 'dpi-invalid' : 'dpi-missing', 'warning', phys ? 'PNG pHYs 没有物理单位或数值无效' : 'PNG 未记录分辨率（无 pHYs）', phys ? 'PNG pHYs has no physical unit or invalid values' : 'no resolution recorded in the PNG (no pHYs)'));
  return h;
}

function bmpHeader(head: Buffer, problems: FormatProblem[]): Header {
  const dib = head.readUInt32LE(14);
  if (dib < 40 || head.length < 54) {
    problems.push(p('dpi-missing', 'warning', 'BMP（OS/2 头）不记录分辨率', 'the BMP (OS/2 header) records no resolution'));
    return { width: head.readUInt16LE(18), height: head.readUInt16LE(20), pages: 1, dpi: 'unknown', colourMode: 'unknown' };
  }
  const bpp = head.readUInt16LE(28);
  const comp = head.readUInt32LE(30);
  const h: Header = {
    width: head.readInt32LE(18), height: Math.abs(head.readInt32LE(22)), pages: 1, dpi: 'unknown',
    colourMode: bpp === 1 ? 'bilevel' : bpp <= 8 ? 'palette' : 'rgb', bitsPerSample: bpp >= 24 ? 8 : bpp,
    compression: ['none', 'rle8', 'rle4', 'bitfields', 'jpeg', 'png'][comp] ?? `bmp-${comp}`,
  };
  const dpi = toDpi(head.readInt32LE(38), head.readInt32LE(42), 'm');
  if (dpi) {
    h.dpi = dpi;
    h.dpiSource = 'bmp';
  } else problems.push(p('dpi-missing', 'warning', 'BMP 未记录分辨率（每米像素数为 0）', 'no resolution recorded in the BMP (pixels per metre is 0)'));
  return h;
}

async function otherHeader(path: string, problems: FormatProblem[]): Promise<Header> {
  const m = await sharp(path, { limitInputPixels: false }).metadata();
  const colourMode: ColourMode = m.space === 'b-w' ? 'grey' : m.space === 'cmyk' ? 'cmyk' : m.isPalette ? 'palette' : m.space === 'srgb' || m.space === 'rgb' ? 'rgb' : 'unknown';
  problems.push(p('dpi-not-read', 'warning', '未读取此格式的分辨率（JP2/GIF 等）', 'resolution is not read for this format (JP2/GIF…)'));
  const h: Header = { pages: m.pages ?? 1, dpi: 'unknown', colourMode };
  if (m.width) h.width = m.width;
  if (m.height) h.height = m.height;
  return h;
}

type Deadline = { at: number };
const remaining = (d: Deadline) => d.at - performance.now();

async function withTimeout<T>(work: Promise<T>, d: Deadline): Promise<T> {
  const ms = remaining(d);
  if (ms <= 0) throw new TiffError('timeout', 'time limit reached');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new TiffError('timeout', 'time limit reached')), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Decodes every pixel (streamed) with libvips; warnings-level failure retried at 'error' level. The image
 * is decoded to an eighth of its width with nearest-neighbour sampling: every byte of the compressed data
 * is still read and decoded (a truncated or corrupt stream fails), JPEG uses libjpeg's DCT scaling, and no
 * full-size statistics are computed — three to four times faster than `stats()` on scans.
 */
async function decodeOne(input: string | Buffer, page: number | undefined, maxPixels: number, d: Deadline): Promise<{ ok: true; warning?: string } | { ok: false; error: string }> {
  const run = async (failOn: 'warning' | 'error') => {
    const s = sharp(input, { failOn, limitInputPixels: maxPixels, sequentialRead: true, ...(page !== undefined ? { page, pages: 1 } : {}) });
    const width = (await withTimeout(s.clone().metadata(), d)).width ?? 8;
    return withTimeout(s.timeout({ seconds: Math.max(1, Math.ceil(remaining(d) / 1000)) }).resize({ width: Math.max(1, Math.ceil(width / 8)), kernel: 'nearest', fastShrinkOnLoad: true }).raw().toBuffer(), d);
  };
  try {
    await run('warning');
    return { ok: true };
  } catch (e) {
    if (e instanceof TiffError) return { ok: false, error: e.message };
    try {
      await run('error');
      return { ok: true, warning: (e as Error).message.split('\n')[0]! };
    } catch (e2) {
      return { ok: false, error: (e2 as Error).message.split('\n')[0]! };
    }
  }
}

/** Inspects one image file. Never throws; bounded by `timeoutMs` and `maxPixels` (per page). */
export async function inspectImage(path: string, options: ImageOptions = {}): Promise<ImageInspection> {
  const t0 = performance.now();
  const o = { ...DEFAULTS, ...options };
  const deadline: Deadline = { at: t0 + o.timeoutMs };
  const problems: FormatProblem[] = [];
  const result = (h: Partial<Header> & { format: FormatId }, decodes: boolean, decodedPages: number): ImageInspection => {
    const r: ImageInspection = {
      ok: decodes && !h.broken && !problems.some((x) => x.severity === 'error'), problems, format: h.format, pages: h.pages ?? 0,
      dpi: h.dpi ?? 'unknown', colourMode: h.colourMode ?? 'unknown', decodes, decodedPages, ms: Math.round(performance.now() - t0),
    };
    if (h.width !== undefined) r.width = h.width;
    if (h.height !== undefined) r.height = h.height;
    if (h.dpiSource) r.dpiSource = h.dpiSource;
    if (h.bitsPerSample !== undefined) r.bitsPerSample = h.bitsPerSample;
    if (h.compression) r.compression = h.compression;
    if (h.pageDetails && h.pageDetails.length > 1) r.pageDetails = h.pageDetails;
    return r;
  };
  let fh: FileHandle | undefined;
  let headerWork: Promise<unknown> | undefined;
  try {
    fh = await open(path, 'r');
    const size = (await fh.stat()).size;
    const src = fileSource(fh, size);
    const head = await src.read(0, HEAD_BYTES);
    const format = detectFormatOfBuffer(head, { size }).format;
    let h: Header;
    try {
      // A header read abandoned at the deadline still holds the file: `finally` waits for it before closing.
      const track = (w: Promise<Header>) => ((headerWork = w.catch(() => undefined)), withTimeout(w, deadline));
      if (format === 'tiff') h = await track(tiffHeader(src, problems));
      else if (format === 'jpeg') h = await track(jpegHeader(src, problems));
      else if (format === 'png') h = await track(pngHeader(src, problems));
      else if (format === 'bmp') h = bmpHeader(head, problems);
      else if (format === 'gif' || format === 'jp2') h = await track(otherHeader(path, problems));
      else {
        problems.push(p('image-format-unsupported', 'error', `不是可检测的图像格式（识别为 ${format}）`, `not an image format this inspector reads (identified as ${format})`));
        return result({ format }, false, 0);
      }
    } catch (e) {
      const code = e instanceof TiffError ? e.code : 'image-header-invalid';
      problems.push(p(code, 'error', `图像头无法解析：${(e as Error).message}`, `the image header does not parse: ${(e as Error).message}`));
      return result({ format }, false, 0);
    }
    // Decode.
    const pixelsPerPage = (h.width ?? 0) * (h.height ?? 0);
    if (pixelsPerPage > o.maxPixels) {
      problems.push(p('decode-not-run', 'warning', `图像 ${h.width}×${h.height} 超过解码像素上限 ${o.maxPixels}，未解码`, `${h.width}×${h.height} exceeds the ${o.maxPixels}-pixel decode limit; not decoded`));
      return result({ ...h, format }, false, 0);
    }
    const pagesToDecode = Math.min(h.pages, o.maxDecodePages);
    let decoded = 0;
    let decodes = true;
    for (let i = 0; i < pagesToDecode; i++) {
      const page = format === 'tiff' ? i : undefined;
      let r = await decodeOne(path, page, o.maxPixels, deadline);
      const oj = h.ojpeg?.get(i);
      if (!r.ok && oj && oj.length <= MAX_OJPEG_STREAM && oj.offset + oj.length <= size) {
        const stream = await src.read(oj.offset, oj.length);
        const r2 = await decodeOne(stream, undefined, o.maxPixels, deadline);
        if (r2.ok) r = { ok: true, warning: 'decoded through the embedded old-style JPEG interchange stream' };
      }
      if (!r.ok) {
        decodes = false;
        const timeout = /time limit|timeout/i.test(r.error);
        problems.push(p(timeout ? 'decode-timeout' : 'decode-failed', 'error', `第 ${i + 1} 页无法完整解码：${r.error}`, `page ${i + 1} does not decode completely: ${r.error}`));
        break;
      }
      if (r.warning) problems.push(p('decode-warning', 'warning', `第 ${i + 1} 页解码时有警告：${r.warning}`, `page ${i + 1} decoded with a warning: ${r.warning}`));
      decoded++;
    }
    if (h.outOfRange?.length) {
      const pages = h.outOfRange.slice(0, 10).join(', ');
      // Libtiff clamps bogus byte counts; it is truncation only when the pixels then fail to decode.
      problems.push(decodes
        ? p('tiff-tags-inconsistent', 'warning', `第 ${pages} 页的条带/瓦片字节数超出文件末尾，但图像可完整解码（标签错误）`, `page(s) ${pages}: strip/tile byte counts run past the end of the file, yet the image decodes (wrong tags)`)
        : p('tiff-data-truncated', 'error', `第 ${pages} 页的图像数据超出文件末尾（文件被截断）`, `page(s) ${pages}: image data lies beyond the end of the file (truncated)`));
    }
    if (decodes && pagesToDecode < h.pages) problems.push(p('decode-partial', 'warning', `只解码了前 ${pagesToDecode} 页（共 ${h.pages} 页）`, `only the first ${pagesToDecode} of ${h.pages} pages were decoded`));
    return result({ ...h, format }, decodes && pagesToDecode > 0, decoded);
  } catch (e) {
    problems.push(p('image-unreadable', 'error', `无法读取图像：${(e as Error).message}`, `cannot read the image: ${(e as Error).message}`));
    return result({ format: 'unknown' }, false, 0);
  } finally {
    await headerWork;
    await fh?.close().catch(() => undefined);
  }
}
