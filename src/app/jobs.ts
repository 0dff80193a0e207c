import type { Db } from '../platform/db.ts';
import type { Jobs } from '../platform/jobs.ts';
import { checkComponentFixity, type FsContentStore } from '../preservation/index.ts';

export const FIXITY_PING = 'fixity-ping';

/** Jobs are declared next to the code that handles them; this wires them into the queue. */
export function defineJobs(jobs: Jobs, db: Db, store: FsContentStore): void {
  jobs.define<{ componentId: string; requestedBy: string }>({
    name: FIXITY_PING,
    handle: async (data) => checkComponentFixity(db, store, data.componentId, data.requestedBy),
  });
}
