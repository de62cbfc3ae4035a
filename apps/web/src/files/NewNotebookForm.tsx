import { useState } from 'react';
import { ErrorLine } from './Modal.js';
import { joinName, nameProblem, normalizeFolder } from './names.js';

interface Props {
  folders: string[];
  initialFolder: string;
  onCreate(name: string, title: string | undefined): Promise<void>;
  onCancel(): void;
}

/** "New notebook": an optional folder (existing ones suggested), a name, an optional title. */
export function NewNotebookForm({ folders, initialFolder, onCreate, onCancel }: Props) {
  const [folder, setFolder] = useState(initialFolder);
  const [base, setBase] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const name = joinName(normalizeFolder(folder), base.trim());
  const problem = base.trim() === '' ? undefined : nameProblem(name);

  return (
    <form
      className="file-panel"
      data-testid="new-notebook-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!base.trim() || problem || busy) return;
        setBusy(true);
        setError(undefined);
        onCreate(name, title.trim() || undefined).catch((err: Error) => {
          setError(err.message);
          setBusy(false);
        });
      }}
    >
      <h2>New notebook</h2>
      <div className="file-fields">
        <label>
          <span>
            Folder <span className="muted">(optional; a/b for sub-folders)</span>
          </span>
          <input data-testid="new-folder" list="notebook-folders" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="top level" />
        </label>
        <label>
          Name
          <input data-testid="new-name" value={base} onChange={(e) => setBase(e.target.value)} placeholder="e.g. sales-report" autoFocus required />
        </label>
        <label>
          <span>
            Title <span className="muted">(optional)</span>
          </span>
          <input data-testid="new-title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder={base.trim() || 'Sales report'} />
        </label>
      </div>
      <datalist id="notebook-folders">
        {folders.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <div className="file-form-row">
        {problem ? (
          <span className="file-hint" data-testid="new-problem">
            {problem}
          </span>
        ) : (
          base.trim() && (
            <span className="muted">
              Creates <code>{name}.flowbook.json</code>
            </span>
          )
        )}
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="run" data-testid="new-create" disabled={!base.trim() || problem !== undefined || busy}>
          Create and open
        </button>
      </div>
      <ErrorLine error={error} testId="new-error" />
    </form>
  );
}
