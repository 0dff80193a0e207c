/**
 * The CJK font every Dangan PDF is set in: Noto Sans SC (Noto Sans Hans, SIL OFL 1.1) from
 * `@embedpdf/fonts-sc` — all GB2312/GBK characters plus Latin, digits and common punctuation. The two
 * weights we use (Regular 400, Bold 700; ≈ 8 MB each) are read once, lazily, on the first render and
 * kept in memory; pdfkit embeds only a subset of the glyphs each document uses (≈ 70 KB per weight, the
 * CFF global subroutines dominate).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PmFontFamily } from './pdfmake.ts';

export const FONT_FAMILY = 'NotoSansSC';

const FILES = { regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' } as const;

/** The folder holding the .otf files (the package exports only its JS entry: go from there). */
export function fontDir(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return join(dirname(entry), '..', 'fonts');
}

export type LoadedFonts = { families: Record<string, PmFontFamily>; files: ReadonlyMap<string, Buffer> };

let loading: Promise<LoadedFonts> | undefined;

/** Loads the font files once per process; concurrent first calls share one read. */
export function loadFonts(): Promise<LoadedFonts> {
  loading ??= (async () => {
    const dir = fontDir();
    const [regular, bold] = await Promise.all([readFile(join(dir, FILES.regular)), readFile(join(dir, FILES.bold))]);
    const files = new Map<string, Buffer>([
      [FILES.regular, regular],
      [FILES.bold, bold],
    ]);
    // No italic Chinese exists: italics fall back to the upright faces.
    const family: PmFontFamily = { normal: FILES.regular, bold: FILES.bold, italics: FILES.regular, bolditalics: FILES.bold };
    return { families: { [FONT_FAMILY]: family }, files };
  })().catch((e: unknown) => {
    loading = undefined; // let a later call retry (e.g. the package was installed meanwhile)
    throw new Error(`pdf: cannot load the Noto Sans SC fonts from @embedpdf/fonts-sc: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  return loading;
}
