import * as Y from 'yjs';
import type { Cell, Notebook } from './notebook.js';
import type { PipelineGraph } from './graph.js';

/**
 * A notebook as a Yjs document, the shared state of co-editing (server and every browser on the notebook hold one).
 *
 *   meta   Y.Map   title, description, params, paramValues, dashboard, version (plain JSON values, last writer wins)
 *   cellMap   Y.Map id → Y.Map per cell: id, type, title, charts… as JSON values; `source` a Y.Text (merged by
 *             character); `graph` a Y.Map: `meta` (version, name, config), `nodes` (Y.Map id → node), `nodeOrder`,
 *             `edges` (Y.Map key → edge), `edgeOrder`, so two people moving different nodes both keep their move.
 *   order     Y.Array of cell ids: the cells' order, apart from their content, so moving a cell moves only its id
 *             and someone typing in it meanwhile keeps their text.
 *   cells     (older documents) Y.Array of the cells' Y.Maps; `migrateDoc` moves them into `cellMap` and `order`.
 *
 * `applyNotebook` writes a whole Notebook into the doc as the smallest set of changes (what the page's cell operations,
 * a REST PUT or a file changed on disk produce); `docToNotebook` reads it back. Neither validates: the server checks the
 * result with the notebook schema when it saves the file.
 */

export const CELL_MAP = 'cellMap';
export const ORDER = 'order';
/** Where older documents kept their cells (content and order in one array: a move recreated the cell). */
export const LEGACY_CELLS = 'cells';
export const META = 'meta';

type Json = unknown;
const same = (a: Json, b: Json) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function cellMapOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(CELL_MAP);
}
export function orderOf(doc: Y.Doc): Y.Array<string> {
  return doc.getArray<string>(ORDER);
}
export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META);
}

/**
 * The ids in `order` that have a cell, each once (two people moving one cell at once leave it in two places: the first
 * counts), then cells missing from it (not expected; kept rather than hidden) in a stable order.
 */
export function cellIds(doc: Y.Doc): string[] {
  const map = cellMapOf(doc);
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const id of orderOf(doc)) {
    if (seen.has(id) || !map.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  if (ids.length < map.size) ids.push(...[...map.keys()].filter((id) => !seen.has(id)).sort());
  return ids;
}

/** The cells' Y.Maps in order. */
export function cellsOf(doc: Y.Doc): Y.Map<unknown>[] {
  const map = cellMapOf(doc);
  return cellIds(doc).map((id) => map.get(id)!);
}

function graphOf(g: Y.Map<unknown>): PipelineGraph {
  const nodes = g.get('nodes') as Y.Map<unknown> | undefined;
  const edges = g.get('edges') as Y.Map<unknown> | undefined;
  const ordered = <T>(m: Y.Map<unknown> | undefined, order: unknown): T[] => {
    if (!m) return [];
    const keys = Array.isArray(order) ? (order as string[]).filter((k) => m.has(k)) : [];
    // Keys added concurrently by someone whose order list lost (last writer wins) still appear, in a stable order.
    const rest = [...m.keys()].filter((k) => !keys.includes(k)).sort();
    return [...keys, ...rest].map((k) => m.get(k) as T);
  };
  return {
    ...(g.get('meta') as object),
    nodes: ordered(nodes, g.get('nodeOrder')),
    edges: ordered(edges, g.get('edgeOrder')),
  } as PipelineGraph;
}

export function cellOf(m: Y.Map<unknown>): Cell {
  const out: Record<string, unknown> = {};
  for (const [k, v] of m.entries()) {
    if (v instanceof Y.Text) out[k] = v.toString();
    else if (k === 'graph' && v instanceof Y.Map) out[k] = graphOf(v);
    else out[k] = v;
  }
  return out as Cell;
}

export function docToNotebook(doc: Y.Doc): Notebook {
  const meta = metaOf(doc).toJSON() as Omit<Notebook, 'cells'>;
  return { ...meta, cells: cellsOf(doc).map(cellOf) } as Notebook;
}

/** Turns `text` into `next` by one splice between their common prefix and suffix (concurrent typing elsewhere is kept). */
export function spliceText(text: Y.Text, next: string): void {
  const cur = text.toString();
  if (cur === next) return;
  let start = 0;
  const max = Math.min(cur.length, next.length);
  while (start < max && cur.charCodeAt(start) === next.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && cur.charCodeAt(cur.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(cur.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(cur.charCodeAt(cur.length - end))) end--;
  const removed = cur.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted) text.insert(start, inserted);
}
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

export const edgeKey = (e: PipelineGraph['edges'][number]) => `${e.source}>${e.target}:${e.targetInput ?? 0}:${e.sideOutput ?? ''}`;

function setJson(m: Y.Map<unknown>, key: string, value: Json): void {
  if (value === undefined) {
    if (m.has(key)) m.delete(key);
  } else if (!m.has(key) || !same(m.get(key), value)) m.set(key, value);
}

/** Makes the keyed entries of `m` equal `items` (keyed by `keyOf`), changing only the entries that differ. */
function syncKeyed<T>(m: Y.Map<unknown>, items: readonly T[], keyOf: (t: T) => string): string[] {
  const keys = items.map(keyOf);
  const wanted = new Set(keys);
  for (const k of [...m.keys()]) if (!wanted.has(k)) m.delete(k);
  items.forEach((item, i) => setJson(m, keys[i]!, item));
  return keys;
}

function writeGraph(g: Y.Map<unknown>, graph: PipelineGraph): void {
  const { nodes, edges, ...meta } = graph;
  setJson(g, 'meta', meta);
  let ns = g.get('nodes');
  if (!(ns instanceof Y.Map)) g.set('nodes', (ns = new Y.Map()));
  setJson(g, 'nodeOrder', syncKeyed(ns as Y.Map<unknown>, nodes, (n) => n.id));
  let es = g.get('edges');
  if (!(es instanceof Y.Map)) g.set('edges', (es = new Y.Map()));
  setJson(g, 'edgeOrder', syncKeyed(es as Y.Map<unknown>, edges, edgeKey));
}

export interface ApplyOptions {
  /** Write cells' `outputs` too (the server's, from the file); clients leave them as they are. */
  outputs?: boolean;
  /** Cells whose source is bound to an editor (y-monaco writes it): their `source` here is not written again. */
  keepSource?: ReadonlySet<string>;
}

function writeCell(m: Y.Map<unknown>, cell: Cell, opts: ApplyOptions): void {
  const c = cell as Record<string, unknown>;
  for (const k of [...m.keys()]) {
    if (k === 'outputs' && !opts.outputs) continue;
    if (!(k in c) || c[k] === undefined) m.delete(k);
  }
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined || (k === 'outputs' && !opts.outputs)) continue;
    if (k === 'source' && typeof v === 'string') {
      if (opts.keepSource?.has(cell.id) && m.get(k) instanceof Y.Text) continue;
      let t = m.get(k);
      if (!(t instanceof Y.Text)) m.set(k, (t = new Y.Text()));
      spliceText(t as Y.Text, v);
    } else if (k === 'graph' && typeof v === 'object' && v !== null) {
      let g = m.get(k);
      if (!(g instanceof Y.Map)) m.set(k, (g = new Y.Map()));
      writeGraph(g as Y.Map<unknown>, v as PipelineGraph);
    } else setJson(m, k, v);
  }
}

/**
 * Writes `nb` into `doc` as the smallest change: cells matched by id (deleted, added), then field by field, source text
 * by one splice; the order as the fewest moves of ids in `order` (a moved cell keeps its content and anyone's typing in
 * it). Older documents are migrated first.
 */
export function applyNotebook(doc: Y.Doc, nb: Notebook, origin: unknown = null, opts: ApplyOptions = {}): void {
  doc.transact(() => {
    migrateDoc(doc);
    const meta = metaOf(doc);
    const { cells: target, ...rest } = nb;
    for (const k of [...meta.keys()]) if (!(k in rest) || (rest as Record<string, unknown>)[k] === undefined) meta.delete(k);
    for (const [k, v] of Object.entries(rest)) setJson(meta, k, v);

    const map = cellMapOf(doc);
    const wanted = new Set(target.map((c) => c.id));
    for (const id of [...map.keys()]) if (!wanted.has(id)) map.delete(id);
    for (const cell of target) {
      let m = map.get(cell.id);
      // A Y type is filled once it is in the document, so it can be read.
      if (!(m instanceof Y.Map)) map.set(cell.id, (m = new Y.Map()));
      writeCell(m, cell, opts);
    }
    writeOrder(orderOf(doc), target.map((c) => c.id));
  }, origin);
}

/** Makes `order` equal `ids`: entries not wanted (deleted cells, duplicates) go, then ids move or come in one by one. */
function writeOrder(order: Y.Array<string>, ids: readonly string[]): void {
  const wanted = new Set(ids);
  const seen = new Set<string>();
  const drop: number[] = [];
  order.toArray().forEach((id, i) => {
    if (!wanted.has(id) || seen.has(id)) drop.push(i);
    seen.add(id);
  });
  for (const i of drop.reverse()) order.delete(i, 1);
  ids.forEach((id, i) => {
    if (i < order.length && order.get(i) === id) return;
    const arr = order.toArray();
    const j = arr.indexOf(id, i + 1);
    if (j >= 0) order.delete(j, 1);
    order.insert(i, [id]);
  });
  if (order.length > ids.length) order.delete(ids.length, order.length - ids.length);
}

/**
 * Moves an older document's cells (one Y.Array of Y.Maps) into `cellMap` and `order`, then empties the old array, in
 * one transaction: everyone holding the document gets the same move. A Y type cannot change parents, so each cell is
 * copied (its text as one insert: its history of characters starts again, which only matters to an edit made
 * concurrently by a client of the old layout). Returns whether there was anything to move.
 */
export function migrateDoc(doc: Y.Doc, origin: unknown = null): boolean {
  const legacy = doc.getArray<Y.Map<unknown>>(LEGACY_CELLS);
  if (legacy.length === 0) return false;
  doc.transact(() => {
    const map = cellMapOf(doc);
    const order = orderOf(doc);
    const have = new Set(order.toArray());
    for (const old of legacy.toArray()) {
      if (!(old instanceof Y.Map)) continue;
      const cell = cellOf(old);
      if (typeof cell.id !== 'string' || map.has(cell.id)) continue;
      const m = new Y.Map<unknown>();
      map.set(cell.id, m);
      writeCell(m, cell, { outputs: true });
      if (!have.has(cell.id)) order.push([cell.id]);
      have.add(cell.id);
    }
    legacy.delete(0, legacy.length);
  }, origin);
  return true;
}

/** A new document holding `nb` (outputs included). */
export function notebookToDoc(nb: Notebook, doc = new Y.Doc()): Y.Doc {
  applyNotebook(doc, nb, null, { outputs: true });
  return doc;
}
