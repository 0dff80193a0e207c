import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allItems, itemsForStage, parseCode } from './items.ts';

test('the registry holds the 45 items of DA/T 70 Annex A: 16 + 11 + 9 + 9, applied 36× at GD, 35× at YJ, 32× at BC', () => {
  const items = allItems();
  assert.equal(items.length, 45);
  const per = (c: string) => items.filter((i) => i.class === c).length;
  assert.deepEqual([per('authenticity'), per('integrity'), per('usability'), per('security')], [16, 11, 9, 9]);
  assert.deepEqual([itemsForStage('GD').length, itemsForStage('YJ').length, itemsForStage('BC').length], [36, 35, 32]);
  assert.equal(new Set(items.map((i) => i.item)).size, 45);
});

test('stage gaps are kept: no GD-1-9, no YJ-2-9, no BC-1-8, no GD-2-10; 1-9 only at YJ', () => {
  for (const code of ['GD-1-9', 'YJ-2-9', 'BC-1-8', 'GD-2-10', 'YJ-4-6', 'BC-1-12', 'GD-5-1', 'GD-1-17', 'XX-1-1', 'GD-1-01']) assert.equal(parseCode(code), undefined, code);
  for (const code of ['GD-1-1', 'YJ-1-9', 'BC-4-9', 'BC-2-10', 'GD-4-6', 'BC-1-16']) assert.ok(parseCode(code), code);
  assert.deepEqual(parseCode('YJ-1-9')?.def.stages, ['YJ']);
});

test('manual and tool items are marked as such (never automatic)', () => {
  const how = Object.fromEntries(allItems().map((i) => [i.item, i.automation]));
  for (const m of ['2-7', '2-8', '3-4', '4-5', '4-7', '4-9']) assert.equal(how[m], 'M', m);
  for (const t of ['3-9', '4-1', '4-6', '4-8']) assert.equal(how[t], 'T', t);
  assert.equal(allItems().find((i) => i.item === '1-7')?.name.zh, '档号规范性检测');
});
