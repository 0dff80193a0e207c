/**
 * Image inspector against every file of pillow-test-images, with the outcome its SOURCE.md gives
 * (archive policy: a missing, aspect-only or broken resolution is 'unknown', never Pillow's 72 default).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpus } from '../../../platform/testing/corpus.ts';
import { inspectImage } from './inspect.ts';
import { DEFAULT_SCAN_POLICY, evaluateScan } from './scan.ts';

const DIR = corpus('pillow-test-images', 'Tests', 'images');

type Expect = { ok: boolean; dpi: [number, number] | 'unknown'; pages?: number; colour?: string; size?: [number, number]; codes?: string[] };
const EXPECTED: Record<string, Expect> = {
  'hopper.jpg': { ok: true, dpi: [96, 96], size: [128, 128], colour: 'rgb' },
  'hopper_gray.jpg': { ok: true, dpi: [96, 96], colour: 'grey' },
  'pil_sample_cmyk.jpg': { ok: true, dpi: [72, 72], colour: 'ycck' }, // Adobe APP14 transform 2: CMYK stored as YCCK
  'exif-72dpi-int.jpg': { ok: true, dpi: [72, 72] },
  'photoshop-200dpi.jpg': { ok: true, dpi: [200, 200] },
  'photoshop-200dpi-broken.jpg': { ok: true, dpi: [200, 200], codes: ['jpeg-junk-bytes'] },
  'exif-200dpcm.jpg': { ok: true, dpi: [508, 508] },
  'jfif_unit_cm.jpg': { ok: true, dpi: [2.54, 5.08] },
  'no-dpi-in-exif.jpg': { ok: true, dpi: 'unknown', codes: ['dpi-missing'] },
  'invalid-exif.jpg': { ok: true, dpi: 'unknown', codes: ['exif-invalid'] },
  'invalid-exif-without-x-resolution.jpg': { ok: true, dpi: 'unknown', codes: ['dpi-invalid'] },
  'exif-dpi-zerodivision.jpg': { ok: true, dpi: 'unknown', codes: ['dpi-invalid'] },
  'broken_exif_dpi.jpg': { ok: true, dpi: 'unknown', codes: ['dpi-invalid'] },
  'truncated_exif_dpi.jpg': { ok: true, dpi: 'unknown' },
  'truncated_jpeg.jpg': { ok: false, dpi: 'unknown', codes: ['decode-failed'] },
  'junk_jpeg_header.jpg': { ok: true, dpi: 'unknown', size: [1024, 768], codes: ['jpeg-junk-bytes'] },
  'hopper.tif': { ok: true, dpi: [96, 96] },
  'hopper_lzw.tif': { ok: true, dpi: [95.987, 95.987] },
  'hopper_jpg.tif': { ok: true, dpi: [96, 96] },
  'hopper_gray_4bpp.tif': { ok: true, dpi: [96, 96], colour: 'grey' },
  'hopper.iccprofile.tif': { ok: true, dpi: [96, 96] },
  'hopper_bigtiff.tif': { ok: true, dpi: [96, 96] },
  'hopper_float_dpi_2.tif': { ok: true, dpi: [72.8, 72.8] },
  'hopper_float_dpi_3.tif': { ok: true, dpi: [184.912, 184.912] },
  'hopper_float_dpi_None.tif': { ok: true, dpi: [72.8, 72.8], codes: ['dpi-unit-absent'] },
  'hopper_g4.tif': { ok: true, dpi: [95.987, 95.987], colour: 'bilevel' },
  'hopper_g4_500.tif': { ok: true, dpi: [95.987, 95.987], colour: 'bilevel' },
  'g4-fillorder-test.tif': { ok: true, dpi: [300, 300], colour: 'bilevel' },
  'g4-multi.tiff': { ok: true, dpi: [400, 400], pages: 3, colour: 'bilevel', size: [3307, 4677] },
  'total-pages-zero.tif': { ok: true, dpi: [204, 196], pages: 3, colour: 'bilevel' },
  'multipage.tiff': { ok: true, dpi: 'unknown', pages: 3, colour: 'palette' },
  'old-style-jpeg-compression.tif': { ok: true, dpi: [300, 300], codes: ['compression-deprecated'] },
  'tiff_16bit_RGB.tiff': { ok: true, dpi: [72, 72] },
  'tiff_wrong_bits_per_sample.tiff': { ok: true, dpi: 'unknown', codes: ['tiff-tags-inconsistent'] },
  'seek_too_large.tif': { ok: false, dpi: 'unknown', codes: ['tiff-ifd-out-of-range'] },
};

test('every pillow-test-images file has an expectation', () => {
  assert.deepEqual(readdirSync(DIR).sort(), Object.keys(EXPECTED).sort());
});

for (const [file, e] of Object.entries(EXPECTED)) {
  test(`image ${file}: ${e.ok ? 'valid' : 'invalid'}, dpi ${JSON.stringify(e.dpi)}`, async () => {
    const r = await inspectImage(join(DIR, file));
    const codes = r.problems.map((x) => x.code);
    assert.equal(r.ok, e.ok, JSON.stringify(r.problems));
    assert.equal(r.decodes, e.ok);
    assert.deepEqual(r.dpi, e.dpi === 'unknown' ? 'unknown' : { x: e.dpi[0], y: e.dpi[1] });
    if (e.dpi === 'unknown') assert.equal(r.dpiSource, undefined);
    if (e.pages !== undefined) assert.equal(r.pages, e.pages);
    if (e.colour) assert.equal(r.colourMode, e.colour);
    if (e.size) assert.deepEqual([r.width, r.height], e.size);
    for (const c of e.codes ?? []) assert.ok(codes.includes(c), `${c} in ${codes.join(',')}`);
  });
}

test('scan evaluation on the real scans: 400 dpi G4 A4 passes; fax 204×196 passes at 200 bilevel; unknown dpi is unknown; truncated fails', async () => {
  const g4 = await inspectImage(join(DIR, 'g4-multi.tiff'));
  assert.equal(g4.pageDetails?.length, 3);
  assert.equal(evaluateScan(g4).outcome, 'pass');
  assert.equal(evaluateScan(g4, { minDpi: 600 }).outcome, 'fail');
  assert.equal(evaluateScan(await inspectImage(join(DIR, 'total-pages-zero.tif'))).outcome, 'fail'); // 196 < 200 on Y
  assert.equal(evaluateScan(await inspectImage(join(DIR, 'total-pages-zero.tif')), { minDpi: 190 }).outcome, 'pass');
  const noDpi = evaluateScan(await inspectImage(join(DIR, 'no-dpi-in-exif.jpg')));
  assert.equal(noDpi.outcome, 'unknown');
  assert.equal(evaluateScan(await inspectImage(join(DIR, 'truncated_jpeg.jpg'))).outcome, 'fail');
  assert.equal(evaluateScan(await inspectImage(join(DIR, 'hopper.jpg'))).outcome, 'fail'); // colour 96 < 300
  const oj = await inspectImage(join(DIR, 'old-style-jpeg-compression.tif'));
  assert.deepEqual(evaluateScan(oj).problems.map((x) => x.code), ['scan-compression']);
  assert.equal(evaluateScan(oj, { ...DEFAULT_SCAN_POLICY, forbiddenCompressions: [] }).outcome, 'pass');
  assert.equal(evaluateScan(g4, { minDpi: 300, colourModes: ['rgb'] }).outcome, 'fail');
});

test('pure evaluateScan: table', () => {
  const base = { ok: true, decodes: true, compression: 'none' } as const;
  const cases: [Parameters<typeof evaluateScan>[0], 'pass' | 'fail' | 'unknown'][] = [
    [{ ...base, dpi: { x: 300, y: 300 }, colourMode: 'rgb' }, 'pass'],
    [{ ...base, dpi: { x: 299.8, y: 300 }, colourMode: 'rgb' }, 'pass'], // within tolerance
    [{ ...base, dpi: { x: 250, y: 250 }, colourMode: 'rgb' }, 'fail'],
    [{ ...base, dpi: { x: 250, y: 250 }, colourMode: 'grey' }, 'pass'],
    [{ ...base, dpi: { x: 150, y: 150 }, colourMode: 'bilevel' }, 'fail'],
    [{ ...base, dpi: 'unknown', colourMode: 'bilevel' }, 'unknown'],
    [{ ...base, dpi: { x: 300, y: 300 }, colourMode: 'unknown' }, 'unknown'],
    [{ ...base, decodes: false, ok: false, dpi: 'unknown', colourMode: 'rgb' }, 'fail'],
  ];
  for (const [img, want] of cases) assert.equal(evaluateScan(img).outcome, want, JSON.stringify(img));
});

test('hostile input: garbage, empty, truncated TIFF, non-image never throw', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-img-'));
  try {
    const hopper = await readFile(join(DIR, 'hopper.tif'));
    const files: Record<string, Buffer> = {
      'garbage.tif': Buffer.from('II*\0\xff\xff\xff\x7f garbage', 'latin1'),
      'empty.jpg': Buffer.alloc(0),
      'cut.tif': hopper.subarray(0, 20_000),
      'text.png': Buffer.from('hello'),
      'loop.tif': Buffer.concat([Buffer.from('II*\0\x08\0\0\0', 'latin1'), Buffer.from([1, 0, 0, 1, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0])]),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await writeFile(join(dir, name), bytes);
      const r = await inspectImage(join(dir, name));
      assert.equal(r.ok, false, name);
      assert.equal(r.decodes, false, name);
      assert.equal(r.dpi, 'unknown', name);
    }
    const missing = await inspectImage(join(dir, 'nope.tif'));
    assert.equal(missing.ok, false);
    assert.equal(missing.problems[0]?.code, 'image-unreadable');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('time and pixel limits are honoured', async () => {
  const big = await inspectImage(join(DIR, 'g4-multi.tiff'), { maxPixels: 1_000_000 });
  assert.equal(big.decodes, false);
  assert.ok(big.problems.some((x) => x.code === 'decode-not-run'));
  const t0 = performance.now();
  const slow = await inspectImage(join(DIR, 'g4-multi.tiff'), { timeoutMs: 1 });
  assert.equal(slow.ok, false);
  assert.ok(performance.now() - t0 < 3000);
});
