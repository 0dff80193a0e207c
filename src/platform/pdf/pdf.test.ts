import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type DocSpec, box, columns, enPageLabel, heading, keyValue, list, pageBreak, paragraph, qr, renderPdf, renderPdfTo, span, spacer, table, title } from './index.ts';
import { readPdf } from './testing.ts';

const squash = (s: string) => s.replace(/\s+/g, '');
const FIXED = new Date('2025-03-01T08:00:00Z');

/** Rare but GBK characters seen in names, plus full-width punctuation and Latin. */
const SAMPLE = '城建档案馆：堃、喆、珺、燊、龘、鑫；《建设工程文件归档规范》GB/T 50328—2014 “第 3 条”…';

function sampleSpec(rows = 10): DocSpec {
  return {
    info: { title: '样本文档：城建档案', author: '某市城市建设档案馆', subject: '测试', keywords: ['档案', 'PDF'], creationDate: FIXED },
    header: { left: '某市城市建设档案馆', right: '编号 2025-001' },
    footerText: '页脚说明',
    watermark: '样本',
    content: [
      title('电子档案测试文档'),
      keyValue([
        ['项目名称', '某市政道路工程'],
        ['说明', [span('加粗', { bold: true }), '与', span('红色', { color: '#b3261e' })]],
      ]),
      columns([{ blocks: [box([paragraph(SAMPLE)], { fill: '#f0f4f8' })] }, { width: 110, blocks: [qr('https://archive.example.cn/verify/2025-001?名称=档案', { size: 96, caption: '扫码核验' })] }]),
      heading('一、表格', 2),
      table(
        [{ header: '序号', width: 36, align: 'right' }, { header: '文件路径' }, { header: '结论', width: 50, align: 'center' }],
        Array.from({ length: rows }, (_, i) => [String(i + 1), `payload/市政道路工程/第${i + 1}卷/施工图设计说明_${'长'.repeat(i % 5 ? 3 : 60)}.pdf`, i % 2 ? '不通过' : '通过']),
        { title: '文件清单（表头每页重复）' },
      ),
      list(['第一条', '第二条']),
      spacer(12),
      pageBreak(),
      heading('二、另起一页', 2),
      paragraph('Latin-only long token: ' + 'abcdef0123456789'.repeat(12)),
    ],
  };
}

test('Chinese text, metadata, header and footer read back exactly', async (t) => {
  const t0 = performance.now();
  const pdf = await renderPdf(sampleSpec());
  t.diagnostic(`first render (loads the fonts): ${Math.round(performance.now() - t0)} ms, ${pdf.length} bytes`);
  const back = await readPdf(pdf);
  assert.equal(back.info.Title, '样本文档：城建档案');
  assert.equal(back.info.Author, '某市城市建设档案馆');
  assert.equal(back.info.Subject, '测试');
  assert.equal(back.info.Keywords, '档案, PDF');
  assert.equal(back.info.Creator, 'Dangan');
  assert.equal(back.info.CreationDate, 'D:20250301080000Z');
  assert.equal(back.pages.length, 2);
  const text = squash(back.text);
  for (const s of ['电子档案测试文档', '某市政道路工程', '加粗与红色', SAMPLE, '扫码核验', '文件清单（表头每页重复）', '二、另起一页', '第一条', '样本', '页脚说明', '编号2025-001']) {
    assert.ok(text.includes(squash(s)), `missing: ${s}`);
  }
  // the over-long path is wrapped, not clipped
  assert.ok(text.includes(squash(`payload/市政道路工程/第1卷/施工图设计说明_${'长'.repeat(60)}.pdf`)));
  assert.ok(text.includes('abcdef0123456789'.repeat(12)));
  back.pages.forEach((p, i) => assert.ok(squash(p).includes(`第${i + 1}页共2页`)));
});

test('the same spec with a fixed creation date renders to the same bytes', async () => {
  const [a, b] = await Promise.all([renderPdf(sampleSpec()), renderPdf(sampleSpec())]);
  assert.ok(a.equals(b));
});

test('long tables break across pages and repeat their header rows', async (t) => {
  const t0 = performance.now();
  const pdf = await renderPdf(sampleSpec(400));
  t.diagnostic(`400-row table: ${Math.round(performance.now() - t0)} ms, ${pdf.length} bytes`);
  const back = await readPdf(pdf);
  assert.ok(back.pages.length > 5, `${back.pages.length} pages`);
  const tablePages = back.pages.filter((p) => p.includes('payload/'));
  assert.ok(tablePages.length > 4);
  for (const p of tablePages) assert.ok(squash(p).includes('文件清单（表头每页重复）序号文件路径结论'), 'header rows on every page');
  assert.ok(squash(back.text).includes('第400卷'));
});

test('streaming gives the same bytes', async () => {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  await renderPdfTo(sampleSpec(), out);
  assert.ok(Buffer.concat(chunks).equals(await renderPdf(sampleSpec())));
});

test('page labels, orientation and no watermark', async () => {
  const pdf = await renderPdf({ info: { title: 'English' }, orientation: 'landscape', pageLabel: enPageLabel, language: 'en', content: [paragraph('Hello 你好')] });
  const back = await readPdf(pdf);
  assert.equal(squash(back.text), squash('Hello 你好 Page 1 of 1'));
  const none = await readPdf(await renderPdf({ info: { title: 'x' }, pageLabel: false, content: [paragraph('仅正文')] }));
  assert.equal(squash(none.text), '仅正文');
  // empty content still makes a valid one-page PDF
  assert.equal((await readPdf(await renderPdf({ info: { title: '空' }, content: [] }))).pages.length, 1);
});

test('QR codes are drawn; bad input fails with an Error', async () => {
  const plain = await renderPdf({ info: { title: 'q', creationDate: FIXED }, compress: false, pageLabel: false, content: [paragraph('无')] });
  const withQr = await renderPdf({ info: { title: 'q', creationDate: FIXED }, compress: false, pageLabel: false, content: [qr('https://archive.example.cn/verify/2025-001', { ecc: 'H' })] });
  const rects = (b: Buffer) => (b.toString('latin1').match(/ re\b/g) ?? []).length;
  assert.ok(rects(withQr) - rects(plain) > 100, 'QR modules are drawn as rectangles');
  await assert.rejects(renderPdf({ info: { title: 'q' }, content: [qr('x'.repeat(5000))] }), (e: unknown) => e instanceof Error && /too large/.test(e.message));
  await assert.rejects(renderPdf({ info: { title: 't' }, content: [table([{ header: 'a' }, { header: 'b' }], [['only one']])] }), /table row 1 spans 1 columns, the table has 2/);
});

/**
 * The failure mode the stack notes warn about (pdf-lib + fontkit subsetting): text extracts fine through
 * ToUnicode while the glyphs draw as boxes or nothing. Rasterise single characters: each must leave ink,
 * and different characters must leave different ink (.notdef boxes would all look the same).
 */
test('embedded glyphs actually draw (not blank, not .notdef boxes)', async () => {
  const chars = ['档', '案', '龘', '堃', 'A'];
  const hashes: string[] = [];
  for (const ch of chars) {
    const pdf = await renderPdf({ info: { title: ch, creationDate: FIXED }, pageLabel: false, content: [paragraph(ch, { size: 72 })] });
    const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0 });
    const doc = await task.promise;
    const page = await doc.getPage(1);
    const vp = page.getViewport({ scale: 0.5 });
    const canvas = createCanvas(Math.ceil(vp.width), Math.ceil(vp.height));
    const ctx = canvas.getContext('2d');
    await page.render({ canvas: canvas as never, canvasContext: ctx as never, viewport: vp }).promise;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) if ((px[i] ?? 255) < 128) ink++;
    assert.ok(ink > 100, `${ch} leaves ink (${ink} dark pixels)`);
    hashes.push(createHash('sha256').update(px).digest('hex'));
    await task.destroy();
  }
  assert.equal(new Set(hashes).size, chars.length, 'every character draws differently');
});
