import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { clearRepositoryCache } from '../api/repositoryCache.ts';

export interface Auth {
  /** false until GET /api/auth/me has answered */
  ready: boolean;
  /** null = anonymous (a guest browsing open records) */
  user: User | null;
  login: (username: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
}

export const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [user, setUser] = useState<User | null>(null);

  useEffect(() => {
    let live = true;
    api
      .me()
      .then((res) => {
        if (live) setUser(res.user);
      })
      .catch(() => {
        if (live) setUser(null);
      })
      .finally(() => {
        if (live) setReady(true);
      });
    return () => {
      live = false;
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api.login(username, password);
    clearRepositoryCache();
    setUser(res.user);
    return res.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      clearRepositoryCache();
      setUser(null);
    }
  }, []);

  const value = useMemo<Auth>(() => ({ ready, user, login, logout }), [ready, user, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
