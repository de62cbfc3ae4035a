import { useState, type DragEvent } from 'react';
import { CATALOG_GROUPS, type Catalog, type CatalogEntry } from './engine.js';

/** The drag payload: a catalog entry id. */
export const DRAG_TYPE = 'application/x-flowbook-node';

export function matchesSearch(entry: CatalogEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [entry.label, entry.type, entry.connector ?? '', entry.description].some((t) => t.toLowerCase().includes(q));
}

/** Operators and connectors by group, searchable; drag one onto the canvas, or double-click to add it. */
export function Palette({ catalog, onAdd, disabled }: { catalog: Catalog; onAdd(entry: CatalogEntry): void; disabled: boolean }) {
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
        if (entries.length === 0) return null;
        const open = searching || !closed.has(g.id);
        return (
          <section key={g.id} className="pl-palette-group">
            <button
              className="pl-palette-heading"
              aria-expanded={open}
              onClick={() => setClosed((s) => (s.has(g.id) ? new Set([...s].filter((x) => x !== g.id)) : new Set([...s, g.id])))}
            >
              {open ? '▾' : '▸'} {g.label} <span className="muted">{entries.length}</span>
            </button>
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
