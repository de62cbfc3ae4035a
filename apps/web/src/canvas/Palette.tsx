import { useState, type DragEvent } from 'react';
import { CATALOG_GROUPS, type Catalog, type CatalogEntry } from './engine.js';

/** The drag payload: a catalog entry id. */
export const DRAG_TYPE = 'application/x-flowbook-node';

export function matchesSearch(entry: CatalogEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [entry.label, entry.type, entry.connector ?? '', entry.description].some((t) => t.toLowerCase().includes(q));
}

/** keyBy is no node but a setting of the edge into a keyed operator: the palette finds it all the same. */
const KEY_BY = { label: 'Key by', words: ['key by', 'keyby', 'partition by key', 'hash', 'group by'], description: 'keyBy: partition the stream by a key before a keyed operator (window, reduce, process). Select the edge or the operator, then click.' };
export function matchesKeyBy(query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || KEY_BY.words.some((w) => w.includes(q) || q.includes(w)) || KEY_BY.description.toLowerCase().includes(q);
}

/** Operators and connectors by group, searchable; drag one onto the canvas, or double-click to add it. */
export function Palette({ catalog, onAdd, onKeyBy, disabled }: { catalog: Catalog; onAdd(entry: CatalogEntry): void; onKeyBy(): void; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const onDragStart = (e: DragEvent, entry: CatalogEntry) => {
    e.dataTransfer.setData(DRAG_TYPE, entry.id);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const searching = query.trim() !== '';
  return (
    <aside className="pl-palette" data-testid="pl-palette">
      <input className="pl-search" type="search" placeholder="Search operators…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="pl-palette-search" />
      {CATALOG_GROUPS.map((g) => {
        const entries = catalog.entries.filter((e) => e.group === g.id && matchesSearch(e, query));
        const keyBy = g.id === 'keyed and windows' && matchesKeyBy(query);
        if (entries.length === 0 && !keyBy) return null;
        const open = searching || !closed.has(g.id);
        return (
          <section key={g.id} className="pl-palette-group">
            <button
              className="pl-palette-heading"
              aria-expanded={open}
              onClick={() => setClosed((s) => (s.has(g.id) ? new Set([...s].filter((x) => x !== g.id)) : new Set([...s, g.id])))}
            >
              {open ? '▾' : '▸'} {g.label} <span className="muted">{entries.length + (keyBy ? 1 : 0)}</span>
            </button>
            {open && keyBy && (
              <div
                className="pl-palette-item pl-group-keyed-and-windows pl-palette-keyby"
                role="button"
                tabIndex={0}
                onClick={() => !disabled && onKeyBy()}
                onKeyDown={(e) => e.key === 'Enter' && !disabled && onKeyBy()}
                title={KEY_BY.description}
                data-testid="pl-palette-keyBy"
              >
                <span className="pl-palette-label">{KEY_BY.label}</span>
                <span className="pl-palette-desc">keyBy on the selected edge</span>
              </div>
            )}
            {open &&
              entries.map((entry) => (
                <div
                  key={entry.id}
                  className={`pl-palette-item pl-group-${entry.group.replace(/\W+/g, '-')}`}
                  draggable={!disabled}
                  onDragStart={(e) => onDragStart(e, entry)}
                  onDoubleClick={() => !disabled && onAdd(entry)}
                  title={`${entry.description}${disabled ? '' : '\nDrag onto the canvas, or double-click to add'}`}
                  data-testid={`pl-palette-${entry.id}`}
                >
                  <span className="pl-palette-label">{entry.label}</span>
                  <span className="pl-palette-desc">{entry.description}</span>
                </div>
              ))}
          </section>
        );
      })}
    </aside>
  );
}
