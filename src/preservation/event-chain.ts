import { createHash } from 'node:crypto';
import type { Queryable, Tx } from '../platform/db.ts';
import { canonicalJson } from './canonical-json.ts';

export const GENESIS = '0'.repeat(64);
const CHAIN_LOCK = 7_246_002; // serialises appends: each event must see the one before it

export type EventInput = {
  actor: string;
  action: string;
  subject: string;
  repositoryId?: string | null;
  data?: Record<string, unknown>;
};

export type ChainEvent = {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  repositoryId: string | null;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
};

/** hash = SM3(prev ‖ canonical JSON of {seq, at, actor, action, subject, repositoryId, data}), hex. */
export function eventHash(e: Omit<ChainEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    repositoryId: e.repositoryId,
    data: e.data,
  });
  return createHash('sm3').update(e.prev, 'utf8').update(body, 'utf8').digest('hex');
}

/** Appends one event inside the caller's transaction, so the event commits with the change it records. */
export async function appendEvent(tx: Tx, input: EventInput, now: Date = new Date()): Promise<ChainEvent> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const [last] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1');
  // Round-trip through JSON so what we hash is exactly what jsonb gives back.
  const data = JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>;
  const draft = {
    seq: (last?.seq ?? 0) + 1,
    at: now.toISOString(),
    actor: input.actor,
    action: input.action,
    subject: input.subject,
    repositoryId: input.repositoryId ?? null,
    data,
    prev: last?.hash ?? GENESIS,
  };
  const event: ChainEvent = { ...draft, hash: eventHash(draft) };
  await tx.query(
    `INSERT INTO event (seq, at, actor, action, subject, repository_id, data, prev, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [event.seq, event.at, event.actor, event.action, event.subject, event.repositoryId, JSON.stringify(data), event.prev, event.hash],
  );
  return event;
}

type EventRow = {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  repository_id: string | null;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
};

export const toChainEvent = (r: EventRow): ChainEvent => ({
  seq: r.seq,
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  repositoryId: r.repository_id,
  data: r.data,
  prev: r.prev,
  hash: r.hash,
});

export type ChainVerdict =
  | { ok: true; count: number; head: string; anchor: string }
  | { ok: false; count: number; brokenAt: number; reason: 'gap' | 'prev-mismatch' | 'hash-mismatch' | 'truncated' | 'anchor-mismatch'; message: string };

/** An anchor `SEQ:HASH` recorded outside the database (a printed report, a replica) catches a cut-off tail. */
export type ChainAnchor = { seq: number; hash: string };

export function parseAnchor(text: string): ChainAnchor | undefined {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { seq: Number(m[1]), hash: m[2]! } : undefined;
}

/**
 * Re-computes the whole chain in pages (constant memory) and names the first broken link. With anchors
 * (earlier heads kept outside the database), a chain whose newest events were removed fails too.
 */
export async function verifyChain(q: Queryable, pageSize = 2000, anchors: ChainAnchor[] = []): Promise<ChainVerdict> {
  const wanted = new Map(anchors.map((a) => [a.seq, a.hash]));
  let expectedSeq = 1;
  let prev = GENESIS;
  let count = 0;
  for (;;) {
    const rows = await q.query<EventRow>(
      'SELECT seq, at, actor, action, subject, repository_id, data, prev, hash FROM event WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [expectedSeq, pageSize],
    );
    for (const row of rows) {
      const e = toChainEvent(row);
      if (e.seq !== expectedSeq) {
        return { ok: false, count, brokenAt: expectedSeq, reason: 'gap', message: `event ${expectedSeq} is missing (next is ${e.seq})` };
      }
      if (e.prev !== prev) {
        return { ok: false, count, brokenAt: e.seq, reason: 'prev-mismatch', message: `event ${e.seq} does not point at the hash of event ${e.seq - 1}` };
      }
      const { hash, ...rest } = e;
      if (eventHash(rest) !== hash) {
        return { ok: false, count, brokenAt: e.seq, reason: 'hash-mismatch', message: `event ${e.seq} was changed after it was written` };
      }
      const anchored = wanted.get(e.seq);
      if (anchored !== undefined && anchored !== hash) {
        return { ok: false, count, brokenAt: e.seq, reason: 'anchor-mismatch', message: `event ${e.seq} differs from the anchor recorded for it` };
      }
      prev = hash;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length < pageSize) {
      const beyond = anchors.filter((a) => a.seq > count).sort((a, b) => a.seq - b.seq)[0];
      if (beyond) {
        return { ok: false, count, brokenAt: count + 1, reason: 'truncated', message: `the chain ends at event ${count}, but an anchor names event ${beyond.seq}: events were removed` };
      }
      return { ok: true, count, head: prev, anchor: `${count}:${prev}` };
    }
  }
}
