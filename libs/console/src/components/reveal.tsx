import { useEffect, useRef, type ReactNode } from 'react';

/**
 * What must be seen once it appears (a secret shown once, a new robot): scrolled into view when it
 * mounts, since the button that made it is often far below it.
 */
export function Reveal({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  // In braces: Chromium's scrollIntoView answers a promise, which React would take for a cleanup.
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, []);
  return <div ref={ref}>{children}</div>;
}
