/**
 * Entry names: decoding the bytes a zip or tar header holds, and the rules a path must meet before
 * anything may be done with it. Pure functions: no I/O.
 *
 * Chinese Windows tools (Explorer's "Send to compressed folder", WinRAR, 7-Zip on zh-CN) write zip
 * names in the ANSI code page (GBK, code page 936) without setting the UTF-8 flag. GB18030 is a
 * superset of GBK and GB2312, so it decodes all of them.
 */
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { unpackError, unpackWarning, type UnpackWarning } from './errors.ts';
import type { UnpackLimits } from './limits.ts';

export type NameEncoding = 'utf8-flag' | 'unicode-path-extra' | 'utf8' | 'gb18030' | 'cp437';
export type ExtraField = { id: number; data: Buffer };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(raw: Uint8Array): string | undefined {
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

/** GB18030, or undefined when the bytes are not valid GB18030 (checked by an exact round trip). */
export function decodeGb18030Strict(raw: Buffer): string | undefined {
  const s = iconv.decode(raw, 'gb18030');
  if (s.includes('\uFFFD')) return undefined;
  return iconv.encode(s, 'gb18030').equals(raw) ? s : undefined;
}

/** Bytes of unknown encoding: strict UTF-8 (ASCII included), then GB18030, then CP437 (never fails). */
export function decodeNameBytes(raw: Buffer): { name: string; encoding: 'utf8' | 'gb18030' | 'cp437' } {
  const u = decodeUtf8Strict(raw);
  if (u !== undefined) return { name: u, encoding: 'utf8' };
  const g = decodeGb18030Strict(raw);
  if (g !== undefined) return { name: g, encoding: 'gb18030' };
  return { name: iconv.decode(raw, 'cp437'), encoding: 'cp437' };
}

/**
 * A zip entry name (APPNOTE 4.4.4 bit 11, Info-ZIP Unicode Path extra field 0x7075). The extra field
 * counts only if its version is 1 and its CRC-32 matches the raw name, as the Info-ZIP note requires.
 */
export function decodeZipName(raw: Buffer, generalPurposeFlags: number, extraFields: readonly ExtraField[] = []): { name: string; encoding: NameEncoding } {
  if (generalPurposeFlags & 0x800) {
    const s = decodeUtf8Strict(raw);
    if (s === undefined) throw unpackError('name-encoding-invalid', iconv.decode(raw, 'cp437'), '标记为 UTF-8 的文件名不是有效的 UTF-8', 'the name is flagged UTF-8 but is not valid UTF-8');
    return { name: s, encoding: 'utf8-flag' };
  }
  for (const f of extraFields) {
    if (f.id !== 0x7075 || f.data.length < 6 || f.data[0] !== 1) continue;
    if (f.data.readUInt32LE(1) !== crc32(raw)) continue;
    const s = decodeUtf8Strict(f.data.subarray(5));
    if (s !== undefined) return { name: s, encoding: 'unicode-path-extra' };
  }
  return decodeNameBytes(raw);
}

/** Parses a zip extra-field block into (id, data) pairs; a malformed tail is ignored. */
export function parseExtraFields(raw: Buffer): ExtraField[] {
  const out: ExtraField[] = [];
  for (let i = 0; i + 4 <= raw.length; ) {
    const id = raw.readUInt16LE(i);
    const len = raw.readUInt16LE(i + 2);
    if (i + 4 + len > raw.length) break;
    out.push({ id, data: raw.subarray(i + 4, i + 4 + len) });
    i += 4 + len;
  }
  return out;
}

const RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\.[^.]*)*$/i;

/**
 * Checks and normalises an entry path: "\" becomes "/", NFC, one leading "./" and a trailing "/"
 * (directory marker) are removed. Throws UnpackError for anything that could escape the package
 * root or that Windows could not store; returns the clean path and warnings.
 */
export function checkEntryPath(original: string, limits: Pick<UnpackLimits, 'maxPathBytes' | 'maxNameBytes' | 'maxNestingDepth'>): { path: string; warnings: UnpackWarning[] } {
  const warnings: UnpackWarning[] = [];
  const e = original;
  if (/[\u0000-\u001f\u007f]/.test(original)) throw unpackError('path-control-char', JSON.stringify(e).slice(1, -1), '路径含 NUL 或控制字符', 'the path contains NUL or a control character');
  if (original.startsWith('\\\\') || original.startsWith('//')) throw unpackError('path-absolute', e, '不允许 UNC 网络路径', 'a UNC network path is not allowed');
  if (/^[A-Za-z]:/.test(original)) throw unpackError('path-absolute', e, '不允许带盘符的绝对路径', 'an absolute path with a drive letter is not allowed');
  if (original.startsWith('/') || original.startsWith('\\')) throw unpackError('path-absolute', e, '不允许绝对路径', 'an absolute path is not allowed');
  let p = original;
  if (p.includes('\\')) {
    p = p.replace(/\\/g, '/');
    warnings.push(unpackWarning('name-backslash', e, '反斜杠已按 Windows 路径分隔符处理', 'backslashes were read as Windows path separators'));
  }
  const nfc = p.normalize('NFC');
  if (nfc !== p) warnings.push(unpackWarning('name-not-nfc', e, '名称已规范化为 NFC', 'the name was normalised to NFC'));
  p = nfc;
  if (p.startsWith('./')) {
    p = p.replace(/^(\.\/)+/, '');
    warnings.push(unpackWarning('name-dot-prefix', e, '去掉了开头的“./”', 'the leading "./" was removed'));
  }
  if (p.endsWith('/')) p = p.slice(0, -1);
  const segs = p.split('/');
  if (segs.includes('..')) throw unpackError('path-traversal', e, '路径含“..”，会跳出包的根目录', 'the path contains "..", which leaves the package root');
  if (segs.some((s) => s === '' || s === '.')) throw unpackError('path-empty-segment', e, '路径含空段或“.”段', 'the path has an empty or "." segment');
  if (Buffer.byteLength(p) > limits.maxPathBytes) throw unpackError('path-too-long', e, `路径超过 ${limits.maxPathBytes} 字节`, `the path is longer than ${limits.maxPathBytes} bytes`);
  if (segs.length > limits.maxNestingDepth) throw unpackError('path-too-deep', e, `目录层级超过 ${limits.maxNestingDepth}`, `the path is nested deeper than ${limits.maxNestingDepth} levels`);
  for (const s of segs) {
    if (Buffer.byteLength(s) > limits.maxNameBytes) throw unpackError('name-too-long', e, `名称“${s.slice(0, 20)}…”超过 ${limits.maxNameBytes} 字节`, `a name is longer than ${limits.maxNameBytes} bytes`);
    if (RESERVED.test(s)) throw unpackError('path-reserved-name', e, `“${s}”是 Windows 保留名称`, `"${s}" is a name Windows reserves for a device`);
    if (/[. ]$/.test(s)) throw unpackError('path-trailing-dot-space', e, `名称“${s}”以点或空格结尾，Windows 无法保存`, `the name "${s}" ends with a dot or a space, which Windows cannot store`);
  }
  return { path: p, warnings };
}

/**
 * Remembers every path seen. An exact duplicate (after NFC) is an error; names equal after case
 * folding are a warning (they collide on Windows and macOS only); a path that is both a file and a
 * directory is an error.
 */
export class NameRegistry {
  private readonly exact = new Map<string, 'file' | 'dir'>();
  private readonly folded = new Set<string>();
  private readonly impliedDirs = new Set<string>();

  add(path: string, kind: 'file' | 'dir'): UnpackWarning | undefined {
    const prev = this.exact.get(path);
    if (prev !== undefined) {
      if (prev === 'dir' && kind === 'dir') return undefined;
      throw unpackError('name-duplicate', path, '名称重复（NFC 规范化后相同）', 'the name occurs twice (identical after NFC normalisation)');
    }
    if (kind === 'file' && this.impliedDirs.has(path)) throw unpackError('name-file-dir-conflict', path, '同一路径既是文件又是目录', 'the same path is both a file and a directory');
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      const dir = path.slice(0, i);
      if (this.exact.get(dir) === 'file') throw unpackError('name-file-dir-conflict', path, `上级“${dir}”是文件`, `its parent "${dir}" is a file`);
      this.impliedDirs.add(dir);
    }
    this.exact.set(path, kind);
    const f = path.toUpperCase().toLowerCase();
    if (this.folded.has(f) && !this.impliedDirs.has(path)) {
      return unpackWarning('name-case-collision', path, '与另一名称仅大小写不同，在 Windows 上会冲突', 'differs from another name only in case, which collides on Windows');
    }
    this.folded.add(f);
    return undefined;
  }
}
