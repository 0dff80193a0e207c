import type { User } from '../api/types.ts';

/** Long-term preservation (storage locations, audits, replica health): admins and archivists (policy storage:read). */
export function canSeeStorage(user: User | null): boolean {
  return user !== null && (user.role === 'admin' || user.role === 'archivist');
}
