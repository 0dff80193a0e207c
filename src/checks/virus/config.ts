/**
 * Scanner settings from the environment, for src/platform/config.ts to include:
 *
 *   DANGAN_CLAMD            `unix:/run/clamav/clamd.ctl` or `tcp://host:3310`; unset = no scanner (4-2 "not run")
 *   DANGAN_CLAMD_TIMEOUT_MS inactivity bound per scan, ms (default 120000; keep it above clamd's MaxScanTime)
 *   DANGAN_CLAMD_MAX_BYTES  clamd's StreamMaxLength in bytes, or with a K/M/G suffix as in clamd.conf;
 *                           a larger file ends in `size-limit` without being sent (default: clamd decides)
 */
import { z } from 'zod';
import { ClamdScanner, UnconfiguredScanner, type ClamdAddress, type ClamdLimits, type VirusScanner } from './clamd.ts';

const ADDRESS = /^(unix:\/.+|tcp:\/\/[^:/\s]+:\d{1,5})$/;

/** `unix:/path` → { socket }, `tcp://host:port` → { host, port }; throws on anything else. */
export function parseClamdAddress(text: string): ClamdAddress {
  if (!ADDRESS.test(text)) throw new Error(`DANGAN_CLAMD: expected unix:/path/to/clamd.ctl or tcp://host:port, got ${JSON.stringify(text)}`);
  if (text.startsWith('unix:')) return { socket: text.slice('unix:'.length) };
  const m = /^tcp:\/\/([^:/\s]+):(\d{1,5})$/.exec(text)!;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`DANGAN_CLAMD: port out of range: ${port}`);
  return { host: m[1]!, port };
}

/** "64M", "25m", "1G", "1048576" → bytes (clamd.conf's size syntax). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([kKmMgG]?)\s*$/.exec(text);
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (use bytes or a K/M/G suffix)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** The zod fields to merge into the platform's Env object (`Env.extend(ClamdEnv.shape)` or spread `...ClamdEnv.shape`). */
export const ClamdEnv = z.object({
  DANGAN_CLAMD: z
    .string()
    .regex(ADDRESS, 'unix:/path/to/clamd.ctl or tcp://host:port')
    .refine((s) => !s.startsWith('tcp://') || Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535 && Number(s.slice(s.lastIndexOf(':') + 1)) >= 1, 'port 1–65535')
    .optional(),
  DANGAN_CLAMD_TIMEOUT_MS: z.coerce.number().int().min(100).max(24 * 3600 * 1000).default(120_000),
  DANGAN_CLAMD_MAX_BYTES: z
    .string()
    .regex(/^\s*\d+\s*[kKmMgG]?\s*$/, 'bytes, or a number with K/M/G as in clamd.conf')
    .transform(parseSize)
    .optional(),
});

export type ClamdSettings = {
  /** undefined = not configured */
  address: ClamdAddress | undefined;
  limits: ClamdLimits;
};

/** Settings from an environment (throws with the variable's name on a bad value). */
export function clamdSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ClamdSettings {
  const parsed = ClamdEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  return {
    address: e.DANGAN_CLAMD === undefined ? undefined : parseClamdAddress(e.DANGAN_CLAMD),
    limits: { timeoutMs: e.DANGAN_CLAMD_TIMEOUT_MS, ...(e.DANGAN_CLAMD_MAX_BYTES !== undefined ? { maxStreamBytes: e.DANGAN_CLAMD_MAX_BYTES } : {}) },
  };
}

/** The engine's scanner: clamd when an address is given, otherwise one whose every scan is "not run". */
export function createVirusScanner(address: string | ClamdAddress | undefined, limits: ClamdLimits = {}): VirusScanner {
  if (address === undefined || address === '') return new UnconfiguredScanner();
  return new ClamdScanner(typeof address === 'string' ? parseClamdAddress(address) : address, limits);
}
