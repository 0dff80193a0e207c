/**
 * The DA/T 70-2018 item registry, as data (`dat70-items.csv`: the 45 items of Annex A table A.1 with
 * the stages each applies to, from the standards digest §5). Item numbers are shared across stages, so
 * a stage has gaps (there is no GD-1-9): `itemsForStage` never invents an item a stage does not have.
 * Pure after the first load; the CSV is read once and validated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { csvObjects } from '../../catalog/csv.ts';
import { projectRoot } from '../../platform/paths.ts';
import type { Automation, Bilingual, CheckClass, Stage } from '../model.ts';

export type CheckItemDef = {
  /** '1-1' … '4-9' */
  item: string;
  class: CheckClass;
  name: Bilingual;
  stages: readonly Stage[];
  automation: Automation;
  /** what the item checks (English paraphrase of the standard) */
  checks: string;
};

export const CLASS_NAMES: Readonly<Record<CheckClass, Bilingual>> = {
  authenticity: { zh: '真实性', en: 'Authenticity' },
  integrity: { zh: '完整性', en: 'Integrity' },
  usability: { zh: '可用性', en: 'Usability' },
  security: { zh: '安全性', en: 'Security' },
};
export const STAGE_NAMES: Readonly<Record<Stage, Bilingual>> = {
  GD: { zh: '归档', en: 'Archiving' },
  YJ: { zh: '移交与接收', en: 'Transfer and receipt' },
  BC: { zh: '长期保存', en: 'Long-term preservation' },
};
const CLASS_DIGIT: Readonly<Record<CheckClass, string>> = { authenticity: '1', integrity: '2', usability: '3', security: '4' };

const Row = z.object({
  item: z.string().regex(/^[1-4]-\d{1,2}$/),
  class: z.enum(['authenticity', 'integrity', 'usability', 'security']),
  name_zh: z.string().min(2),
  name_en: z.string().min(2),
  gd: z.enum(['0', '1']),
  yj: z.enum(['0', '1']),
  bc: z.enum(['0', '1']),
  how: z.enum(['A', 'S', 'M', 'T']),
  checks: z.string().min(5),
});

function load(): CheckItemDef[] {
  const text = readFileSync(join(projectRoot(), 'src/checks/registry/dat70-items.csv'), 'utf8');
  return csvObjects(text).map((raw, i) => {
    const r = Row.parse(raw, { error: () => `dat70-items.csv row ${i + 2} is invalid` });
    if (!r.item.startsWith(`${CLASS_DIGIT[r.class]}-`)) throw new Error(`dat70-items.csv row ${i + 2}: item ${r.item} is not in class ${r.class}`);
    const stages = (['GD', 'YJ', 'BC'] as const).filter((s) => r[s.toLowerCase() as 'gd' | 'yj' | 'bc'] === '1');
    return { item: r.item, class: r.class, name: { zh: r.name_zh, en: r.name_en }, stages, automation: r.how, checks: r.checks };
  });
}

let cache: readonly CheckItemDef[] | undefined;
/** Every item, in the standard's order. */
export function allItems(): readonly CheckItemDef[] {
  cache ??= Object.freeze(load());
  return cache;
}

const byItem = () => new Map(allItems().map((d) => [d.item, d]));
let index: Map<string, CheckItemDef> | undefined;

export function itemDef(item: string): CheckItemDef | undefined {
  index ??= byItem();
  return index.get(item);
}

/** 'GD-1-1' → { stage: 'GD', item: '1-1' } when the stage has that item; undefined otherwise. */
export function parseCode(code: string): { stage: Stage; item: string; def: CheckItemDef } | undefined {
  const m = /^(GD|YJ|BC)-([1-4]-\d{1,2})$/.exec(code);
  if (!m) return undefined;
  const def = itemDef(m[2]!);
  const stage = m[1] as Stage;
  return def && def.stages.includes(stage) ? { stage, item: def.item, def } : undefined;
}

export const codeOf = (stage: Stage, item: string) => `${stage}-${item}`;

/** The items a stage applies (GD 36, YJ 35, BC 32), in order. */
export function itemsForStage(stage: Stage): CheckItemDef[] {
  return allItems().filter((d) => d.stages.includes(stage));
}
