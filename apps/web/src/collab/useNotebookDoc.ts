import { useEffect, useState } from 'react';
import { getSocket } from '../api/socket.js';
import { NotebookDocClient } from './NotebookDocClient.js';
import { announceUser, attachCursorStyles } from './cursorStyles.js';

/** One document client per open notebook, shared by the page's hooks and editors; gone when the last one lets go. */
const clients = new Map<string, { client: NotebookDocClient; users: number; detach: () => void }>();

export function acquireNotebookDoc(name: string): NotebookDocClient {
  let e = clients.get(name);
  if (!e) {
    const client = new NotebookDocClient(name, getSocket());
    clients.set(name, (e = { client, users: 0, detach: attachCursorStyles(client) }));
    void announceUser(client);
  }
  e.users++;
  return e.client;
}

export function releaseNotebookDoc(name: string): void {
  const e = clients.get(name);
  if (!e || --e.users > 0) return;
  clients.delete(name);
  e.detach();
  e.client.destroy();
}

/** The notebook's document client, while this component is mounted (undefined on the first render). */
export function useNotebookDoc(name: string): NotebookDocClient | undefined {
  const [client, setClient] = useState<NotebookDocClient>();
  useEffect(() => {
    const c = acquireNotebookDoc(name);
    setClient(c);
    return () => {
      setClient(undefined);
      releaseNotebookDoc(name);
    };
  }, [name]);
  return client;
}

/** Cells whose source an editor is bound to (y-monaco writes their text; the page must not write it again). */
export const boundSources = new Map<string, Set<string>>();
export function boundOf(name: string): Set<string> {
  let s = boundSources.get(name);
  if (!s) boundSources.set(name, (s = new Set()));
  return s;
}
