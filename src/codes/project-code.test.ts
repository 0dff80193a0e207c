import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import { PROJECT_CODE_PATTERN, parseProjectCode } from './project-code.ts';
import { lookupRegion } from './region.ts';

const REAL = '2509-320193-89-01-544060'; // digest §8.2, observed real value

describe('parseProjectCode — new form (YYMM)', () => {
  it('parses the real example into its segments; 320193 is unknown → warning only', () => {
    const r = parseProjectCode(REAL);
    assert.deepEqual(r, {
      ok: true,
      value: {
        form: 'new',
        code: REAL,
        timeCode: '2509',
        year: 2025,
        month: 9,
        regionCode: '320193',
        departmentCode: '89',
        typeCode: '01',
        randomCode: '54406',
        checkChar: '0',
        checkVerified: false,
        formAmbiguous: false,
        region: undefined,
      },
      warnings: [
        {
          code: 'project_code.region_unknown',
          message: {
            zh: '地区代码“320193”在 2025-09-01 至 2025-09-30 期间不在行政区划代码表中（代码表可能不全，或为部门代码）',
            en: "Region segment '320193' is not in the region table for 2025-09-01…2025-09-30 (the table may be incomplete, or it is a department code)",
          },
          data: { regionCode: '320193', from: '2025-09-01', to: '2025-09-30' },
        },
      ],
    });
  });
  it('resolves a known region and gives no warnings', () => {
    const r = parseProjectCode('2509-371403-89-01-544060');
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.value.region?.name, '陵城区');
  });
  it('never rejects on the check character (algorithm unknown): all 10 final digits parse', () => {
    for (let d = 0; d <= 9; d++) {
      const r = parseProjectCode(`2509-371403-89-01-54406${d}`);
      assert.ok(r.ok, String(d));
      assert.equal(r.value.form === 'new' && r.value.checkChar, String(d));
      assert.equal(r.value.form === 'new' && r.value.checkVerified, false);
    }
  });
  it('trims surrounding whitespace', () => {
    const r = parseProjectCode(`  ${REAL}\n`);
    assert.ok(r.ok);
    assert.equal(r.value.code, REAL);
  });
  it('checks the region over the whole month, leap days included', () => {
    const r = parseProjectCode('2402-320193-89-01-544060');
    assert.ok(r.ok);
    assert.deepEqual(r.warnings[0]?.data, { regionCode: '320193', from: '2024-02-01', to: '2024-02-29' });
  });
  it('accepts a region valid during part of the month (October 2014: 陵县 and 陵城区 both)', () => {
    for (const region of ['371421', '371403']) {
      const r = parseProjectCode(`1410-${region}-89-01-544060`);
      assert.ok(r.ok);
      assert.deepEqual(r.warnings, [], region);
    }
    const later = parseProjectCode('1411-371421-89-01-544060');
    assert.deepEqual(issueCodes(later), ['project_code.region_unknown']);
  });
});

describe('parseProjectCode — old form (YYYY)', () => {
  it('parses a year-first code', () => {
    assert.equal(lookupRegion('371402', '2017-06-30')?.name, '德城区');
    assert.deepEqual(parseProjectCode('2017-371402-47-03-012345'), {
      ok: true,
      value: {
        form: 'old',
        code: '2017-371402-47-03-012345',
        year: 2017,
        regionCode: '371402',
        industryCode: '47',
        typeCode: '03',
        serial: '012345',
        formAmbiguous: false,
        region: lookupRegion('371402', '2017-06-30'),
      },
      warnings: [],
    });
  });
  it('resolves regions as of the code year (陵县 in 2013, not in 2016)', () => {
    const then = parseProjectCode('2013-371421-47-03-012345');
    assert.ok(then.ok);
    assert.equal(then.value.form, 'old');
    assert.equal(then.value.region?.name, '陵县');
    assert.deepEqual(then.warnings, []);
    assert.deepEqual(issueCodes(parseProjectCode('2016-371421-47-03-012345')), ['project_code.region_unknown']);
  });
  it('reads 19xx with a month-like ending > 12 as an old-form year', () => {
    const r = parseProjectCode('1999-371402-47-03-012345');
    assert.ok(r.ok);
    assert.equal(r.value.form, 'old');
    assert.equal(r.value.year, 1999);
  });
});

describe('parseProjectCode — ambiguity between the forms', () => {
  it('reads 2012 as December 2020 (new form) and warns project_code.form_ambiguous', () => {
    const r = parseProjectCode('2012-371403-89-01-544060');
    assert.ok(r.ok);
    assert.equal(r.value.form, 'new');
    assert.equal(r.value.year, 2020);
    assert.equal(r.value.form === 'new' && r.value.month, 12);
    assert.equal(r.value.formAmbiguous, true);
    assert.deepEqual(issueCodes(r), ['project_code.form_ambiguous']);
    assert.deepEqual(r.warnings[0]?.data, { timeCode: '2012', newReading: '2020-12', oldReading: '2012' });
  });
  it('flags every first segment 1901–1912 and 2001–2012 as ambiguous and no other', () => {
    for (let n = 0; n <= 9999; n++) {
      const t = String(n).padStart(4, '0');
      const r = parseProjectCode(`${t}-371403-89-01-544060`);
      const mm = n % 100;
      const yy = Math.floor(n / 100);
      const newOk = mm >= 1 && mm <= 12;
      const oldOk = yy === 19 || yy === 20;
      if (!newOk && !oldOk) {
        assert.deepEqual(issueCodes(r), ['project_code.time_code'], t);
        continue;
      }
      assert.ok(r.ok, t);
      assert.equal(r.value.form, newOk ? 'new' : 'old', t);
      assert.equal(r.value.formAmbiguous, newOk && oldOk, t);
      assert.equal(r.warnings.some((w) => w.code === 'project_code.form_ambiguous'), newOk && oldOk, t);
    }
  });
});

describe('parseProjectCode — errors', () => {
  it('rejects wrong lengths with project_code.length', () => {
    for (const s of ['', REAL.slice(0, 23), REAL + '0', '2509320193890154406']) {
      const r = parseProjectCode(s);
      assert.deepEqual(issueCodes(r), ['project_code.length'], s);
      assert.ok(!r.ok && r.issues[0]?.data?.['length'] === s.length);
    }
  });
  it('rejects 24-character strings of the wrong shape with project_code.format', () => {
    for (const s of [
      '250932019389015440600000', // digits only
      '2509-320193-89-01-54406X', // letter
      '2509－320193-89-01-544060', // full-width hyphen
      '25090-32019-89-01-544060', // hyphen moved
      '2509 320193 89 01 544060', // spaces
    ]) {
      assert.equal(s.length, 24, s);
      assert.deepEqual(issueCodes(parseProjectCode(s)), ['project_code.format'], s);
    }
  });
  it('rejects a first segment that is neither YYMM nor 19xx/20xx with project_code.time_code', () => {
    for (const t of ['2513', '2500', '0000', '9999', '2113']) {
      const r = parseProjectCode(`${t}-320193-89-01-544060`);
      assert.deepEqual(issueCodes(r), ['project_code.time_code'], t);
      assert.ok(!r.ok && r.issues[0]?.data?.['timeCode'] === t);
    }
  });
});

describe('PROJECT_CODE_PATTERN', () => {
  it('is the digest regex', () => {
    assert.equal(PROJECT_CODE_PATTERN.source, String.raw`^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$`);
    assert.ok(PROJECT_CODE_PATTERN.test(REAL));
  });
});
