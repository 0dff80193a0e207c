import { resolve } from 'node:path';
import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DANGAN_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DANGAN_DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  DANGAN_STORAGE_CONFIG: z.string().min(1).optional(),
  DANGAN_DEMO_PASSWORD: z.string().min(10).max(256).optional(),
  DANGAN_SESSION_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(12),
  DANGAN_COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  DANGAN_BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  DANGAN_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(50 * 1024 ** 3),
  DANGAN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  DANGAN_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** ClamAV clamd for DA/T 70 4-2: `unix:/run/clamav/clamd.ctl` or `tcp://host:3310`; unset = the scan is "not run" */
  DANGAN_CLAMD: z.string().regex(/^(unix:\/.+|tcp:\/\/[^:/\s]+:\d{1,5})$/, 'unix:/path/to/clamd.ctl or tcp://host:port').optional(),
  /** inactivity bound per scan, ms (keep it above clamd's MaxScanTime) */
  DANGAN_CLAMD_TIMEOUT_MS: z.coerce.number().int().min(100).max(24 * 3600 * 1000).default(120_000),
  /** clamd's StreamMaxLength (bytes, or K/M/G as in clamd.conf): a larger file is "not scanned", never "clean" */
  DANGAN_CLAMD_MAX_BYTES: z.string().regex(/^\s*\d+\s*[kKmMgG]?\s*$/, 'bytes, or a number with K/M/G as in clamd.conf').optional(),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  demo: 'auto' | 'on' | 'off';
  /** JSON file with storage locations and the replication policy; absent = three folders under dataDir */
  storageConfig: string | undefined;
  demoPassword: string | undefined;
  sessionHours: number;
  cookieSecure: boolean;
  bodyLimit: number;
  /** largest resumable upload (tus Upload-Length) */
  uploadMaxBytes: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** clamd for the virus scan (4-2): address (undefined = none configured), per-scan inactivity bound, largest stream */
  clamd: string | undefined;
  clamdTimeoutMs: number;
  clamdMaxBytes: number | undefined;
};

/** "64M", "1G", "1048576" → bytes (clamd.conf's size syntax). */
function sizeBytes(text: string): number {
  const m = /^\s*(\d+)\s*([kKmMgG]?)\s*$/.exec(text)!;
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const)[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

/** Reads configuration from the environment once, at the edge; a bad value stops start-up with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`配置错误 / invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DANGAN_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    demo: e.DANGAN_DEMO,
    storageConfig: e.DANGAN_STORAGE_CONFIG,
    demoPassword: e.DANGAN_DEMO_PASSWORD,
    sessionHours: e.DANGAN_SESSION_HOURS,
    cookieSecure: e.DANGAN_COOKIE_SECURE === 'true',
    bodyLimit: e.DANGAN_BODY_LIMIT,
    uploadMaxBytes: e.DANGAN_UPLOAD_MAX_BYTES,
    loginMaxFailures: e.DANGAN_LOGIN_MAX_FAILURES,
    loginWindowSeconds: e.DANGAN_LOGIN_WINDOW_SECONDS,
    logLevel: e.LOG_LEVEL,
    clamd: e.DANGAN_CLAMD,
    clamdTimeoutMs: e.DANGAN_CLAMD_TIMEOUT_MS,
    clamdMaxBytes: e.DANGAN_CLAMD_MAX_BYTES === undefined ? undefined : sizeBytes(e.DANGAN_CLAMD_MAX_BYTES),
  };
}
