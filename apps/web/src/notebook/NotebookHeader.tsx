import { NotebookMenu } from '../files/NotebookMenu.js';
import { DashboardLink } from '../dashboard/DashboardLink.js';
import { PresenceBar } from './PresenceBar.js';
import type { Access } from './access.js';
import type { SaveState } from './useNotebookFile.js';

/** The notebook's title line: its menu, dashboard link, save state (or why it is read-only) and who else is here. */
export function NotebookHeader({ name, title, access, saveState }: { name: string; title: string; access: Access & { known: boolean }; saveState: SaveState }) {
  return (
    <header className="notebook-header">
      <h1>{title}</h1>
      <NotebookMenu name={name} saved={saveState === 'saved'} />
      <DashboardLink name={name} />
      {access.write ? (
        <span className="muted save-state" data-testid="save-state">
          {saveState}
        </span>
      ) : (
        access.known && (
          <span className="read-only-badge" data-testid="read-only">
            {access.run ? 'run only' : 'read-only'}
          </span>
        )
      )}
      <PresenceBar notebook={name} />
    </header>
  );
}
