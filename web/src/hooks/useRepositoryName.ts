import { findRepository } from '../api/repositoryCache.ts';
import { useAsync } from './useAsync.ts';

/** A repository's name for breadcrumbs (null while unknown). */
export function useRepositoryName(id: string | undefined): string | null {
  const state = useAsync(() => (id ? findRepository(id) : Promise.resolve(null)), id ?? '');
  return state.data?.name ?? null;
}
