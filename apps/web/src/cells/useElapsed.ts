import { useEffect, useState } from 'react';

/** Milliseconds since `start`, ticking while `running`. */
export function useElapsed(start: number | undefined, end: number | undefined, running: boolean): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [running]);
  if (start === undefined) return undefined;
  return (end ?? (running ? now : Date.now())) - start;
}
