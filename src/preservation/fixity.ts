import type { Db } from '../platform/db.ts';
import type { FsContentStore } from './content-store.ts';
import { appendEvent } from './event-chain.ts';

export type FixityOutcome = { componentId: string; outcome: 'ok' | 'mismatch' | 'missing'; sm3: string | null };

/** Re-hashes one component's stored bytes and compares with its recorded SM3 and SHA-256; records the result. */
export async function checkComponentFixity(db: Db, store: FsContentStore, componentId: string, actor = 'system:worker'): Promise<FixityOutcome> {
  const [c] = await db.query<{ repository_id: string; storage_key: string; sha256: string; sm3: string; size: number }>(
    'SELECT repository_id, storage_key, sha256, sm3, size FROM component WHERE id = $1',
    [componentId],
  );
  if (!c) throw new Error(`component ${componentId} not found`);
  let outcome: FixityOutcome;
  if ((await store.size(c.storage_key)) === undefined) {
    outcome = { componentId, outcome: 'missing', sm3: null };
  } else {
    const d = await store.digest(c.storage_key);
    const same = d.sm3 === c.sm3 && d.sha256 === c.sha256 && d.size === c.size;
    outcome = { componentId, outcome: same ? 'ok' : 'mismatch', sm3: d.sm3 };
  }
  await db.tx((tx) =>
    appendEvent(tx, {
      actor,
      action: 'fixity.checked',
      subject: `component:${componentId}`,
      repositoryId: c.repository_id,
      data: { outcome: outcome.outcome, expectedSm3: c.sm3, actualSm3: outcome.sm3 },
    }),
  );
  return outcome;
}
