import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Storage locations and the replication policy, as data. A Chinese archive keeps a primary copy, a
 * same-city copy and an off-site copy (异地备份) in another city and another seismic zone, plus offline
 * copies on discs/disks (脱机保管, written by `dangan export`).
 */
const Fs = z.object({ kind: z.literal('fs'), path: z.string().min(1) });
const S3 = z.object({
  kind: z.literal('s3'),
  endpoint: z.string().url().optional(),
  region: z.string().default('us-east-1'),
  bucket: z.string().min(3).max(63),
  prefix: z.string().default(''),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  forcePathStyle: z.boolean().default(true),
});

export const LocationConfig = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  role: z.enum(['primary', 'same-city', 'off-site', 'offline']),
  city: z.string().default(''),
  seismicZone: z.string().default(''),
  backend: z.discriminatedUnion('kind', [Fs, S3]),
});
export type LocationConfig = z.infer<typeof LocationConfig>;

export const StorageConfig = z.object({
  locations: z.array(LocationConfig).min(1),
  policy: z.object({
    /** copies that must be written and verified (the primary included) before a volume counts as preserved */
    copies: z.number().int().min(1).default(3),
    /** of those, how many at off-site locations */
    offSite: z.number().int().min(0).default(1),
  }).default({ copies: 3, offSite: 1 }),
  audit: z.object({
    /** cron for the quarterly random sample (DA/T 70 BC: ≥ 5 % each quarter) */
    sampleCron: z.string().default('0 2 1 1,4,7,10 *'),
    samplePercent: z.number().min(0.1).max(100).default(5),
    /** cron for the full pass (DA/T 70 BC: every 2 years) — checked yearly, runs when two years have passed */
    fullCron: z.string().default('0 3 1 1 *'),
    fullEveryDays: z.number().int().min(1).default(730),
    /** a run stops after this long and resumes from its checkpoint next time */
    timeBudgetMinutes: z.number().min(1).default(240),
    /** throttle: bytes per second per audit, 0 = unlimited */
    bytesPerSecond: z.number().int().min(0).default(0),
  }).default({ sampleCron: '0 2 1 1,4,7,10 *', samplePercent: 5, fullCron: '0 3 1 1 *', fullEveryDays: 730, timeBudgetMinutes: 240, bytesPerSecond: 0 }),
});
export type StorageConfig = z.infer<typeof StorageConfig>;

export type ConfigIssue = { code: string; message: { zh: string; en: string } };

/** Rules a storage configuration must meet; pure, so every rule has a unit test. */
export function storageConfigIssues(cfg: StorageConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const issue = (code: string, zh: string, en: string) => out.push({ code, message: { zh, en } });
  const names = new Set<string>();
  for (const l of cfg.locations) {
    if (names.has(l.name)) issue('storage.duplicate_name', `存储位置重名：${l.name}`, `duplicate location name: ${l.name}`);
    names.add(l.name);
  }
  const primaries = cfg.locations.filter((l) => l.role === 'primary');
  if (primaries.length !== 1) issue('storage.primary_count', '必须且只能有一个主存储位置', 'exactly one primary location is required');
  const online = cfg.locations.filter((l) => l.role !== 'offline');
  if (cfg.policy.copies > online.length) {
    issue('storage.too_few_locations', `策略要求 ${cfg.policy.copies} 份副本，但只有 ${online.length} 个在线存储位置`, `policy needs ${cfg.policy.copies} copies but only ${online.length} online locations exist`);
  }
  const offSite = cfg.locations.filter((l) => l.role === 'off-site');
  if (cfg.policy.offSite > offSite.length) {
    issue('storage.too_few_off_site', `策略要求 ${cfg.policy.offSite} 份异地副本，但只有 ${offSite.length} 个异地存储位置`, `policy needs ${cfg.policy.offSite} off-site copies but only ${offSite.length} off-site locations exist`);
  }
  if (cfg.policy.offSite > cfg.policy.copies) issue('storage.policy', '异地副本数不能多于副本总数', 'off-site copies cannot exceed copies');
  const primary = primaries[0];
  for (const l of offSite) {
    if (!primary) break;
    if (primary.city && l.city && primary.city === l.city) {
      issue('storage.off_site_same_city', `异地存储位置 ${l.name} 与主存储在同一城市`, `off-site location ${l.name} is in the primary's city`);
    }
    if (primary.seismicZone && l.seismicZone && primary.seismicZone === l.seismicZone) {
      issue('storage.off_site_same_seismic_zone', `异地存储位置 ${l.name} 与主存储在同一地震带`, `off-site location ${l.name} is in the primary's seismic zone`);
    }
  }
  // Two locations on one filesystem path would make one copy look like two.
  const paths = new Set<string>();
  for (const l of cfg.locations) {
    const key = l.backend.kind === 'fs' ? `fs:${resolve(l.backend.path)}` : `s3:${l.backend.endpoint ?? ''}/${l.backend.bucket}/${l.backend.prefix}`;
    if (paths.has(key)) issue('storage.same_target', `存储位置 ${l.name} 与另一位置指向同一存储`, `location ${l.name} points at the same storage as another`);
    paths.add(key);
  }
  return out;
}

/** The embedded default: three folders under the data directory, so the demo shows every state. */
export function defaultStorageConfig(dataDir: string): StorageConfig {
  const fs = (name: string) => ({ kind: 'fs' as const, path: join(dataDir, 'preservation', name) });
  return StorageConfig.parse({
    locations: [
      { name: 'primary', role: 'primary', city: '德州市', seismicZone: '华北平原地震带', backend: fs('primary') },
      { name: 'same-city', role: 'same-city', city: '德州市', seismicZone: '华北平原地震带', backend: fs('same-city') },
      { name: 'off-site', role: 'off-site', city: '西安市', seismicZone: '汾渭地震带', backend: fs('off-site') },
    ],
    policy: { copies: 3, offSite: 1 },
  });
}

/** `DANGAN_STORAGE_CONFIG` names a JSON file; without it, the embedded default. Invalid config stops start-up. */
export async function loadStorageConfig(file: string | undefined, dataDir: string): Promise<StorageConfig> {
  if (!file) return defaultStorageConfig(dataDir);
  const parsed = StorageConfig.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`存储配置无效 / invalid storage config ${file}: ${parsed.error.message}`);
  const issues = storageConfigIssues(parsed.data);
  if (issues.length) throw new Error(`存储配置无效 / invalid storage config ${file}:\n${issues.map((i) => `  ${i.code}: ${i.message.zh} / ${i.message.en}`).join('\n')}`);
  return parsed.data;
}
