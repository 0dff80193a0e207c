import type { Db } from '../platform/db.ts';
import type { Jobs } from '../platform/jobs.ts';
import type { Checks } from '../checks/index.ts';
import { defineArchivingJobs, ingestSubmission, WEBHOOK_DELIVER } from '../packages/index.ts';
import { checkComponentFixity, runAudit, type FsContentStore, type Preservation } from '../preservation/index.ts';

export const FIXITY_PING = 'fixity-ping';
export const PRESERVE_VOLUME = 'preserve-volume';
export const FIXITY_AUDIT = 'fixity-audit';
export const INGEST_SUBMISSION = 'ingest-submission';
export const CHECK_RUN = 'check-run';
export const JOB_QUEUES = [FIXITY_PING, PRESERVE_VOLUME, FIXITY_AUDIT, WEBHOOK_DELIVER, INGEST_SUBMISSION, CHECK_RUN] as const;

/** Jobs are declared next to the code that handles them; this wires them into the queue. */
export function defineJobs(jobs: Jobs, db: Db, store: FsContentStore, preservation: Preservation, stagingRoot: string, checks: Checks): void {
  defineArchivingJobs(jobs, db);
  jobs.define<{ submissionId: string; requestedBy: string }>({
    name: INGEST_SUBMISSION,
    retryLimit: 2,
    handle: async (data) => {
      const r = await ingestSubmission(db, store, stagingRoot, data.submissionId, data.requestedBy);
      // Every unpacked submission gets its GD check at once (a rejected one too: its report lists every problem).
      const [existing] = await db.query('SELECT 1 FROM check_run WHERE submission_id = $1', [data.submissionId]);
      const checkRunId = existing ? undefined : await checks.request({ submissionId: data.submissionId }, 'GD', { id: null, username: 'system:checks' });
      return { state: r.state, items: r.items, problems: r.problems.length, checkRunId };
    },
  });
  jobs.define<{ runId: string }>({
    name: CHECK_RUN,
    retryLimit: 2,
    // A failed attempt keeps the facts it measured; the retry resumes from them (checks.execute counts attempts).
    handle: async (data) => checks.execute(data.runId),
  });
  jobs.define<{ componentId: string; requestedBy: string }>({
    name: FIXITY_PING,
    handle: async (data) => checkComponentFixity(db, store, data.componentId, data.requestedBy),
  });
  jobs.define<{ volumeId: string; requestedBy: string }>({
    name: PRESERVE_VOLUME,
    handle: async (data) => preservation.preserveVolume(data.volumeId, data.requestedBy),
  });
  jobs.define<{ location: string; mode: 'full' | 'sample'; requestedBy: string; scheduled?: boolean }>({
    name: FIXITY_AUDIT,
    retryLimit: 1,
    handle: async (data) => {
      const a = preservation.config.audit;
      // DA/T 70 BC: the yearly "full" schedule runs a full pass only when the last one is fullEveryDays old.
      if (data.scheduled && data.mode === 'full') {
        const [last] = await db.query<{ days: number }>(
          `SELECT extract(epoch FROM now() - max(finished_at)) / 86400 AS days FROM audit_run WHERE location = $1 AND mode = 'full' AND status = 'done'`,
          [data.location]);
        if (last?.days !== null && last?.days !== undefined && Number(last.days) < a.fullEveryDays) return { skipped: true };
      }
      const r = await runAudit(preservation, {
        location: data.location, mode: data.mode, samplePercent: a.samplePercent, timeBudgetMs: a.timeBudgetMinutes * 60_000,
        bytesPerSecond: a.bytesPerSecond, actor: data.requestedBy,
      });
      return { runId: r.runId, status: r.status, objectsChecked: r.objectsChecked, findings: r.findings.length, unrepaired: r.unrepaired };
    },
  });
}

/** Quarterly samples and the (biennial) full pass per online location, as pg-boss cron schedules. */
export async function scheduleAudits(jobs: Jobs, preservation: Preservation): Promise<void> {
  const a = preservation.config.audit;
  for (const l of preservation.online) {
    await jobs.schedule(FIXITY_AUDIT, a.sampleCron, { location: l.config.name, mode: 'sample', requestedBy: 'system:scheduler', scheduled: true }, `${l.config.name}-sample`);
    await jobs.schedule(FIXITY_AUDIT, a.fullCron, { location: l.config.name, mode: 'full', requestedBy: 'system:scheduler', scheduled: true }, `${l.config.name}-full`);
  }
}
