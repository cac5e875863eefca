import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
}

/** The plain GET, one function for every render (a loader is a dependency of the load). */
function getJson<T>(path: string): Promise<T> {
  return api<T>('GET', path);
}

/**
 * A GET of the API, loaded on mount and when `path` changes; `everyMs` polls it (for a run in
 * flight). `load` reads it otherwise (every page of a paged list, say); it must not change between renders.
 */
export function useApi<T>(path: string | null, everyMs?: number, load: (path: string) => Promise<T> = getJson): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      const value = await load(path);
      if (current.current === path) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (current.current === path) setError(e);
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path, load]);
  useEffect(() => {
    setLoading(true);
    setData(undefined);
    void reload();
  }, [reload]);
  useEffect(() => {
    if (!everyMs) return;
    const timer = setInterval(() => void reload(), everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, error, loading, reload };
}
