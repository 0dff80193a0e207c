import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../platform/config.ts';
import { createDb, type Db } from '../platform/db.ts';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../platform/embedded-postgres.ts';
import { Jobs } from '../platform/jobs.ts';
import { migrate } from '../platform/migrate.ts';
import { FsContentStore, Preservation, loadStorageConfig } from '../preservation/index.ts';
import { CHECK_RUN, INGEST_SUBMISSION, defineJobs, scheduleAudits } from './jobs.ts';
import { Checks } from '../checks/index.ts';
import { notifySubmissionEvent } from '../packages/index.ts';
import { virusScanner } from './checks.ts';
import { Uploads } from '../packages/index.ts';
import { loadReferenceData } from './reference-data.ts';

export type Role = 'all' | 'web' | 'worker';

/** Everything a process needs, opened once: database (embedded or external), migrations, store, jobs. */
export type Runtime = {
  config: Config;
  db: Db;
  store: FsContentStore;
  preservation: Preservation;
  uploads: Uploads;
  jobs: Jobs;
  checks: Checks;
  role: Role;
  embedded: EmbeddedHandle | undefined;
  close(): Promise<void>;
};

export async function openDatabase(config: Config, log: (m: string) => void): Promise<{ db: Db; embedded: EmbeddedHandle | undefined }> {
  let url = config.databaseUrl;
  let embedded: EmbeddedHandle | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log: (m) => (/error|fatal|panic/i.test(m) ? log(m) : undefined) });
    url = embedded.url;
  }
  return { db: createDb(url), embedded };
}

export async function openRuntime(config: Config, role: Role, log: (m: string) => void = () => undefined): Promise<Runtime> {
  await mkdir(config.dataDir, { recursive: true });
  const { db, embedded } = await openDatabase(config, log);
  try {
    await migrate(db);
    await loadReferenceData(db);
    const store = new FsContentStore(join(config.dataDir, 'store'));
    await store.init();
    const preservation = await Preservation.open(db, store, await loadStorageConfig(config.storageConfig, config.dataDir));
    const jobs = new Jobs(db.url, role !== 'web');
    const uploads = new Uploads(db, store, join(config.dataDir, 'uploads'), async (submissionId, actor) => {
      await jobs.send(INGEST_SUBMISSION, { submissionId, requestedBy: actor });
    });
    await uploads.init();
    const checks = new Checks({
      db, content: store,
      enqueue: async (runId) => void (await jobs.send(CHECK_RUN, { runId })),
      scanner: () => virusScanner(config),
      onSubmissionChecked: async (submissionId) => void (await notifySubmissionEvent(db, jobs, submissionId, 'submission.checked')),
    });
    defineJobs(jobs, db, store, preservation, join(config.dataDir, 'staging'), checks);
    await jobs.start();
    if (role !== 'web') await scheduleAudits(jobs, preservation);
    return {
      config, db, store, preservation, uploads, jobs, checks, role, embedded,
      async close() {
        await jobs.stop().catch(() => undefined);
        await checks.close().catch(() => undefined);
        await db.close().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
}
