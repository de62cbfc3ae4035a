import { useRef, useState } from 'react';
import type { ImportReport } from '@flowbook/protocol';
import { importNotebookFile } from '../api/rest.js';
import { ErrorLine } from './Modal.js';
import { IMPORT_ACCEPT, importName, joinName, nameProblem, normalizeFolder } from './names.js';

/** The server's JSON body limit (express.json in http/app.ts). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export type ImportResult = { source: string; ok: true; name: string; cells: number; report: ImportReport } | { source: string; ok: false; error: string };

interface Props {
  folders: string[];
  initialFolder: string;
  /** Called after each batch with what was imported (the list reloads). */
  onImported(results: ImportResult[]): void;
  onOpen(name: string): void;
  onCancel(): void;
}

/** Sends one file's text; any failure comes back as a message that names the file. */
async function importOne(source: string, content: string, name: string): Promise<ImportResult> {
  const problem = nameProblem(name);
  if (problem) return { source, ok: false, error: `${source}: cannot be named "${name}": ${problem}` };
  const size = new TextEncoder().encode(JSON.stringify({ filename: source, content, name })).length;
  if (size > MAX_BODY_BYTES) return { source, ok: false, error: `${source}: too large to import (${(size / 1048576).toFixed(1)} MB; at most 5 MB)` };
  try {
    const r = await importNotebookFile(source, content, name);
    return { source, ok: true, name: r.name, cells: r.cells, report: r.report };
  } catch (e) {
    const message = (e as Error).message;
    // The server names the file in format errors; say which file for the others (name taken, refused…).
    return { source, ok: false, error: message.startsWith(`${source}:`) ? message : `${source}: ${message}` };
  }
}

/** Import notebooks: upload .flowbook.json, Zeppelin .zpln or Jupyter .ipynb files, or paste a file's JSON. */
export function ImportPanel({ folders, initialFolder, onImported, onOpen, onCancel }: Props) {
  const [tab, setTab] = useState<'upload' | 'paste'>('upload');
  const [folder, setFolder] = useState(initialFolder);
  const [files, setFiles] = useState<File[]>([]);
  const [text, setText] = useState('');
  const [pasteName, setPasteName] = useState('');
  const [results, setResults] = useState<ImportResult[]>([]);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const dir = normalizeFolder(folder);

  const run = async (jobs: (() => Promise<ImportResult>)[]) => {
    setBusy(true);
    setResults([]);
    const out: ImportResult[] = [];
    for (const job of jobs) out.push(await job()); // one at a time: results come back in the files' order
    setResults(out);
    setBusy(false);
    onImported(out);
  };

  const uploadAll = () =>
    run(
      files.map((f) => async () => {
        let content: string;
        try {
          content = await f.text();
        } catch (e) {
          return { source: f.name, ok: false, error: `${f.name}: could not be read: ${(e as Error).message}` };
        }
        return importOne(f.name, content, importName(f.name, dir));
      }),
    ).then(() => {
      setFiles([]);
      if (fileInput.current) fileInput.current.value = '';
    });

  const pasteTarget = joinName(dir, pasteName.trim());
  const pasteProblem = pasteName.trim() ? nameProblem(pasteTarget) : undefined;

  return (
    <section className="file-panel" data-testid="import-panel">
      <h2>Import notebooks</h2>
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'upload'} className={tab === 'upload' ? 'active' : undefined} data-testid="import-tab-upload" onClick={() => (setTab('upload'), setResults([]))}>
          Upload files
        </button>
        <button role="tab" aria-selected={tab === 'paste'} className={tab === 'paste' ? 'active' : undefined} data-testid="import-tab-paste" onClick={() => (setTab('paste'), setResults([]))}>
          Paste JSON
        </button>
      </div>
      <div className="file-fields">
        <label>
          <span>
            Into folder <span className="muted">(optional)</span>
          </span>
          <input data-testid="import-folder" list="import-folders" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="top level" />
        </label>
        <datalist id="import-folders">
          {folders.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
      </div>
      {tab === 'upload' ? (
        <div className="file-import-body">
          <label className="file-drop">
            <input ref={fileInput} type="file" multiple accept={IMPORT_ACCEPT} data-testid="import-files" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
            <span className="muted">Flowbook (.flowbook.json), Zeppelin (.zpln, note.json) or Jupyter (.ipynb) files</span>
          </label>
          {files.length > 0 && (
            <ul className="import-preview">
              {files.map((f, i) => (
                <li key={i}>
                  <code>{f.name}</code> → <code>{importName(f.name, dir)}</code>
                </li>
              ))}
            </ul>
          )}
          <div className="file-form-row">
            <span className="spacer" />
            <button type="button" onClick={onCancel}>
              Close
            </button>
            <button className="run" data-testid="import-upload" disabled={files.length === 0 || busy} onClick={() => void uploadAll()}>
              Import {files.length > 1 ? `${files.length} files` : 'file'}
            </button>
          </div>
        </div>
      ) : (
        <form
          className="file-import-body"
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim() || !pasteName.trim() || pasteProblem || busy) return;
            // No file name: the server tells Flowbook, Zeppelin and Jupyter JSON apart by their content.
            void run([() => importOne('pasted JSON', text, pasteTarget)]);
          }}
        >
          <textarea
            data-testid="import-text"
            className="paste-area"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder='{"version": 1, "title": "…", "cells": [...]}  or a Zeppelin note, or a Jupyter notebook'
            spellCheck={false}
          />
          <div className="file-form-row">
            <label className="inline-field">
              Name
              <input data-testid="import-name" value={pasteName} onChange={(e) => setPasteName(e.target.value)} placeholder="e.g. pasted-notebook" />
            </label>
            {pasteProblem ? (
              <span className="file-hint">{pasteProblem}</span>
            ) : (
              pasteName.trim() && (
                <span className="muted">
                  Creates <code>{pasteTarget}.flowbook.json</code>
                </span>
              )
            )}
            <span className="spacer" />
            <button type="button" onClick={onCancel}>
              Close
            </button>
            <button type="submit" className="run" data-testid="import-paste" disabled={!text.trim() || !pasteName.trim() || pasteProblem !== undefined || busy}>
              Import
            </button>
          </div>
        </form>
      )}
      {results.length > 0 && (
        <ul className="import-results" data-testid="import-results">
          {results.map((r, i) =>
            r.ok ? (
              <li key={i} className="ok" data-testid="import-ok">
                ✓ <code>{r.source}</code> → {r.name} ({r.cells} cell{r.cells === 1 ? '' : 's'}){' '}
                <button className="link-button" data-testid="import-open" onClick={() => onOpen(r.name)}>
                  Open
                </button>
                <ImportReportView report={r.report} />
              </li>
            ) : (
              <li key={i}>
                <ErrorLine error={r.error} testId="import-error" />
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}

const KIND_LABEL = { converted: 'converted', 'needs-porting': 'needs porting', dropped: 'left out' } as const;

/** What an import made of a Zeppelin or Jupyter file: counts, and each cell's line, those needing attention first. */
function ImportReportView({ report }: { report: ImportReport }) {
  if (report.entries.length === 0) return null;
  const count = (k: keyof typeof KIND_LABEL) => report.entries.filter((e) => e.kind === k).length;
  const order = { dropped: 0, 'needs-porting': 1, converted: 2 } as const;
  const entries = [...report.entries].sort((a, b) => order[a.kind] - order[b.kind]);
  return (
    <details className="import-report" data-testid="import-report">
      <summary>
        {(Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[])
          .filter((k) => count(k) > 0)
          .map((k) => `${count(k)} ${KIND_LABEL[k]}`)
          .join(' · ')}
      </summary>
      <ul>
        {entries.map((e, i) => (
          <li key={i} className={`import-report-${e.kind}`}>
            <span className="muted">{KIND_LABEL[e.kind]}:</span> {e.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
