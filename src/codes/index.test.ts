import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as codes from './index.ts';

describe('codes public API (index.ts)', () => {
  it('exports exactly the documented runtime names', () => {
    assert.deepEqual(Object.keys(codes).sort(), [
      'ARCHIVAL_CODE_FIELDS',
      'ARCHIVAL_CODE_LIMITS',
      'BUILDING_CODE_CHECK_TABLE',
      'DEFAULT_ARCHIVAL_CODE_TEMPLATE',
      'PROJECT_CODE_PATTERN',
      'REGION_TABLE',
      'REGION_TABLE_HORIZON',
      'USCC_ALPHABET',
      'buildArchivalCode',
      'buildingCodeCheckChar',
      'compileArchivalCodeRule',
      'generateBuildingCode',
      'generateUscc',
      'isIsoDate',
      'isValidRegionCode',
      'issueCodes',
      'lookupRegion',
      'lookupRegionInPeriod',
      'orgCodeCheckChar',
      'parseArchivalCode',
      'parseBuildingCode',
      'parseProjectCode',
      'parseRegionCode',
      'parseUscc',
      'regionChildren',
      'regionHistory',
      'usccCheckChar',
    ]);
  });
  it('works end to end through the index', () => {
    assert.equal(codes.parseUscc('91350100M000100Y43').ok, true);
    assert.equal(codes.parseBuildingCode('11010101020200109000003').ok, true);
    assert.equal(codes.parseProjectCode('2509-320193-89-01-544060').ok, true);
    assert.equal(codes.isValidRegionCode('371403'), true);
    const rule = codes.compileArchivalCodeRule(codes.DEFAULT_ARCHIVAL_CODE_TEMPLATE);
    assert.ok(rule.ok);
    assert.deepEqual(codes.buildArchivalCode(rule.value, { category: 'A1', projectSeq: 1, volumeSeq: 1 }), {
      ok: true,
      value: 'A1-0001-001',
      warnings: [],
    });
  });
});
