/**
 * DA/T 31 scan-quality judgement over an `ImageInspection` — pure, no I/O.
 *
 * The parameters are policy DATA, not code: the engine passes the scheme's values. The defaults below are
 * ASSUMPTIONS (common practice when applying DA/T 31-2017 《纸质档案数字化规范》, not verified against the
 * standard's text here): at least 200 dpi for text pages scanned bilevel or greyscale, at least 300 dpi for
 * colour; old-style JPEG TIFF is not accepted for preservation. Replace them from the scheme.
 *
 * Outcome: 'fail' when the image does not decode, a page is below the minimum, the colour mode or compression
 * is not allowed; 'unknown' when resolution or colour mode cannot be read (never assume 72 dpi); else 'pass'.
 * Does not judge skew, cropping, blank pages, noise or colour fidelity (those need pixel analysis).
 */
import type { FormatProblem } from '../model.ts';
import type { ColourMode, Dpi, ImageInspection } from './inspect.ts';

export type ScanPolicy = {
  /** minimum dpi (both axes) for bilevel and greyscale pages */
  minDpi: number;
  /** minimum dpi for colour pages (rgb, cmyk, ycck, palette, lab); defaults to minDpi */
  minDpiColour?: number;
  /** accepted colour modes; undefined = any */
  colourModes?: readonly ColourMode[];
  /** compressions that fail the check (e.g. 'ojpeg') */
  forbiddenCompressions?: readonly string[];
  /** tolerance in dpi below the minimum (rounding of px/cm values, e.g. 299.999) */
  toleranceDpi?: number;
};

/** UNVERIFIED defaults (see the header): replace from the checking scheme. */
export const DEFAULT_SCAN_POLICY: Readonly<ScanPolicy> = Object.freeze({
  minDpi: 200,
  minDpiColour: 300,
  forbiddenCompressions: ['ojpeg'],
  toleranceDpi: 0.5,
});

export type ScanOutcome = { outcome: 'pass' | 'fail' | 'unknown'; problems: FormatProblem[] };

const COLOUR: ReadonlySet<ColourMode> = new Set(['rgb', 'cmyk', 'ycck', 'palette', 'lab']);
const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });

export function evaluateScan(img: Pick<ImageInspection, 'ok' | 'decodes' | 'dpi' | 'colourMode' | 'compression' | 'pageDetails'>, policy: ScanPolicy = DEFAULT_SCAN_POLICY): ScanOutcome {
  const problems: FormatProblem[] = [];
  let fail = false;
  let unknown = false;
  if (!img.decodes || !img.ok) {
    problems.push(p('scan-not-decodable', 'error', '图像无法完整解码', 'the image does not decode completely'));
    fail = true;
  }
  const pages: { dpi: Dpi; colourMode: ColourMode; compression?: string }[] = img.pageDetails?.length ? img.pageDetails : [img];
  const tol = policy.toleranceDpi ?? 0;
  pages.forEach((pg, i) => {
    const where = pages.length > 1 ? { zh: `第 ${i + 1} 页`, en: `page ${i + 1}: ` } : { zh: '', en: '' };
    if (pg.dpi === 'unknown') {
      unknown = true;
      problems.push(p('scan-dpi-unknown', 'warning', `${where.zh}分辨率未记录或无效，无法判定`, `${where.en}resolution missing or invalid; cannot judge`));
    } else {
      const colour = COLOUR.has(pg.colourMode);
      const min = colour ? policy.minDpiColour ?? policy.minDpi : policy.minDpi;
      const low = Math.min(pg.dpi.x, pg.dpi.y);
      if (pg.colourMode === 'unknown') unknown = true;
      if (low + tol < min) {
        fail = true;
        problems.push(p('scan-dpi-low', 'error', `${where.zh}分辨率 ${pg.dpi.x}×${pg.dpi.y} dpi 低于 ${min} dpi（${colour ? '彩色' : '黑白/灰度'}）`, `${where.en}resolution ${pg.dpi.x}×${pg.dpi.y} dpi is below ${min} dpi (${colour ? 'colour' : 'bilevel/grey'})`));
      }
    }
    if (policy.colourModes && !policy.colourModes.includes(pg.colourMode)) {
      if (pg.colourMode === 'unknown') unknown = true;
      else {
        fail = true;
        problems.push(p('scan-colour-mode', 'error', `${where.zh}色彩模式 ${pg.colourMode} 不在允许范围（${policy.colourModes.join('、')}）`, `${where.en}colour mode ${pg.colourMode} is not allowed (${policy.colourModes.join(', ')})`));
      }
    }
    if (pg.compression && policy.forbiddenCompressions?.includes(pg.compression)) {
      fail = true;
      problems.push(p('scan-compression', 'error', `${where.zh}压缩方式 ${pg.compression} 不允许`, `${where.en}compression ${pg.compression} is not allowed`));
    }
  });
  // One message per code is enough for long multi-page scans.
  const seen = new Map<string, number>();
  const kept = problems.filter((x) => {
    const n = (seen.get(x.code) ?? 0) + 1;
    seen.set(x.code, n);
    return n <= 5;
  });
  return { outcome: fail ? 'fail' : unknown ? 'unknown' : 'pass', problems: kept };
}
