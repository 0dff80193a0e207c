import type { Actor, Role } from './actor.ts';

const roleIn = (...roles: Role[]) => (a: Actor) => a.kind === 'system' || (a.kind === 'user' && roles.includes(a.role));

/**
 * Who may call which route, in one readable place. Every route names one of these (a route without
 * one is refused when the server starts). Row-level tenant and classification filtering happens in
 * the query layer on top of this.
 */
export const POLICIES = {
  /** anyone, including the anonymous public (login, health, API description) */
  public: () => true,
  /** anyone; what they see is cut down by their read scope inside the query */
  'catalog:read': () => true,
  'catalog:write': roleIn('admin', 'archivist'),
  /** any signed-in user acting on their own account (tokens, logout) */
  'self': (a: Actor) => a.kind === 'user',
  'users:manage': roleIn('admin'),
  'audit:read': roleIn('admin', 'archivist'),
  'jobs:run': roleIn('admin', 'archivist'),
  /** submit records of a project: its invited units, and the archive's own staff */
  'submission:create': roleIn('admin', 'archivist', 'submitter'),
  /** storage locations, replica health, audits and repairs */
  'storage:read': roleIn('admin', 'archivist'),
  'storage:run': roleIn('admin', 'archivist'),
  /** check runs and reports: the archive's staff who review, and units for their own submissions (filtered in the handler) */
  'checks:read': roleIn('admin', 'archivist', 'reviewer', 'submitter'),
  /** run checks, close manual tasks, edit check schemes */
  'checks:run': roleIn('admin', 'archivist'),
} as const satisfies Record<string, (a: Actor) => boolean>;

export type Policy = keyof typeof POLICIES;

export const isPolicy = (p: unknown): p is Policy => typeof p === 'string' && Object.hasOwn(POLICIES, p);

export function allows(policy: Policy, actor: Actor): boolean {
  return POLICIES[policy](actor);
}
