/** DWG inspector on synthetic headers (no DWG in the corpus): every known release, unknown, truncated, garbage. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { identifyFile } from '../identify.ts';
import { inspectDwg } from './inspect.ts';

/** A plausible R13+ file: version, 5 zero bytes, maintenance byte, then filler up to `size`. */
function dwg(version: string, size = 4096, maintenance = 3): Buffer {
  const b = Buffer.alloc(size, 0x5a);
  b.write(version, 0, 'latin1');
  b.fill(0, 6, 11);
  b[11] = maintenance;
  return b;
}

test('DWG: release names from the version string; identification agrees', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-dwg-'));
  try {
    const table: [string, string][] = [['AC1014', 'AutoCAD R14'], ['AC1015', 'AutoCAD 2000'], ['AC1018', 'AutoCAD 2004'], ['AC1021', 'AutoCAD 2007'], ['AC1024', 'AutoCAD 2010'], ['AC1027', 'AutoCAD 2013'], ['AC1032', 'AutoCAD 2018']];
    for (const [v, release] of table) {
      const f = join(dir, `${v}.dwg`);
      await writeFile(f, dwg(v));
      const r = await inspectDwg(f);
      assert.equal(r.ok, true, v);
      assert.equal(r.version, v);
      assert.equal(r.release, release);
      assert.equal(r.maintenanceVersion, 3);
      const id = await identifyFile(f);
      assert.deepEqual([id.format, id.version, id.extensionMatches], ['dwg', v, true]);
    }
    const cases: [string, Buffer, string][] = [
      ['truncated.dwg', dwg('AC1032').subarray(0, 200), 'dwg-truncated'],
      ['six-bytes.dwg', Buffer.from('AC1032'), 'dwg-truncated'],
      ['future.dwg', dwg('AC1099'), 'dwg-version-unknown'],
      ['garbage.dwg', Buffer.from('this is not a drawing at all, just some text'.repeat(50)), 'dwg-signature-missing'],
      ['empty.dwg', Buffer.alloc(0), 'dwg-signature-missing'],
    ];
    for (const [name, bytes, code] of cases) {
      await writeFile(join(dir, name), bytes);
      const r = await inspectDwg(join(dir, name));
      assert.equal(r.ok, false, name);
      assert.ok(r.problems.some((x) => x.code === code), `${name}: ${r.problems.map((x) => x.code)}`);
    }
    const odd = dwg('AC1027');
    odd[7] = 1;
    await writeFile(join(dir, 'odd.dwg'), odd);
    const r = await inspectDwg(join(dir, 'odd.dwg'));
    assert.equal(r.ok, true);
    assert.equal(r.problems[0]?.code, 'dwg-header-unexpected');
    assert.equal((await inspectDwg(join(dir, 'missing.dwg'))).problems[0]?.code, 'dwg-unreadable');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
