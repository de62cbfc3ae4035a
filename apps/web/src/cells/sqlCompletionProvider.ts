import type * as Monaco from 'monaco-editor';
import { SqlCatalogInfo } from '@flowbook/protocol';
import { notebookUrl } from '../api/rest.js';
import { sqlSuggestions, wordBefore, type SqlSuggestion } from './sqlCompletion.js';

/** The catalog of the notebook open on the page (one notebook page at a time), refreshed by its SQL cells. */
let current: SqlCatalogInfo = { tables: [], functions: [], connectorOptions: {} };
let registered = false;

/** Fetches the notebook's SQL catalog from the server (the engine's describeCatalog over its saved SQL cells). */
export async function refreshSqlCatalog(notebook: string): Promise<void> {
  const r = await fetch(`${notebookUrl(notebook)}/sql-catalog`, { credentials: 'same-origin' });
  if (r.ok) current = SqlCatalogInfo.parse(await r.json());
}

/** Registers SQL completion with Monaco once: every SQL cell's editor completes from the current catalog. */
export function registerSqlCompletion(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  const kinds: Record<SqlSuggestion['kind'], Monaco.languages.CompletionItemKind> = {
    table: monaco.languages.CompletionItemKind.Struct,
    column: monaco.languages.CompletionItemKind.Field,
    function: monaco.languages.CompletionItemKind.Function,
    option: monaco.languages.CompletionItemKind.Property,
    keyword: monaco.languages.CompletionItemKind.Keyword,
  };
  monaco.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['.', '(', ','],
    provideCompletionItems(model, position) {
      const offset = model.getOffsetAt(position);
      const text = model.getValue();
      const before = text.slice(0, offset);
      const word = wordBefore(before);
      const range = new monaco.Range(position.lineNumber, position.column - word.length, position.lineNumber, position.column);
      return {
        suggestions: sqlSuggestions(current, before, text).map((s, i) => ({
          label: s.label,
          insertText: s.insertText,
          kind: kinds[s.kind],
          range,
          sortText: String(i).padStart(4, '0'),
          ...(s.detail ? { detail: s.detail } : {}),
        })),
      };
    },
  });
}
