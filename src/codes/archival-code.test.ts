import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import {
  ARCHIVAL_CODE_FIELDS,
  ARCHIVAL_CODE_LIMITS,
  DEFAULT_ARCHIVAL_CODE_TEMPLATE,
  buildArchivalCode,
  compileArchivalCodeRule,
  parseArchivalCode,
} from './archival-code.ts';
import type { ArchivalCodeField, ArchivalCodeRule, ArchivalCodeValues } from './archival-code.ts';

function rule(template: string): ArchivalCodeRule {
  const r = compileArchivalCodeRule(template);
  assert.ok(r.ok, `${template}: ${JSON.stringify(!r.ok && r.issues)}`);
  return r.value;
}

const FULL = '{fonds}-{category}-{year}-{projectSeq:4}-{volumeSeq:3}';

describe('DEFAULT_ARCHIVAL_CODE_TEMPLATE (分类号 + 项目号 + 案卷号, ❓ unconfirmed)', () => {
  it('compiles and builds C5-0012-003', () => {
    assert.equal(DEFAULT_ARCHIVAL_CODE_TEMPLATE, '{category}-{projectSeq:4}-{volumeSeq:3}');
    const r = rule(DEFAULT_ARCHIVAL_CODE_TEMPLATE);
    assert.deepEqual(buildArchivalCode(r, { category: 'C5', projectSeq: 12, volumeSeq: 3 }), { ok: true, value: 'C5-0012-003', warnings: [] });
    assert.deepEqual(parseArchivalCode(r, 'C5-0012-003'), { ok: true, value: { category: 'C5', projectSeq: 12, volumeSeq: 3 }, warnings: [] });
  });
});

describe('buildArchivalCode', () => {
  it('builds the full example rule and ignores values the rule does not use', () => {
    const r = rule(FULL);
    const v: ArchivalCodeValues = { fonds: 'J001', category: 'D', year: 2024, projectSeq: 7, volumeSeq: 120, unitSeq: 9, repository: 'DZ' };
    assert.deepEqual(buildArchivalCode(r, v), { ok: true, value: 'J001-D-2024-0007-120', warnings: [] });
  });
  it('accepts digit strings for numbers (SQL counts arrive as strings), leading zeros included', () => {
    const r = rule(FULL);
    const b = buildArchivalCode(r, { fonds: 7, category: 'A10', year: '2024', projectSeq: '0012', volumeSeq: '3' });
    assert.deepEqual(b, { ok: true, value: '7-A10-2024-0012-003', warnings: [] });
  });
  it('writes unpadded sequences without leading zeros', () => {
    assert.deepEqual(buildArchivalCode(rule('{year}-{volumeSeq}'), { year: 2020, volumeSeq: '007' }), { ok: true, value: '2020-7', warnings: [] });
  });
  it('embeds the investment project code', () => {
    const r = rule('{projectCode}/{volumeSeq:3}');
    assert.deepEqual(buildArchivalCode(r, { projectCode: '2509-320193-89-01-544060', volumeSeq: 1 }), {
      ok: true,
      value: '2509-320193-89-01-544060/001',
      warnings: [],
    });
  });
  it('archival_code.missing_value for undefined, null and empty values — one per field', () => {
    const r = buildArchivalCode(rule(FULL), { fonds: null, category: '', year: 2024 });
    assert.deepEqual(issueCodes(r), Array(4).fill('archival_code.missing_value'));
    assert.ok(!r.ok);
    assert.deepEqual(
      r.issues.map((i) => i.data?.['field']),
      ['fonds', 'category', 'projectSeq', 'volumeSeq'],
    );
  });
  it('archival_code.value_too_wide when a number does not fit its padding', () => {
    const r = buildArchivalCode(rule(DEFAULT_ARCHIVAL_CODE_TEMPLATE), { category: 'C', projectSeq: 10000, volumeSeq: 999 });
    assert.deepEqual(issueCodes(r), ['archival_code.value_too_wide']);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues[0]?.data, { field: 'projectSeq', value: '10000', width: 4 });
    assert.ok(buildArchivalCode(rule(DEFAULT_ARCHIVAL_CODE_TEMPLATE), { category: 'C', projectSeq: 9999, volumeSeq: 999 }).ok);
  });
  it('archival_code.value_too_wide for unpadded sequences beyond the maximum width', () => {
    const r = rule('{volumeSeq}');
    assert.ok(buildArchivalCode(r, { volumeSeq: 10 ** ARCHIVAL_CODE_LIMITS.maxWidth - 1 }).ok);
    assert.deepEqual(issueCodes(buildArchivalCode(r, { volumeSeq: 10 ** ARCHIVAL_CODE_LIMITS.maxWidth })), ['archival_code.value_too_wide']);
  });
  it('archival_code.value_invalid for values outside each field type', () => {
    const cases: [ArchivalCodeField, string | number][] = [
      ['category', 'F'],
      ['category', 'c5'],
      ['category', 'C0'],
      ['category', 'C05'],
      ['category', 'C123'],
      ['category', 'C-5'],
      ['year', 999],
      ['year', 10000],
      ['year', 2020.5],
      ['year', '20a0'],
      ['year', '999'],
      ['projectSeq', 0],
      ['projectSeq', -1],
      ['projectSeq', 1.5],
      ['projectSeq', 'abc'],
      ['projectSeq', Number.NaN],
      ['projectSeq', '-1'],
      ['projectSeq', ' 1'],
      ['fonds', 'A-1'],
      ['fonds', 'X'.repeat(33)],
      ['fonds', '全宗'],
      ['fonds', 'A 1'],
      ['projectCode', '2509-320193-89-01-54406'],
      ['projectCode', '250932019389015440600000'],
    ];
    const r = rule('{fonds}/{category}/{year}/{projectSeq}/{projectCode}');
    const good: ArchivalCodeValues = { fonds: 'J1', category: 'C5', year: 2024, projectSeq: 1, projectCode: '2509-320193-89-01-544060' };
    assert.ok(buildArchivalCode(r, good).ok);
    for (const [field, value] of cases) {
      const b = buildArchivalCode(r, { ...good, [field]: value });
      assert.deepEqual(issueCodes(b), ['archival_code.value_invalid'], `${field}=${String(value)}`);
      assert.ok(!b.ok && b.issues[0]?.data?.['field'] === field);
    }
  });
  it('accepts text fields up to the length limit', () => {
    const r = rule('{fonds}-{year}');
    assert.ok(buildArchivalCode(r, { fonds: 'X'.repeat(ARCHIVAL_CODE_LIMITS.textLength), year: 2024 }).ok);
  });
  it('reports all problems together', () => {
    const r = buildArchivalCode(rule(FULL), { fonds: 'a-b', category: 'Z', year: 1, projectSeq: 123456 });
    assert.deepEqual(issueCodes(r), [
      'archival_code.value_invalid',
      'archival_code.value_invalid',
      'archival_code.value_invalid',
      'archival_code.value_too_wide',
      'archival_code.missing_value',
    ]);
  });
  it('archival_code.too_long when literals and values exceed the code limit', () => {
    const fields = '{fonds}-{repository}-{projectCode}-{unitSeq}-{volumeSeq}';
    const r = rule('L'.repeat(ARCHIVAL_CODE_LIMITS.templateLength - fields.length) + fields);
    const v = { fonds: 'A'.repeat(32), repository: 'B'.repeat(32), projectCode: '2509-320193-89-01-544060', volumeSeq: 10 ** 12 - 1 };
    const short = buildArchivalCode(r, { ...v, unitSeq: 1 });
    assert.ok(short.ok);
    assert.equal(short.value.length, 249);
    const long = buildArchivalCode(r, { ...v, unitSeq: 10 ** 12 - 1 }); // 260 characters
    assert.deepEqual(issueCodes(long), ['archival_code.too_long']);
    assert.ok(!long.ok && long.issues[0]?.data?.['length'] === 260);
  });
});

describe('parseArchivalCode', () => {
  it('recovers all fields of the full rule (trimmed input)', () => {
    assert.deepEqual(parseArchivalCode(rule(FULL), ' J001-C5-2024-0007-120 '), {
      ok: true,
      value: { fonds: 'J001', category: 'C5', year: 2024, projectSeq: 7, volumeSeq: 120 },
      warnings: [],
    });
  });
  it('archival_code.mismatch for codes that do not follow the rule', () => {
    const r = rule(DEFAULT_ARCHIVAL_CODE_TEMPLATE);
    for (const s of ['C5-12-003', 'C5-0012-03', 'c5-0012-003', 'F-0012-003', 'C5-0012-003-', 'C5_0012_003', '', 'C5-0012-0030', 'C05-0012-003']) {
      const p = parseArchivalCode(r, s);
      assert.deepEqual(issueCodes(p), ['archival_code.mismatch'], s);
      assert.ok(!p.ok && p.issues[0]?.data?.['template'] === DEFAULT_ARCHIVAL_CODE_TEMPLATE);
    }
  });
  it('rejects non-canonical unpadded sequences (leading zeros, zero) with archival_code.mismatch', () => {
    const r = rule('{year}-{volumeSeq}');
    assert.deepEqual(parseArchivalCode(r, '2020-7'), { ok: true, value: { year: 2020, volumeSeq: 7 }, warnings: [] });
    for (const s of ['2020-07', '2020-0', '2020-', '2020-1234567890123']) {
      assert.deepEqual(issueCodes(parseArchivalCode(r, s)), ['archival_code.mismatch'], s);
    }
  });
  it('archival_code.value_invalid for zero sequences and years before 1000', () => {
    assert.deepEqual(issueCodes(parseArchivalCode(rule(DEFAULT_ARCHIVAL_CODE_TEMPLATE), 'C5-0000-003')), ['archival_code.value_invalid']);
    assert.deepEqual(issueCodes(parseArchivalCode(rule('{year}-{volumeSeq:3}'), '0999-001')), ['archival_code.value_invalid']);
  });
  it('archival_code.too_long before running the pattern', () => {
    const r = rule('{fonds}');
    assert.ok(parseArchivalCode(r, 'A'.repeat(32)).ok);
    assert.deepEqual(issueCodes(parseArchivalCode(r, 'A'.repeat(ARCHIVAL_CODE_LIMITS.codeLength + 1))), ['archival_code.too_long']);
    const t0 = performance.now();
    assert.deepEqual(issueCodes(parseArchivalCode(r, 'A'.repeat(5_000_000))), ['archival_code.too_long']);
    assert.ok(performance.now() - t0 < 500);
  });
  it('treats regex metacharacters in literals literally', () => {
    const meta = String.raw`.*+?^$()[]|\/-`;
    const r = rule(`{category}${meta}{volumeSeq:3}`);
    const b = buildArchivalCode(r, { category: 'C5', volumeSeq: 1 });
    assert.deepEqual(b, { ok: true, value: `C5${meta}001`, warnings: [] });
    assert.ok(parseArchivalCode(r, `C5${meta}001`).ok);
    for (const s of [`C5x*+?^$()[]|\\/-001`, 'C5001', `C5${meta}${meta}001`, `C5.001`]) {
      assert.deepEqual(issueCodes(parseArchivalCode(r, s)), ['archival_code.mismatch'], s);
    }
  });
  it('round-trips literal braces', () => {
    const r = rule('{{{year}}}-{volumeSeq:2}');
    const b = buildArchivalCode(r, { year: 2024, volumeSeq: 5 });
    assert.deepEqual(b, { ok: true, value: '{2024}-05', warnings: [] });
    assert.deepEqual(parseArchivalCode(r, '{2024}-05'), { ok: true, value: { year: 2024, volumeSeq: 5 }, warnings: [] });
  });
  it('stays fast on adversarial near-miss input (no catastrophic backtracking)', () => {
    const r = rule('{fonds}-{repository}-{category}-{volumeSeq}');
    const evil = `${'a'.repeat(32)}-${'b'.repeat(32)}-${'C9'.repeat(80)}!`;
    const t0 = performance.now();
    for (let k = 0; k < 1000; k++) assert.equal(parseArchivalCode(r, evil).ok, false);
    assert.ok(performance.now() - t0 < 1000, 'parse took too long');
  });
});

describe('build ∘ parse round trip (randomised templates)', () => {
  // Deterministic PRNG (mulberry32).
  let seed = 50328;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const SEPARATORS = ['', '-', '/', '.', '·', '第', '(', ')', '{{', '}}', '_', '卷', 'F', 'X'];
  const value = (f: ArchivalCodeField, width: number | undefined): string | number => {
    switch (f) {
      case 'repository':
      case 'fonds':
        return Array.from({ length: 1 + Math.floor(rnd() * 32) }, () => pick([...'0123456789AZaz'])).join('');
      case 'category':
        return pick(['A', 'B', 'C5', 'D', 'E4', 'A10', 'C99']);
      case 'year':
        return 1000 + Math.floor(rnd() * 9000);
      case 'projectCode':
        return '2509-320193-89-01-544060';
      default:
        return 1 + Math.floor(rnd() * (10 ** (width ?? 6) - 1));
    }
  };
  it('every compiled random template parses back exactly what it built (500 templates)', () => {
    let compiled = 0;
    for (let k = 0; k < 500; k++) {
      const fields = [...ARCHIVAL_CODE_FIELDS].sort(() => rnd() - 0.5).slice(0, 1 + Math.floor(rnd() * 5));
      let t = pick(['', '城建', 'DZ']);
      const widths = new Map<ArchivalCodeField, number | undefined>();
      for (const f of fields) {
        const w = f.endsWith('Seq') && rnd() < 0.6 ? 1 + Math.floor(rnd() * 6) : undefined;
        widths.set(f, w);
        t += `{${f}${w === undefined ? '' : `:${w}`}}` + pick(SEPARATORS);
      }
      const c = compileArchivalCodeRule(t);
      if (!c.ok) {
        assert.deepEqual([...new Set(issueCodes(c))], ['archival_code.ambiguous'], t);
        continue;
      }
      compiled++;
      const values = Object.fromEntries(fields.map((f) => [f, value(f, widths.get(f))]));
      const b = buildArchivalCode(c.value, values);
      assert.ok(b.ok, t);
      const p = parseArchivalCode(c.value, b.value);
      assert.ok(p.ok, `${t} ${b.value}`);
      assert.deepEqual(p.value, values, `${t} ${b.value}`);
    }
    assert.ok(compiled > 150, `only ${compiled} templates compiled`);
  });
});
