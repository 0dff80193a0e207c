import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import {
  ORG_CODE_WEIGHTS,
  USCC_ALPHABET,
  USCC_WEIGHTS,
  generateUscc,
  orgCodeCheckChar,
  parseUscc,
  usccCheckChar,
} from './uscc.ts';

const EXAMPLE = '91350100M000100Y43'; // digest §8.1 worked example

// Independent formulation of GB 32100: a valid code has Σ(value_i × w_i, i=1..17) + value_18 ≡ 0 (mod 31).
function outerInvariantHolds(code: string): boolean {
  let s = 0;
  for (let i = 0; i < 17; i++) s += USCC_ALPHABET.indexOf(code.charAt(i)) * 3 ** i;
  return (s + USCC_ALPHABET.indexOf(code.charAt(17))) % 31 === 0;
}

// Small deterministic PRNG (mulberry32) so random tests are reproducible.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('USCC constants (GB 32100-2015)', () => {
  it('alphabet has 31 distinct symbols and excludes I, O, S, V, Z', () => {
    assert.equal(USCC_ALPHABET.length, 31);
    assert.equal(new Set(USCC_ALPHABET).size, 31);
    for (const ch of 'IOSVZ') assert.ok(!USCC_ALPHABET.includes(ch), ch);
    assert.equal(USCC_ALPHABET, '0123456789ABCDEFGHJKLMNPQRTUWXY');
  });
  it('weights are 3^(i−1) mod 31', () => {
    assert.deepEqual(USCC_WEIGHTS, Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });
  it('org-code weights are those of GB 11714', () => {
    assert.deepEqual(ORG_CODE_WEIGHTS, [3, 7, 9, 10, 5, 8, 4, 2]);
  });
});

describe('usccCheckChar', () => {
  it('computes the worked example', () => {
    assert.deepEqual(usccCheckChar('91350100M000100Y4'), { ok: true, value: '3', warnings: [] });
  });
  it('trims and upper-cases', () => {
    const r = usccCheckChar('  91350100m000100y4\t');
    assert.ok(r.ok);
    assert.equal(r.value, '3');
  });
  it('rejects a wrong body length', () => {
    for (const body of ['', '91350100M000100Y', '91350100M000100Y43']) {
      const r = usccCheckChar(body);
      assert.deepEqual(issueCodes(r), ['uscc.body_length']);
      assert.ok(!r.ok && r.issues[0]?.data?.['length'] === body.length);
    }
  });
  it('reports every bad character with its position', () => {
    const r = usccCheckChar('9I350100M0O0100Y4');
    assert.ok(!r.ok);
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.data?.['position'], i.data?.['char']]),
      [
        ['uscc.char', 2, 'I'],
        ['uscc.char', 11, 'O'],
      ],
    );
  });
  it('maps every position bijectively: the 31 symbols give 31 different check characters', () => {
    const body = '91350100M000100Y4';
    for (let pos = 0; pos < 17; pos++) {
      const checks = new Set<string>();
      for (const sym of USCC_ALPHABET) {
        const r = usccCheckChar(body.slice(0, pos) + sym + body.slice(pos + 1));
        assert.ok(r.ok);
        checks.add(r.value);
      }
      assert.equal(checks.size, 31, `position ${pos + 1}`);
    }
  });
});

describe('parseUscc', () => {
  it('parses the worked example into its parts without warnings', () => {
    assert.deepEqual(parseUscc(EXAMPLE), {
      ok: true,
      value: {
        code: EXAMPLE,
        registrationDept: '9',
        orgType: '1',
        regionCode: '350100',
        orgCode: 'M000100Y4',
        checkChar: '3',
      },
      warnings: [],
    });
  });
  it('trims and upper-cases its input', () => {
    const r = parseUscc(' 91350100m000100y43 \n');
    assert.ok(r.ok);
    assert.equal(r.value.code, EXAMPLE);
  });
  it('rejects wrong lengths with uscc.length', () => {
    for (const s of ['', '   ', EXAMPLE.slice(0, 17), EXAMPLE + '0', EXAMPLE + EXAMPLE]) {
      const r = parseUscc(s);
      assert.deepEqual(issueCodes(r), ['uscc.length'], JSON.stringify(s));
      assert.ok(!r.ok && r.issues[0]?.data?.['length'] === s.trim().length);
    }
  });
  it('rejects each excluded letter I, O, S, V, Z with uscc.char at the right position', () => {
    for (const ch of 'IOSVZ') {
      for (const pos of [0, 8, 17]) {
        const s = EXAMPLE.slice(0, pos) + ch + EXAMPLE.slice(pos + 1);
        const r = parseUscc(s);
        assert.ok(!r.ok);
        assert.deepEqual(
          r.issues.map((i) => [i.code, i.data?.['position'], i.data?.['char']]),
          [['uscc.char', pos + 1, ch]],
        );
      }
    }
  });
  it('rejects punctuation and non-ASCII characters (char errors take precedence over the check)', () => {
    for (const ch of ['-', ' ', '０', '九', '*']) {
      const s = EXAMPLE.slice(0, 4) + ch + EXAMPLE.slice(5);
      assert.deepEqual(issueCodes(parseUscc(s)), ['uscc.char'], ch);
    }
  });
  it('gives bilingual messages, Chinese first', () => {
    const r = parseUscc('91350100M000100Y44');
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.issues[0]?.message ?? {}), ['zh', 'en']);
    assert.match(r.issues[0]?.message.zh ?? '', /校验码/);
    assert.match(r.issues[0]?.message.en ?? '', /check character/);
  });
  it('rejects all 30 wrong check characters with uscc.check_char', () => {
    let n = 0;
    for (const sym of USCC_ALPHABET) {
      if (sym === '3') continue;
      const r = parseUscc(EXAMPLE.slice(0, 17) + sym);
      assert.ok(!r.ok);
      assert.deepEqual(issueCodes(r), ['uscc.check_char']);
      assert.deepEqual(r.issues[0]?.data, { expected: '3', actual: sym });
      n++;
    }
    assert.equal(n, 30);
  });
  it('rejects all 17 × 30 single-symbol substitutions of the body (incl. the org-code part) with uscc.check_char', () => {
    let n = 0;
    for (let pos = 0; pos < 17; pos++) {
      for (const sym of USCC_ALPHABET) {
        if (sym === EXAMPLE.charAt(pos)) continue;
        const s = EXAMPLE.slice(0, pos) + sym + EXAMPLE.slice(pos + 1);
        assert.deepEqual(issueCodes(parseUscc(s)), ['uscc.check_char'], s);
        n++;
      }
    }
    assert.equal(n, 17 * 30);
  });
  it('rejects every adjacent transposition of different symbols', () => {
    for (let pos = 0; pos < 17; pos++) {
      const a = EXAMPLE.charAt(pos);
      const b = EXAMPLE.charAt(pos + 1);
      if (a === b) continue;
      const s = EXAMPLE.slice(0, pos) + b + a + EXAMPLE.slice(pos + 2);
      assert.equal(parseUscc(s).ok, false, s);
    }
  });
  it('only warns (uscc.org_code_check) when the embedded organisation code fails GB 11714', () => {
    const gen = generateUscc('91350100M000100Y5'); // org-code check should be 4
    assert.ok(gen.ok);
    const r = parseUscc(gen.value);
    assert.ok(r.ok);
    assert.deepEqual(issueCodes(r), ['uscc.org_code_check']);
    assert.deepEqual(r.warnings[0]?.data, { orgCode: 'M000100Y5', expected: '4', actual: '5' });
  });
  it('accepts an embedded organisation code whose check character is X', () => {
    const gen = generateUscc('9137000000000006X'); // org body 00000006 → X
    assert.ok(gen.ok);
    assert.deepEqual(parseUscc(gen.value), {
      ok: true,
      value: {
        code: gen.value,
        registrationDept: '9',
        orgType: '1',
        regionCode: '370000',
        orgCode: '00000006X',
        checkChar: gen.value.charAt(17),
      },
      warnings: [],
    });
  });
});

describe('orgCodeCheckChar (GB 11714)', () => {
  it('computes the organisation code of the worked example', () => {
    assert.deepEqual(orgCodeCheckChar('M000100Y'), { ok: true, value: '4', warnings: [] });
  });
  it('maps 10 to X and 11 to 0', () => {
    const x = orgCodeCheckChar('00000006'); // Σ = 12 ≡ 1 → 11 − 1 = 10 → X
    const zero = orgCodeCheckChar('00000000'); // Σ = 0 → 11 → 0
    assert.ok(x.ok && zero.ok);
    assert.equal(x.value, 'X');
    assert.equal(zero.value, '0');
  });
  it('values letters A–Z as 10–35, including letters a USCC excludes', () => {
    const r = orgCodeCheckChar('I0000000'); // 18 × 3 = 54 ≡ 10 → 1
    assert.ok(r.ok);
    assert.equal(r.value, '1');
  });
  it('rejects wrong length and bad characters', () => {
    assert.deepEqual(issueCodes(orgCodeCheckChar('M000100')), ['org_code.length']);
    const r = orgCodeCheckChar('M00-100Y');
    assert.deepEqual(issueCodes(r), ['org_code.char']);
    assert.ok(!r.ok && r.issues[0]?.data?.['position'] === 4);
  });
});

describe('generateUscc', () => {
  it('appends the check character to a normalised body', () => {
    assert.deepEqual(generateUscc(' 91350100m000100y4 '), { ok: true, value: EXAMPLE, warnings: [] });
  });
  it('passes body errors through', () => {
    assert.deepEqual(issueCodes(generateUscc('1234')), ['uscc.body_length']);
    assert.deepEqual(issueCodes(generateUscc('91350100M000100YO')), ['uscc.char']);
  });
  it('round-trips 2,000 random bodies through parseUscc and satisfies the mod-31 invariant', () => {
    const rnd = prng(32100);
    for (let k = 0; k < 2000; k++) {
      let body = '';
      for (let i = 0; i < 17; i++) body += USCC_ALPHABET.charAt(Math.floor(rnd() * 31));
      const g = generateUscc(body);
      assert.ok(g.ok);
      assert.ok(outerInvariantHolds(g.value), g.value);
      const p = parseUscc(g.value);
      assert.ok(p.ok, g.value);
      assert.equal(p.value.code, g.value);
    }
  });
});
