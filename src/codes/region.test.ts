import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import {
  REGION_TABLE,
  REGION_TABLE_HORIZON,
  isIsoDate,
  isValidRegionCode,
  lookupRegion,
  lookupRegionInPeriod,
  parseRegionCode,
  regionChildren,
  regionHistory,
} from './region.ts';

const DEZHOU_NOW = [
  ['371402', '德城区'],
  ['371403', '陵城区'],
  ['371422', '宁津县'],
  ['371423', '庆云县'],
  ['371424', '临邑县'],
  ['371425', '齐河县'],
  ['371426', '平原县'],
  ['371427', '夏津县'],
  ['371428', '武城县'],
  ['371481', '乐陵市'],
  ['371482', '禹城市'],
];

describe('REGION_TABLE (data)', () => {
  it('has well-formed rows: 6-digit codes, real dates, validFrom < validTo, levels matching the digits', () => {
    for (const e of REGION_TABLE) {
      assert.match(e.code, /^\d{6}$/, e.code);
      assert.ok(isIsoDate(e.validFrom), e.code);
      if (e.validTo !== undefined) {
        assert.ok(isIsoDate(e.validTo), e.code);
        assert.ok(e.validFrom < e.validTo, e.code);
      }
      const digitLevel = e.code.endsWith('0000') ? 'province' : e.code.endsWith('00') ? 'prefecture' : 'county';
      assert.equal(e.level, digitLevel, e.code);
    }
  });
  it('never has two versions of one code valid on the same day', () => {
    const byCode = new Map<string, typeof REGION_TABLE[number][]>();
    for (const e of REGION_TABLE) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);
    for (const [code, list] of byCode) {
      const sorted = [...list].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      for (let i = 1; i < sorted.length; i++) {
        const prevEnd = sorted[i - 1]?.validTo;
        assert.ok(prevEnd !== undefined && prevEnd <= (sorted[i]?.validFrom ?? ''), code);
      }
    }
  });
  it('links every non-province row to a parent that exists in the table', () => {
    for (const e of REGION_TABLE) {
      if (e.level === 'province') assert.equal(e.parent, null);
      else assert.ok(e.parent !== null && regionHistory(e.parent).length > 0, `${e.code} → ${e.parent}`);
    }
  });
  it('lists all 34 provincial-level units', () => {
    assert.equal(REGION_TABLE.filter((e) => e.level === 'province').length, 34);
  });
  it('is frozen', () => {
    assert.ok(Object.isFrozen(REGION_TABLE));
    assert.ok(REGION_TABLE.every((e) => Object.isFrozen(e)));
  });
  it('does not contain 320193 (unidentified code from a real project code)', () => {
    assert.equal(regionHistory('320193').length, 0);
  });
});

describe('isIsoDate', () => {
  it('accepts real dates and rejects others', () => {
    for (const d of ['2014-10-20', '2024-02-29', '2000-01-01']) assert.equal(isIsoDate(d), true, d);
    for (const d of ['2023-02-29', '2014-13-01', '2014-10-32', '2014-1-20', '20141020', '', '2014-10-20T00:00']) {
      assert.equal(isIsoDate(d), false, d);
    }
  });
});

describe('lookupRegion', () => {
  it('finds the required seed entries by code', () => {
    const expected: Record<string, string> = {
      '370000': '山东省',
      '371400': '德州市',
      '110000': '北京市',
      '110101': '东城区',
      '320000': '江苏省',
      '320500': '苏州市',
      '320571': '苏州工业园区',
      ...Object.fromEntries(DEZHOU_NOW),
    };
    for (const [code, name] of Object.entries(expected)) assert.equal(lookupRegion(code)?.name, name, code);
  });
  it('returns the current entry without asOf: 陵城区 yes, 陵县 no', () => {
    assert.equal(lookupRegion('371403')?.name, '陵城区');
    assert.equal(lookupRegion('371421'), undefined);
  });
  it('honours asOf with validFrom inclusive and validTo exclusive (陵县 → 陵城区 on 2014-10-20)', () => {
    assert.equal(lookupRegion('371421', '2014-10-19')?.name, '陵县');
    assert.equal(lookupRegion('371421', '2014-10-20'), undefined);
    assert.equal(lookupRegion('371403', '2014-10-19'), undefined);
    assert.equal(lookupRegion('371403', '2014-10-20')?.name, '陵城区');
  });
  it('knows nothing before the table horizon', () => {
    assert.equal(lookupRegion('370000', '1999-12-31'), undefined);
    assert.equal(lookupRegion('370000', REGION_TABLE_HORIZON)?.name, '山东省');
  });
  it('returns undefined for unknown codes and malformed dates', () => {
    assert.equal(lookupRegion('999999'), undefined);
    assert.equal(lookupRegion('37140'), undefined);
    assert.equal(lookupRegion(' 371402'), undefined);
    assert.equal(lookupRegion('371402', '2014/10/20'), undefined);
    assert.equal(lookupRegion('371402', '2014-02-30'), undefined);
  });
});

describe('lookupRegionInPeriod', () => {
  it('finds a unit valid on any day of the period', () => {
    assert.equal(lookupRegionInPeriod('371421', '2014-10-01', '2014-10-31')?.name, '陵县');
    assert.equal(lookupRegionInPeriod('371403', '2014-10-01', '2014-10-31')?.name, '陵城区');
    assert.equal(lookupRegionInPeriod('371421', '2014-10-20', '2014-12-31'), undefined);
    assert.equal(lookupRegionInPeriod('371403', '2010-01-01', '2014-10-19'), undefined);
    assert.equal(lookupRegionInPeriod('371403', '2010-01-01', '2014-10-20')?.name, '陵城区');
  });
  it('returns undefined for malformed or reversed periods', () => {
    assert.equal(lookupRegionInPeriod('371403', '2020-12-31', '2020-01-01'), undefined);
    assert.equal(lookupRegionInPeriod('371403', '2020', '2020-12-31'), undefined);
    assert.equal(lookupRegionInPeriod('371403', '2020-01-01', 'x'), undefined);
  });
});

describe('regionHistory', () => {
  it('returns every version oldest first', () => {
    assert.deepEqual(
      regionHistory('371421').map((e) => [e.name, e.validFrom, e.validTo]),
      [['陵县', REGION_TABLE_HORIZON, '2014-10-20']],
    );
    assert.deepEqual(regionHistory('000000'), []);
  });
});

describe('regionChildren', () => {
  it('lists 德州市 county-level divisions today, sorted by code', () => {
    assert.deepEqual(
      regionChildren('371400').map((e) => [e.code, e.name]),
      DEZHOU_NOW,
    );
  });
  it('lists 陵县 instead of 陵城区 before 2014-10-20, still sorted by code', () => {
    assert.deepEqual(
      regionChildren('371400', '2010-06-01').map((e) => e.code),
      ['371402', '371421', ...DEZHOU_NOW.slice(2).map(([code]) => code)],
    );
  });
  it('walks the tree province → prefecture → county', () => {
    assert.deepEqual(
      regionChildren('370000').map((e) => e.code),
      ['371400'],
    );
    assert.deepEqual(
      regionChildren('320500').map((e) => e.name),
      ['苏州工业园区'],
    );
    assert.deepEqual(
      regionChildren('110000').map((e) => e.name),
      ['东城区'],
    );
  });
  it('returns [] for leaves, unknown codes and malformed dates', () => {
    assert.deepEqual(regionChildren('371402'), []);
    assert.deepEqual(regionChildren('999999'), []);
    assert.deepEqual(regionChildren('371400', 'yesterday'), []);
  });
});

describe('parseRegionCode', () => {
  it('parses a county code with its levels and entry', () => {
    const r = parseRegionCode(' 371403 ');
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.value.entry?.name, '陵城区');
    assert.deepEqual(
      { ...r.value, entry: undefined },
      {
        code: '371403',
        countyCode: '371403',
        townshipSuffix: undefined,
        level: 'county',
        provinceCode: '370000',
        prefectureCode: '371400',
        entry: undefined,
      },
    );
  });
  it('derives province and prefecture levels from the digits', () => {
    const p = parseRegionCode('370000');
    const c = parseRegionCode('371400');
    assert.ok(p.ok && c.ok);
    assert.equal(p.value.level, 'province');
    assert.equal(p.value.prefectureCode, undefined);
    assert.equal(c.value.level, 'prefecture');
    assert.equal(c.value.prefectureCode, '371400');
  });
  it('accepts a 9-digit township code as county + 3 digits', () => {
    const r = parseRegionCode('110101010');
    assert.ok(r.ok);
    assert.equal(r.value.level, 'township');
    assert.equal(r.value.countyCode, '110101');
    assert.equal(r.value.townshipSuffix, '010');
    assert.equal(r.value.entry?.name, '东城区');
    assert.deepEqual(r.warnings, []);
  });
  it('rejects anything but 6 or 9 digits with region.format', () => {
    for (const s of ['', '37140', '3714000', '37140000', '3714030100', '37140a', '３７１４０３', '371-403']) {
      assert.deepEqual(issueCodes(parseRegionCode(s)), ['region.format'], s);
    }
  });
  it('rejects a prefix that is no province with region.province', () => {
    for (const s of ['000000', '991234', '191234', '720000']) {
      const r = parseRegionCode(s);
      assert.deepEqual(issueCodes(r), ['region.province'], s);
    }
  });
  it('rejects a malformed asOf with region.as_of', () => {
    assert.deepEqual(issueCodes(parseRegionCode('371403', '2014-10')), ['region.as_of']);
  });
  it('warns region.unknown for well-formed codes not in the table (320193)', () => {
    const r = parseRegionCode('320193');
    assert.ok(r.ok);
    assert.equal(r.value.entry, undefined);
    assert.deepEqual(issueCodes(r), ['region.unknown']);
  });
  it('warns region.not_current for a historic code, with its validity', () => {
    const r = parseRegionCode('371421');
    assert.ok(r.ok);
    assert.deepEqual(issueCodes(r), ['region.not_current']);
    assert.deepEqual(r.warnings[0]?.data, { code: '371421', name: '陵县', validFrom: REGION_TABLE_HORIZON, validTo: '2014-10-20' });
    const then = parseRegionCode('371421', '2013-05-01');
    assert.ok(then.ok);
    assert.deepEqual(then.warnings, []);
    assert.equal(then.value.entry?.name, '陵县');
  });
});

describe('isValidRegionCode', () => {
  it('is true only for codes in the table valid on the date', () => {
    assert.equal(isValidRegionCode('371403'), true);
    assert.equal(isValidRegionCode('371403', '2014-01-01'), false);
    assert.equal(isValidRegionCode('371421'), false);
    assert.equal(isValidRegionCode('371421', '2014-01-01'), true);
    assert.equal(isValidRegionCode('110101010'), true);
    assert.equal(isValidRegionCode('320193'), false);
    assert.equal(isValidRegionCode('abc'), false);
    assert.equal(isValidRegionCode('371403', 'bad'), false);
  });
});
