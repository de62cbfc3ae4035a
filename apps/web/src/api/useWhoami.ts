import { useEffect, useState } from 'react';

export type Whoami = { role: 'owner' } | { role: 'user'; name: string } | { role: 'reader'; notebook: string; view: 'notebook' | 'dashboard' };

/** Who this browser is to the server: the owner, or a read-only viewer through a share link. */
export function useWhoami(): Whoami | undefined {
  const [me, setMe] = useState<Whoami>();
  useEffect(() => {
    fetch('/api/whoami', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : undefined))
      .then(setMe, () => setMe(undefined));
  }, []);
  return me;
}
