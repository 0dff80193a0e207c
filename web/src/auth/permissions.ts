import type { User } from '../api/types.ts';

/** Long-term preservation (storage locations, audits, replica health): admins and archivists (policy storage:read). */
export function canSeeStorage(user: User | null): boolean {
  return user !== null && (user.role === 'admin' || user.role === 'archivist');
}

/** 归档接收 (resumable uploads, policy submission:create): submitters, admins and archivists. */
export function canUpload(user: User | null): boolean {
  return user !== null && (user.role === 'submitter' || user.role === 'admin' || user.role === 'archivist');
}

/**
 * May upload into a project of `repositoryId`: a submitter to the projects it sees (it only sees those it
 * is invited to), an admin or archivist to its own repository's projects.
 */
export function canSubmitTo(user: User | null, repositoryId: string): boolean {
  if (user === null) return false;
  if (user.role === 'submitter') return true;
  return (user.role === 'admin' || user.role === 'archivist') && user.repository.id === repositoryId;
}

/**
 * 四性检测 reports (policy checks:read, filtered by the server): the archive's staff, and a submitting unit
 * for its own submissions. Viewers do not see check runs.
 */
export function canSeeChecks(user: User | null): boolean {
  return user !== null && user.role !== 'viewer';
}

/** Runs checks and closes manual tasks (policy checks:run): admins and archivists of the run's repository. */
export function canRunChecks(user: User | null, repositoryId: string): boolean {
  return user !== null && (user.role === 'admin' || user.role === 'archivist') && user.repository.id === repositoryId;
}
