import { PgBoss } from 'pg-boss';

export type QueueState = { name: string; queued: number; active: number; failed: number };
export type JobState = { id: string; state: string; output: unknown };

export type JobDefinition<T extends object> = {
  name: string;
  /** Handles one job; a throw fails it (pg-boss retries with backoff up to `retryLimit`). */
  handle(data: T): Promise<object | void>;
  retryLimit?: number;
};

/**
 * Durable jobs in PostgreSQL (pg-boss, schema `pgboss`): the same database as the data, so a job is
 * queued only if the change that asked for it committed, and no other server is needed.
 */
export class Jobs {
  private readonly boss: PgBoss;
  private readonly defs = new Map<string, JobDefinition<object>>();
  private started = false;
  private stopping = false;

  constructor(url: string, private readonly worker: boolean) {
    this.boss = new PgBoss({
      connectionString: url,
      schema: 'pgboss',
      max: 4,
      application_name: worker ? 'dangan-worker' : 'dangan-web',
      supervise: worker,
      schedule: worker,
      migrate: true,
    });
    // Connection errors while we shut the database down are expected, not news.
    this.boss.on('error', (err: unknown) => {
      if (!this.stopping) console.error('[jobs]', (err as Error).message ?? err);
    });
  }

  define<T extends object>(def: JobDefinition<T>): void {
    this.defs.set(def.name, def as JobDefinition<object>);
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const def of this.defs.values()) {
      await this.boss.createQueue(def.name, { retryLimit: def.retryLimit ?? 3, retryBackoff: true, retryDelay: 2 });
      if (this.worker) {
        await this.boss.work<object>(def.name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
          if (!job) return;
          return (await def.handle(job.data)) ?? {};
        });
      }
    }
  }

  /** A cron schedule (one per key), kept in the database so only one node fires it. */
  async schedule(name: string, cron: string, data: object, key: string): Promise<void> {
    await this.boss.schedule(name, cron, data, { key, tz: 'Asia/Shanghai' });
  }

  async send(name: string, data: object): Promise<string> {
    if (!this.defs.has(name)) throw new Error(`unknown job ${name}`);
    const id = await this.boss.send(name, data);
    if (!id) throw new Error(`job ${name} was not queued`);
    return id;
  }

  async state(name: string, id: string): Promise<JobState | null> {
    const job = await this.boss.getJobById(name, id);
    return job ? { id: job.id, state: job.state, output: job.output ?? null } : null;
  }

  async queues(): Promise<QueueState[]> {
    if (!this.started) return [];
    const qs = await this.boss.getQueues([...this.defs.keys()]);
    return qs.map((q) => ({ name: q.name, queued: q.queuedCount, active: q.activeCount, failed: q.failedCount }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.started) await this.boss.stop({ graceful: true, timeout: 10_000 });
    this.started = false;
  }
}
