import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openPackage } from './reader.ts';
import { tempDir, writeZip, zeroBody } from './test-fixtures.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => { tmp = await tempDir(); });
after(() => tmp.drop());

test('reading and hashing a 1 GiB zip entry grows RSS by less than 100 MiB', async (t) => {
  const p = await writeZip(join(tmp.dir, 'big.zip'), [{ name: 'data/scan.tif', body: zeroBody(1024, true) }]);
  // Zeros compress ~1000:1, so the ratio limit is raised for this test; everything else is default.
  const reader = await openPackage(p, { maxCompressionRatio: 5000 });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const t0 = performance.now();
  for await (const e of reader) {
    const s = e.open({ digest: true });
    let i = 0;
    for await (const _ of s) if (++i % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    const d = s.digests();
    assert.equal(d.size, 1 << 30);
    assert.equal(d.sha256, '49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14');
  }
  const ms = performance.now() - t0;
  const grew = (peak - rss0) / 2 ** 20;
  t.diagnostic(`1 GiB inflated + SHA-256/SHA-512/SM3 in ${Math.round(ms)} ms (${Math.round(1024 / (ms / 1000))} MiB/s); RSS +${grew.toFixed(1)} MiB`);
  assert.ok(grew < 100, `RSS grew ${grew} MiB`);
});
