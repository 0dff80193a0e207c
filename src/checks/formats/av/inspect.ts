/**
 * Audio/video inspector: container, codec, duration, bit rate, sample rate, channels and (where the
 * container says) picture size, read by music-metadata (`parseFile`, which streams / reads by position),
 * plus our own bounded structure checks that catch what a lenient tag reader does not:
 * - RIFF (WAV/AVI): chunk walk; the RIFF size and each chunk must fit in the file (a cut file → ok:false);
 *   WAV needs 'fmt ' and 'data';
 * - ISO BMFF (MP4/MOV): top-level box walk; every box must fit, a 'moov' box must exist.
 *
 * Does not: decode audio or video frames (a corrupt frame inside a structurally complete file is not seen),
 * parse MPEG-PS/TS or FLV streams (identified only; `ok` then reflects music-metadata's view), or cancel
 * music-metadata on timeout (its result is abandoned). Never throws.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parseFile } from 'music-metadata';
import { detectFormatOfBuffer, HEAD_BYTES } from '../identify.ts';
import type { FormatId, FormatProblem, InspectionBase } from '../model.ts';
import { withTimeout } from '../deadline.ts';

export type AvInspection = InspectionBase & {
  format: FormatId;
  /** container as music-metadata names it ('WAVE', 'MPEG', 'isom/iso2', 'FLAC' …) */
  container?: string;
  codec?: string;
  durationSeconds?: number;
  /** bits per second */
  bitrate?: number;
  sampleRate?: number;
  channels?: number;
  bitsPerSample?: number;
  width?: number;
  height?: number;
};

export type AvOptions = { timeoutMs?: number };
const DEFAULTS = { timeoutMs: 30_000 };
const MAX_CHUNKS = 100_000;
const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });
const AV: ReadonlySet<FormatId> = new Set(['mp4', 'mov', 'avi', 'mpeg', 'flv', 'mp3', 'wav', 'flac']);

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(len);
  const { bytesRead } = await fh.read(b, 0, len, pos);
  return b.subarray(0, bytesRead);
}

/** RIFF chunk walk (top level). */
async function checkRiff(fh: FileHandle, size: number, kind: 'wav' | 'avi', problems: FormatProblem[]): Promise<void> {
  const h = await readAt(fh, 0, 12);
  const riffSize = h.readUInt32LE(4) + 8;
  if (riffSize > size) problems.push(p('av-truncated', 'error', `RIFF 头声明 ${riffSize} 字节，文件只有 ${size} 字节（文件被截断）`, `the RIFF header declares ${riffSize} bytes but the file has ${size} (truncated)`));
  const seen = new Set<string>();
  let pos = 12;
  const end = Math.min(riffSize, size);
  for (let n = 0; n < MAX_CHUNKS && pos + 8 <= end; n++) {
    const c = await readAt(fh, pos, 8);
    const id = c.toString('latin1', 0, 4);
    const len = c.readUInt32LE(4);
    seen.add(id);
    if (pos + 8 + len > size) {
      problems.push(p('av-truncated', 'error', `“${id}”块声明 ${len} 字节，超出文件末尾（文件被截断）`, `chunk "${id}" declares ${len} bytes, past the end of the file (truncated)`));
      break;
    }
    pos += 8 + len + (len & 1);
  }
  const need = kind === 'wav' ? ['fmt ', 'data'] : ['LIST'];
  for (const id of need) if (!seen.has(id)) problems.push(p('av-structure', 'error', `缺少“${id}”块`, `no "${id}" chunk`));
}

/** ISO BMFF top-level box walk. */
async function checkBmff(fh: FileHandle, size: number, problems: FormatProblem[]): Promise<void> {
  let pos = 0;
  let moov = false;
  for (let n = 0; n < MAX_CHUNKS && pos + 8 <= size; n++) {
    const b = await readAt(fh, pos, 16);
    let len = b.readUInt32BE(0);
    const type = b.toString('latin1', 4, 8);
    if (len === 1 && b.length >= 16) len = Number(b.readBigUInt64BE(8));
    else if (len === 0) len = size - pos; // to the end of the file
    if (len < 8) {
      problems.push(p('av-structure', 'error', `“${type}”盒长度 ${len} 无效`, `box "${type}" has an invalid length ${len}`));
      return;
    }
    if (type === 'moov') moov = true;
    if (pos + len > size) {
      problems.push(p('av-truncated', 'error', `“${type}”盒声明 ${len} 字节，超出文件末尾（文件被截断）`, `box "${type}" declares ${len} bytes, past the end of the file (truncated)`));
      return;
    }
    pos += len;
  }
  if (!moov) problems.push(p('av-structure', 'error', '没有“moov”盒（无法播放）', 'no "moov" box (not playable)'));
}


/** Inspects one audio/video file. Never throws; bounded by `timeoutMs`. */
export async function inspectAv(path: string, options: AvOptions = {}): Promise<AvInspection> {
  const t0 = performance.now();
  const o = { ...DEFAULTS, ...options };
  const problems: FormatProblem[] = [];
  const r: AvInspection = { ok: false, problems, format: 'unknown' };
  try {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const head = await readAt(fh, 0, Math.min(size, HEAD_BYTES));
      r.format = detectFormatOfBuffer(head, { size }).format;
      if (!AV.has(r.format)) {
        problems.push(p('av-format-unsupported', 'error', `不是音视频格式（识别为 ${r.format}）`, `not an audio/video format (identified as ${r.format})`));
      } else if (r.format === 'wav' || r.format === 'avi') await checkRiff(fh, size, r.format, problems);
      else if (r.format === 'mp4' || r.format === 'mov') await checkBmff(fh, size, problems);
    } finally {
      await fh.close();
    }
    if (AV.has(r.format)) {
      try {
        const m = await withTimeout(parseFile(path, { skipCovers: true, duration: false }), Math.max(1, o.timeoutMs - (performance.now() - t0)));
        const f = m.format;
        if (f.container) r.container = f.container;
        if (f.codec) r.codec = f.codec;
        if (f.duration !== undefined && Number.isFinite(f.duration)) r.durationSeconds = f.duration;
        if (f.bitrate !== undefined && Number.isFinite(f.bitrate)) r.bitrate = Math.round(f.bitrate);
        if (f.sampleRate) r.sampleRate = f.sampleRate;
        if (f.numberOfChannels) r.channels = f.numberOfChannels;
        if (f.bitsPerSample) r.bitsPerSample = f.bitsPerSample;
        const video = f.trackInfo.find((t) => t.video?.pixelWidth)?.video;
        if (video?.pixelWidth) r.width = video.pixelWidth;
        if (video?.pixelHeight) r.height = video.pixelHeight;
        if (!f.container && !f.codec) problems.push(p('av-not-parsed', 'error', '无法识别容器或编码', 'neither container nor codec could be read'));
        if (r.durationSeconds === undefined) problems.push(p('av-duration-unknown', 'warning', '无法确定时长', 'the duration cannot be determined'));
        else if (r.durationSeconds <= 0) problems.push(p('av-empty', 'error', '时长为 0（没有音视频数据）', 'zero duration (no audio/video data)'));
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0]!;
        problems.push(p(/time limit/.test(msg) ? 'av-timeout' : 'av-not-parsed', 'error', `音视频文件无法解析：${msg}`, `the audio/video file does not parse: ${msg}`));
      }
    }
  } catch (e) {
    problems.push(p('av-unreadable', 'error', `无法读取文件：${(e as Error).message}`, `cannot read the file: ${(e as Error).message}`));
  }
  r.ok = !problems.some((x) => x.severity === 'error');
  r.ms = Math.round(performance.now() - t0);
  return r;
}
