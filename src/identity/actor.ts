/** Who is asking. Every route resolves one; every catalog query is filtered by the scope derived from it. */
export const ROLES = ['admin', 'archivist', 'reviewer', 'submitter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const CLASSIFICATIONS = ['none', 'internal', 'confidential', 'secret'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export type UserActor = {
  kind: 'user';
  id: string;
  username: string;
  displayName: string;
  role: Role;
  repository: { id: string; code: string; name: string };
  /** Own repository plus, for staff of a city archive, its county archives (一体化: shared reading). */
  readRepositoryIds: string[];
  /** A submitter sees only the projects it is invited to; null for every other role. */
  projectIds: string[] | null;
  /** How this request authenticated: a browser session or an API token (tokens cannot mint tokens). */
  via: 'session' | 'token';
};
export type Actor = { kind: 'public' } | UserActor | { kind: 'system'; name: string };

export const PUBLIC: Actor = { kind: 'public' };

/** Highest 密级 each role may see by default (GB/T 50328 volumes carry one). */
const CLEARANCE: Record<Role, Classification> = {
  admin: 'secret',
  archivist: 'secret',
  reviewer: 'confidential',
  viewer: 'internal',
  submitter: 'internal',
};

export type ReadScope = {
  /** 'any' only for the anonymous public, who in turn see open volumes only. */
  repositoryIds: string[] | 'any';
  openOnly: boolean;
  projectIds: string[] | null;
  classifications: Classification[];
};

export function readScope(actor: Actor): ReadScope {
  if (actor.kind === 'system') {
    return { repositoryIds: 'any', openOnly: false, projectIds: null, classifications: [...CLASSIFICATIONS] };
  }
  if (actor.kind === 'public') {
    return { repositoryIds: 'any', openOnly: true, projectIds: null, classifications: ['none'] };
  }
  const max = CLASSIFICATIONS.indexOf(CLEARANCE[actor.role]);
  return {
    repositoryIds: actor.role === 'submitter' ? [actor.repository.id] : actor.readRepositoryIds,
    openOnly: false,
    projectIds: actor.role === 'submitter' ? (actor.projectIds ?? []) : null,
    classifications: CLASSIFICATIONS.slice(0, max + 1),
  };
}

/** Catalog writes: admins and archivists, in their own repository only (never a county's or the city's). */
export function canWriteCatalog(actor: Actor, repositoryId: string): boolean {
  if (actor.kind === 'system') return true;
  return actor.kind === 'user' && (actor.role === 'admin' || actor.role === 'archivist') && actor.repository.id === repositoryId;
}

export function actorName(actor: Actor): string {
  if (actor.kind === 'user') return `user:${actor.username}`;
  if (actor.kind === 'system') return `system:${actor.name}`;
  return 'public';
}
