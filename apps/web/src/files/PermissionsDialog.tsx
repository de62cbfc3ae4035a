import { useEffect, useState } from 'react';
import { getNotebookRoles, setNotebookRoles, type NotebookRoles } from '../api/rest.js';
import type { Whoami } from '../api/useWhoami.js';
import { ErrorLine, Modal } from './Modal.js';
import { parseUserList } from './names.js';

type RoleKey = 'owners' | 'writers' | 'runners' | 'readers';
type Public = NotebookRoles['public'];
const ROLES: { key: RoleKey; label: string; what: string }[] = [
  { key: 'owners', label: 'Owners', what: 'everything, and manage roles and share links' },
  { key: 'writers', label: 'Writers', what: 'edit, save revisions, and run' },
  { key: 'runners', label: 'Runners', what: 'run the saved cells, not edit' },
  { key: 'readers', label: 'Readers', what: 'view only' },
];

const PUBLIC: { value: Public; label: string }[] = [
  { value: 'none', label: 'only the users named above' },
  { value: 'read', label: 'every logged-in user may view' },
  { value: 'run', label: 'every logged-in user may view and run its saved cells' },
];

/** Zeppelin's roles of one notebook, edited as lists of user names, and its public flag; its owners may change them. */
export function PermissionsDialog({ name, me, onClose }: { name: string; me: Whoami | undefined; onClose(): void }) {
  const [text, setText] = useState<Record<RoleKey, string>>();
  const [pub, setPub] = useState<Public>('none');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const show = (r: NotebookRoles) => {
    setText({ owners: r.owners.join(', '), writers: r.writers.join(', '), runners: r.runners.join(', '), readers: r.readers.join(', ') });
    setPub(r.public);
  };
  useEffect(() => {
    getNotebookRoles(name).then(show, (e: Error) => setError(e.message));
  }, [name]);

  const roles = text && ({ ...Object.fromEntries(ROLES.map(({ key }) => [key, parseUserList(text[key])])), public: pub } as NotebookRoles);
  // A logged-in user who leaves a non-empty owners list without their name can no longer come back here.
  const locksMeOut = me?.role === 'user' && roles !== undefined && roles.owners.length > 0 && !roles.owners.includes(me.name);

  const save = async () => {
    if (!roles) return;
    setBusy(true);
    setError(undefined);
    try {
      show(await setNotebookRoles(name, roles));
      setSaved(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Permissions" testId="permissions-dialog" onClose={onClose}>
      <p className="muted">User names, separated by commas. Each role includes the ones below it; an empty role means nobody but the owners. Whoever holds the server's token may always do everything.</p>
      <ErrorLine error={error} testId="permissions-error" />
      {!text && !error && <p className="muted">Loading…</p>}
      {text && (
        <form
          className="roles-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {ROLES.map(({ key, label, what }) => (
            <label key={key}>
              <span className="role-name">{label}</span>
              <input
                data-testid={`role-${key}`}
                value={text[key]}
                placeholder={key === 'owners' ? 'at least one owner' : 'nobody but the owners'}
                onChange={(e) => {
                  setSaved(false);
                  setText({ ...text, [key]: e.target.value });
                }}
              />
              <span className="muted">{what}</span>
            </label>
          ))}
          <label>
            <span className="role-name">Public</span>
            <select
              data-testid="role-public"
              value={pub}
              onChange={(e) => {
                setSaved(false);
                setPub(e.target.value as Public);
              }}
            >
              {PUBLIC.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
            <span className="muted">never editing: writers are named</span>
          </label>
          {locksMeOut && <p className="file-warning">You are not among the owners: after saving you can no longer change these roles.</p>}
          <div className="file-form-row">
            <span className="spacer" />
            {saved && (
              <span className="muted" data-testid="permissions-saved">
                Saved.
              </span>
            )}
            <button type="submit" className="run" data-testid="permissions-save" disabled={busy}>
              Save roles
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
