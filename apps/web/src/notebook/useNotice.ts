import { useEffect, useState } from 'react';

/** How long a notice stays up. */
export const NOTICE_MS = 6000;

/** A short message the page shows for a few seconds (e.g. why a command did nothing). */
export function useNotice(): [string | undefined, (notice: string | undefined) => void] {
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(undefined), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);
  return [notice, setNotice];
}
