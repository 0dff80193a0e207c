import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/types.ts';

export interface PagedList<T> {
  items: T[];
  next: string | null;
  loading: boolean;
  error: unknown;
  loadMore: () => void;
  /** Fetches the first page again, keeping the rows on screen until it arrives (drops further pages). */
  reload: () => void;
}

/**
 * Keyset paging with a "load more" button: the first page loads when `key` changes, each
 * further page is fetched with the previous answer's `next` cursor and appended.
 */
export function usePagedList<T>(fetchPage: (after: string | null) => Promise<Page<T>>, key: string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((after: string | null, append: boolean) => {
    const gen = generation.current;
    setLoading(true);
    setError(null);
    fetchRef.current(after).then(
      (page) => {
        if (gen !== generation.current) return;
        setItems((prev) => (append ? [...prev, ...page.items] : page.items));
        setNext(page.next);
        setLoading(false);
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    generation.current += 1;
    setItems([]);
    setNext(null);
    load(null, false);
  }, [key, load]);

  const loadMore = useCallback(() => {
    if (next && !loading) load(next, true);
  }, [next, loading, load]);

  const reload = useCallback(() => {
    generation.current += 1;
    load(null, false);
  }, [load]);

  return { items, next, loading, error, loadMore, reload };
}
