/**
 * Memory: inspecting a ~200 MB PDF (one page, one big uncompressed image) must not read the file into memory.
 * The RSS is sampled during the whole inspection (signature scan, object scan, pdf.js range loading, text).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectPdf } from './index.ts';
import { writeHugeImagePdf } from './test-helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dangan-pdfmem-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('memory', () => {
  it('a 200 MB PDF is inspected with bounded RSS growth', { timeout: 120_000 }, async () => {
    const p = join(tmp, 'big.pdf');
    const size = await writeHugeImagePdf(p, 200 * 1024 * 1024);
    assert.ok(size > 200_000_000);
    // warm pdf.js up first so its own code/heap is not counted
    await inspectPdf(p, { text: false, signatures: false, timeoutMs: 60_000 });
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const t = Date.now();
    const r = await inspectPdf(p, { timeoutMs: 60_000 });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = peak - base;
    console.log(`200 MB PDF: ${Date.now() - t} ms, RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.equal(r.pages, 1);
    // the page draws a 200 MB image: pdf.js would load it whole to extract the text, so the page is skipped
    assert.equal(r.textPagesSkipped, 1);
    assert.equal(r.imageOnly, false);
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${growth} bytes`);
  });
});
