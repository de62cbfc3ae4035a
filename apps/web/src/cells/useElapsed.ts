import { useEffect, useState } from 'react';

/** Milliseconds from `start` to `end`, or to now, ticking while `running`. */
export function useElapsed(start: number | undefined, end: number | undefined, running: boolean): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [running]);
  if (start === undefined) return undefined;
  return Math.max(0, (end ?? now) - start);
}
