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
};

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
  };
}
