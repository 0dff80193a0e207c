import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import { BUILDING_CODE_CHECK_TABLE } from './building-code-check-table.ts';
import {
  BUILDING_CODE_WEIGHTS,
  buildingCodeCheckChar,
  generateBuildingCode,
  parseBuildingCode,
} from './building-code.ts';

const EXAMPLE = '11010101020200109000003'; // digest §8.3 worked example: 110101010 · 2020 · 0109 · 00000 · 3
const BODY = EXAMPLE.slice(0, 22);

// Independent recomputation of S mod 11 (weights from the digest's printed list, not from the formula).
const PRINTED_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4];
const residue = (body: string): number =>
  [...body].reduce((s, ch, i) => s + (ch === '*' ? 10 : Number(ch)) * (PRINTED_WEIGHTS[i] ?? NaN), 0) % 11;

describe('building-code check table (❓ unverified)', () => {
  it('is marked unverified', () => {
    assert.equal(BUILDING_CODE_CHECK_TABLE.verified, false);
  });
  it('holds 11 distinct characters, so every residue has its own check character', () => {
    assert.equal(BUILDING_CODE_CHECK_TABLE.chars.length, 11);
    assert.equal(new Set(BUILDING_CODE_CHECK_TABLE.chars).size, 11);
  });
  it('agrees with every known point (7 → 3)', () => {
    assert.deepEqual(BUILDING_CODE_CHECK_TABLE.knownPoints, { 7: '3' });
    for (const [y, ch] of Object.entries(BUILDING_CODE_CHECK_TABLE.knownPoints)) {
      assert.equal(BUILDING_CODE_CHECK_TABLE.chars[Number(y)], ch);
    }
  });
  it('is frozen', () => {
    assert.ok(Object.isFrozen(BUILDING_CODE_CHECK_TABLE));
    assert.ok(Object.isFrozen(BUILDING_CODE_CHECK_TABLE.chars));
  });
});

describe('BUILDING_CODE_WEIGHTS', () => {
  it('equals 2^(i+1) mod 11 as printed in the digest', () => {
    assert.deepEqual(BUILDING_CODE_WEIGHTS, PRINTED_WEIGHTS);
  });
});

describe('buildingCodeCheckChar', () => {
  it('gives residue 7 → 3 for the worked example', () => {
    assert.equal(residue(BODY), 7);
    assert.deepEqual(buildingCodeCheckChar(BODY), { ok: true, value: '3', warnings: [] });
  });
  it('counts * as 10', () => {
    const body = '*'.padEnd(22, '0'); // 10 × 2 = 20 ≡ 9
    assert.equal(residue(body), 9);
    const r = buildingCodeCheckChar(body);
    assert.ok(r.ok);
    assert.equal(r.value, BUILDING_CODE_CHECK_TABLE.chars[9]);
  });
  it('rejects wrong length and bad characters', () => {
    assert.deepEqual(issueCodes(buildingCodeCheckChar(BODY.slice(1))), ['building_code.body_length']);
    const r = buildingCodeCheckChar(BODY.slice(0, 5) + 'A' + BODY.slice(6));
    assert.deepEqual(issueCodes(r), ['building_code.char']);
    assert.ok(!r.ok && r.issues[0]?.data?.['position'] === 6);
  });
});

describe('parseBuildingCode', () => {
  it('parses the worked example into its segments', () => {
    const r = parseBuildingCode(EXAMPLE);
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.value.region?.name, '东城区');
    assert.deepEqual(
      { ...r.value, region: undefined },
      {
        code: EXAMPLE,
        townshipCode: '110101010',
        countyCode: '110101',
        completionYear: 2020,
        buildingSeq: 109,
        unitSeq: 0,
        wholeBuilding: true,
        checkChar: '3',
        checkTableVerified: false,
        region: undefined,
      },
    );
  });
  it('trims and upper-cases (x → X)', () => {
    const g = generateBuildingCode({ townshipCode: '371403001', completionYear: 2020, buildingSeq: 1, unitSeq: 0 });
    assert.ok(g.ok);
    const r = parseBuildingCode(`  ${g.value.toLowerCase()} `);
    assert.ok(r.ok);
    assert.equal(r.value.code, g.value);
  });
  it('rejects wrong lengths with building_code.length (incl. the 25-character logical-building form)', () => {
    for (const s of ['', EXAMPLE.slice(0, 22), EXAMPLE + '0', EXAMPLE + '01']) {
      const r = parseBuildingCode(s);
      assert.deepEqual(issueCodes(r), ['building_code.length'], s);
    }
  });
  it('rejects letters, punctuation and full-width digits in the body with building_code.char', () => {
    for (const ch of ['A', '-', ' ', '０', '#']) {
      const r = parseBuildingCode(EXAMPLE.slice(0, 3) + ch + EXAMPLE.slice(4));
      assert.ok(!r.ok);
      assert.deepEqual(
        r.issues.map((i) => [i.code, i.data?.['position']]),
        [['building_code.char', 4]],
        ch,
      );
    }
  });
  it('reports a check mismatch with building_code.check_char and checkTableVerified: false', () => {
    const r = parseBuildingCode(BODY + '4');
    assert.ok(!r.ok);
    assert.deepEqual(issueCodes(r), ['building_code.check_char']);
    assert.deepEqual(r.issues[0]?.data, { expected: '3', actual: '4', checkTableVerified: false });
  });
  it('rejects all 10 other table characters and stray characters as the check character', () => {
    const others = BUILDING_CODE_CHECK_TABLE.chars.filter((c) => c !== '3');
    assert.equal(others.length, 10);
    for (const c of [...others, 'A', '*', '-']) {
      assert.deepEqual(issueCodes(parseBuildingCode(BODY + c)), ['building_code.check_char'], c);
    }
  });
  it('rejects all 22 × 10 single-symbol substitutions of the body (digits and *)', () => {
    let n = 0;
    for (let pos = 0; pos < 22; pos++) {
      for (const sym of '0123456789*') {
        if (sym === BODY.charAt(pos)) continue;
        const s = BODY.slice(0, pos) + sym + BODY.slice(pos + 1) + '3';
        assert.deepEqual(issueCodes(parseBuildingCode(s)), ['building_code.check_char'], s);
        n++;
      }
    }
    assert.equal(n, 220);
  });
  it('accepts * placeholders with a warning and leaves the affected numbers undefined', () => {
    const body = '110101010' + '****' + '0109' + '00000';
    const c = buildingCodeCheckChar(body);
    assert.ok(c.ok);
    const r = parseBuildingCode(body + c.value);
    assert.ok(r.ok);
    assert.equal(r.value.completionYear, undefined);
    assert.equal(r.value.buildingSeq, 109);
    assert.deepEqual(issueCodes(r), ['building_code.placeholder']);
    assert.deepEqual(r.warnings[0]?.data, { positions: '10,11,12,13' });
  });
  it('skips the region look-up when the township code has a placeholder', () => {
    const body = '11010101*' + '2020' + '0109' + '00000';
    const c = buildingCodeCheckChar(body);
    assert.ok(c.ok);
    const r = parseBuildingCode(body + c.value);
    assert.ok(r.ok);
    assert.equal(r.value.region, undefined);
    assert.deepEqual(issueCodes(r), ['building_code.placeholder']);
  });
  it('warns building_code.region_unknown for a county not in the current table', () => {
    const g = generateBuildingCode({ townshipCode: '320193001', completionYear: 2021, buildingSeq: 5 });
    assert.ok(g.ok);
    assert.deepEqual(issueCodes(g), ['building_code.region_unknown']);
    const r = parseBuildingCode(g.value);
    assert.ok(r.ok);
    assert.deepEqual(issueCodes(r), ['building_code.region_unknown']);
    assert.deepEqual(r.warnings[0]?.data, { countyCode: '320193' });
  });
  it('marks unit codes (户码 ≠ 00000) as not whole buildings', () => {
    const g = generateBuildingCode({ townshipCode: '371402001', completionYear: 1998, buildingSeq: 12, unitSeq: 1203 });
    assert.ok(g.ok);
    const r = parseBuildingCode(g.value);
    assert.ok(r.ok);
    assert.equal(r.value.unitSeq, 1203);
    assert.equal(r.value.wholeBuilding, false);
  });
});

describe('generateBuildingCode', () => {
  it('reproduces the worked example (round trip)', () => {
    const g = generateBuildingCode({ townshipCode: '110101010', completionYear: 2020, buildingSeq: 109 });
    assert.deepEqual(g, { ok: true, value: EXAMPLE, warnings: [] });
    const p = parseBuildingCode(g.value);
    assert.ok(p.ok);
    assert.equal(p.value.townshipCode, '110101010');
    assert.equal(p.value.completionYear, 2020);
    assert.equal(p.value.buildingSeq, 109);
    assert.equal(p.value.unitSeq, 0);
  });
  it('round-trips the extremes of every segment and gives each of the 11 residues', () => {
    const seen = new Set<string>();
    for (const completionYear of [1000, 1949, 2024, 9999]) {
      for (const buildingSeq of [1, 9, 10, 999, 9999]) {
        for (const unitSeq of [0, 1, 99999, 12345]) {
          const g = generateBuildingCode({ townshipCode: '371403001', completionYear, buildingSeq, unitSeq });
          assert.ok(g.ok);
          assert.equal(g.value.length, 23);
          seen.add(g.value.charAt(22));
          const p = parseBuildingCode(g.value);
          assert.ok(p.ok, g.value);
          assert.deepEqual(
            [p.value.completionYear, p.value.buildingSeq, p.value.unitSeq],
            [completionYear, buildingSeq, unitSeq],
          );
          assert.equal(BUILDING_CODE_CHECK_TABLE.chars[residue(g.value.slice(0, 22))], g.value.charAt(22));
        }
      }
    }
    assert.equal(seen.size, 11);
  });
  it('validates each part with its own issue code (all problems reported at once)', () => {
    const r = generateBuildingCode({ townshipCode: '11010101', completionYear: 20200, buildingSeq: 0, unitSeq: 100000 });
    assert.deepEqual(issueCodes(r), [
      'building_code.township',
      'building_code.year',
      'building_code.building_seq',
      'building_code.unit_seq',
    ]);
  });
  it('rejects bad townships: not 9 digits, padded, or no province prefix', () => {
    for (const townshipCode of ['11010101a', ' 110101010', '1101010100', '990101010', '']) {
      assert.deepEqual(
        issueCodes(generateBuildingCode({ townshipCode, completionYear: 2020, buildingSeq: 1 })),
        ['building_code.township'],
        townshipCode,
      );
    }
  });
  it('rejects non-integer or out-of-range numbers', () => {
    const base = { townshipCode: '110101010', completionYear: 2020, buildingSeq: 1 };
    const cases: [Partial<typeof base> & { unitSeq?: number }, string][] = [
      [{ completionYear: 999 }, 'building_code.year'],
      [{ completionYear: 2020.5 }, 'building_code.year'],
      [{ completionYear: Number.NaN }, 'building_code.year'],
      [{ buildingSeq: 10000 }, 'building_code.building_seq'],
      [{ buildingSeq: 1.5 }, 'building_code.building_seq'],
      [{ buildingSeq: -1 }, 'building_code.building_seq'],
      [{ unitSeq: -1 }, 'building_code.unit_seq'],
      [{ unitSeq: 2.5 }, 'building_code.unit_seq'],
    ];
    for (const [patch, code] of cases) {
      assert.deepEqual(issueCodes(generateBuildingCode({ ...base, ...patch })), [code], JSON.stringify(patch));
    }
  });
});
