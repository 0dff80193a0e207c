/**
 * DWG inspector: the 6-byte version string at the start of the file (AC1032 → AutoCAD 2018 …) and a
 * plausibility check of the fixed file header (R13 and later: five zero bytes after the version, the
 * maintenance release byte; a minimum size — an empty drawing saved by AutoCAD is tens of KiB, so anything
 * under 1 KiB cannot be a complete drawing).
 *
 * Does not: decrypt the R2004+ file header, read section maps, CRCs, objects or the thumbnail — there is no
 * open-source DWG reader among our dependencies (LibreDWG is GPL and native). So `ok: true` means "a
 * plausible DWG of a known release", not "a drawing that opens". Never throws.
 */
import { open } from 'node:fs/promises';
import { dwgRelease } from '../identify.ts';
import type { FormatProblem, InspectionBase } from '../model.ts';

export type DwgInspection = InspectionBase & {
  /** 'AC1032' …; undefined when the file does not start with a DWG version string */
  version?: string;
  /** 'AutoCAD 2018' …; undefined for an unknown version */
  release?: string;
  /** the maintenance release byte (offset 0x0B), R13 and later */
  maintenanceVersion?: number;
  size: number;
};

/** Smallest size accepted as a complete drawing (bytes). */
export const DWG_MIN_BYTES = 1024;
const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });

export async function inspectDwg(path: string): Promise<DwgInspection> {
  const t0 = performance.now();
  const problems: FormatProblem[] = [];
  const r: DwgInspection = { ok: false, problems, size: 0 };
  try {
    const fh = await open(path, 'r');
    let head: Buffer;
    try {
      r.size = (await fh.stat()).size;
      head = Buffer.alloc(Math.min(r.size, 0x80));
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    const six = head.toString('latin1', 0, 6);
    const five = head.toString('latin1', 0, 5);
    if (dwgRelease(six) || /^AC\d{4}$/.test(six)) r.version = six;
    else if (dwgRelease(five)) r.version = five;
    if (!r.version) {
      problems.push(p('dwg-signature-missing', 'error', '文件开头不是 DWG 版本标识（AC10xx）', 'the file does not start with a DWG version string (AC10xx)'));
    } else {
      const release = dwgRelease(r.version);
      if (release) r.release = release;
      else problems.push(p('dwg-version-unknown', 'error', `未知的 DWG 版本 ${r.version}`, `unknown DWG version ${r.version}`));
      const modern = /^AC10(1[2-9]|[2-9]\d)$/.test(r.version); // R13 and later
      if (modern && head.length >= 0x0c) {
        if (![6, 7, 8, 9, 10].every((i) => head[i] === 0)) problems.push(p('dwg-header-unexpected', 'warning', 'DWG 版本标识后的 5 个字节不全为 0', 'the five bytes after the DWG version string are not all zero'));
        r.maintenanceVersion = head[0x0b]!;
      }
      if (r.size < DWG_MIN_BYTES) problems.push(p('dwg-truncated', 'error', `文件只有 ${r.size} 字节，不可能是完整的图纸（至少 ${DWG_MIN_BYTES} 字节）`, `only ${r.size} bytes: too small to be a complete drawing (at least ${DWG_MIN_BYTES})`));
    }
  } catch (e) {
    problems.push(p('dwg-unreadable', 'error', `无法读取文件：${(e as Error).message}`, `cannot read the file: ${(e as Error).message}`));
  }
  r.ok = !problems.some((x) => x.severity === 'error');
  r.ms = Math.round(performance.now() - t0);
  return r;
}
