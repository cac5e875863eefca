import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, whenSignedOut } from './api';
import type { User } from './types';

interface Session {
  /** undefined while the console asks who is signed in; null: nobody. */
  user: User | null | undefined;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Asks again who is signed in (after an organization was created or deleted). */
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in: the API's `GET /user/` with the session cookie, asked once at start and after a sign-in. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const load = useCallback(async () => {
    try {
      setUser(await api<User>('GET', '/user/'));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setUser(null);
      else throw error;
    }
  }, []);
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    void load().catch(() => setUser(null));
  }, [load]);
  const signIn = useCallback(
    async (username: string, password: string) => {
      await api('POST', '/signin', { username, password });
      await load();
    },
    [load],
  );
  const signOut = useCallback(async () => {
    try {
      await api('POST', '/signout');
    } finally {
      setUser(null);
    }
  }, []);
  return <SessionContext.Provider value={{ user, signIn, signOut, reload: load }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
