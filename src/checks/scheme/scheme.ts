/**
 * A check scheme (检测方案): which DA/T 70 items a repository runs, how severe a failure of each is
 * (blocking / warning), and the parameters the automatic items use. Schemes are versioned: a change
 * is a new version, and every run records the version it used. The shipped default is `DEFAULT_SCHEME`;
 * a repository's scheme overrides it item by item. Pure: validation and resolution only.
 */
import { z } from 'zod';
import { compileArchivalCodeRule } from '../../codes/index.ts';
import type { Severity, Stage } from '../model.ts';
import { allItems, itemDef, itemsForStage, type CheckItemDef } from '../registry/items.ts';

const ItemSetting = z.object({ enabled: z.boolean().default(true), severity: z.enum(['blocking', 'warning']).optional() }).strict();

const FORMAT_IDS = [
  'pdf', 'ofd', 'tiff', 'jpeg', 'png', 'jp2', 'gif', 'bmp', 'xml', 'dwg', 'dxf', 'ifc', 'mp4', 'mov', 'avi', 'mpeg', 'flv', 'mp3', 'wav', 'flac',
  'zip', 'docx', 'xlsx', 'pptx', 'doc', 'rtf', 'txt', 'wps',
] as const;
const FormatList = z.array(z.enum(FORMAT_IDS)).max(64);

export const SchemeParams = z
  .object({
    /** 3-3 / 3-8: formats accepted at archiving and transfer (identified by content). */
    allowedFormats: FormatList,
    /** 3-5: formats fit for long-term preservation (BC). */
    longTermFormats: FormatList,
    /** DA/T 31 scan rules for images (3-3 / 3-5 evidence); dpi below → fail, unknown dpi → warn. */
    minScanDpi: z.number().int().min(50).max(2400),
    /** 1-1 / 1-14: digests the package must carry for each file (at least one must be present and match). */
    digestAlgorithms: z.array(z.enum(['sha256', 'sm3', 'sha512', 'md5'])).min(1),
    /** 1-1: a signature or seal that does not verify → fail; an untrusted certificate → warn (never pass silently). */
    requireTrustedSigner: z.boolean(),
    /** 1-6: characters forbidden in metadata values, in addition to GB 18030 double-byte non-Hanzi symbols when `forbidFullwidthSymbols`. */
    forbiddenChars: z.string().max(200),
    forbidFullwidthSymbols: z.boolean(),
    /** 1-7: the repository's 档号 rule (the `codes/` template language); empty = any non-empty code. */
    archivalCodeTemplate: z.string().max(200),
    /** 1-9: allowed 全宗号 values (empty = not checked). */
    fondsCodes: z.array(z.string().min(1).max(32)).max(100),
    /** 1-8: keys that must be unique within the package and against the archive. */
    duplicateKeys: z.array(z.enum(['archivalCode', 'docNumber', 'title'])).max(3),
    /** 1-5: plausible years for dates. */
    earliestYear: z.number().int().min(1800).max(2100),
    /** 1-10: tolerance in pages between metadata 页次/页数 and the file's page count. */
    pageTolerance: z.number().int().min(0).max(1000),
    /** 2-1 / 2-2: registered totals (GB/T 18894 A.1), when known in advance. */
    registeredFiles: z.number().int().min(0).optional(),
    registeredBytes: z.number().int().min(0).optional(),
    /** 4-4: minimum read speed of a carrier, MB/s (below → warn). */
    carrierMinMBps: z.number().min(0.1).max(10_000),
    /** per-file limits for validators */
    fileTimeoutMs: z.number().int().min(100).max(600_000),
    maxFileBytes: z.number().int().min(1),
  })
  .strict();
export type SchemeParams = z.infer<typeof SchemeParams>;

export const CheckSchemeBody = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    /** keyed by item number ('1-1'); an item not listed runs with its default severity */
    items: z.record(z.string().regex(/^[1-4]-\d{1,2}$/), ItemSetting).default({}),
    params: SchemeParams.partial().default({}),
  })
  .strict();
export type CheckSchemeBody = z.input<typeof CheckSchemeBody>;

export type CheckScheme = { id: string; version: number; name: string; description: string; items: Record<string, { enabled: boolean; severity?: Severity | undefined }>; params: SchemeParams };

/** Items whose failure does not stop acceptance by default (findings for people to weigh). */
const DEFAULT_WARNING = new Set(['1-5', '1-6', '3-6', '3-7', '4-4', '2-5']);

export const DEFAULT_PARAMS: SchemeParams = Object.freeze({
  // GB/T 18894-2016 §8.3/§8.4 and local practice (standards digest §3.2, §4): 版式 PDF/OFD, images, XML, DWG, IFC, AV.
  allowedFormats: ['pdf', 'ofd', 'tiff', 'jpeg', 'png', 'jp2', 'xml', 'dwg', 'ifc', 'mp4', 'mp3', 'wav', 'txt', 'rtf', 'docx', 'xlsx', 'doc', 'wps'],
  longTermFormats: ['pdf', 'ofd', 'tiff', 'jpeg', 'png', 'jp2', 'xml', 'ifc', 'mp4', 'mp3', 'wav', 'txt'],
  minScanDpi: 200,
  digestAlgorithms: ['sm3', 'sha256'],
  requireTrustedSigner: false,
  forbiddenChars: '',
  forbidFullwidthSymbols: true,
  archivalCodeTemplate: '',
  fondsCodes: [],
  duplicateKeys: ['archivalCode', 'docNumber'],
  earliestYear: 1949,
  pageTolerance: 0,
  carrierMinMBps: 5,
  fileTimeoutMs: 30_000,
  maxFileBytes: 20 * 1024 ** 3,
}) as SchemeParams;

export const DEFAULT_SCHEME: CheckScheme = Object.freeze({
  id: 'default',
  version: 1,
  name: 'Dangan 默认检测方案 (DA/T 70-2018)',
  description: 'Every DA/T 70 item of the stage; failures block except for plausibility, special characters, environment and carrier speed.',
  items: {},
  params: DEFAULT_PARAMS,
});

export type SchemeProblem = { path: string; message: string };

/** Validates a scheme body (JSON from a file or the API) and resolves it over the defaults. */
export function parseScheme(input: unknown, meta: { id: string; version: number }): { ok: true; scheme: CheckScheme } | { ok: false; problems: SchemeProblem[] } {
  const r = CheckSchemeBody.safeParse(input);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const problems: SchemeProblem[] = [];
  for (const item of Object.keys(r.data.items)) if (!itemDef(item)) problems.push({ path: `items.${item}`, message: `DA/T 70 has no item ${item}` });
  const params = { ...DEFAULT_PARAMS, ...r.data.params } as SchemeParams;
  if (params.archivalCodeTemplate) {
    const rule = compileArchivalCodeRule(params.archivalCodeTemplate);
    if (!rule.ok) problems.push({ path: 'params.archivalCodeTemplate', message: rule.issues.map((i) => i.message.en).join('; ') });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, scheme: { id: meta.id, version: meta.version, name: r.data.name, description: r.data.description, items: r.data.items, params } };
}

export type PlannedItem = { code: string; def: CheckItemDef; severity: Severity };

/** The items a run at `stage` executes under `scheme`, with their severity. */
export function planItems(scheme: CheckScheme, stage: Stage): PlannedItem[] {
  return itemsForStage(stage)
    .filter((d) => scheme.items[d.item]?.enabled !== false)
    .map((def) => ({ code: `${stage}-${def.item}`, def, severity: scheme.items[def.item]?.severity ?? (DEFAULT_WARNING.has(def.item) ? 'warning' : 'blocking') }));
}

export const ITEM_COUNT = () => allItems().length;
