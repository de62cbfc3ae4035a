import { randomBytes } from 'node:crypto';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { applyNotebook, cellMapOf, docToNotebook, metaOf, migrateDoc, Notebook, notebookToDoc } from '@flowbook/protocol';
import type { NotebookStore } from '../notebooks/NotebookStore.js';

/** What a live notebook says to the sockets of its room; `except` is the socket the change came from. */
export type LiveEmit = (notebook: string, event: 'doc.update' | 'awareness.update' | 'doc.saved', payload: object, except?: string) => void;

export interface LiveOptions {
  /** Typing pauses this long before the file is written; a crash loses at most this much (the issue asks ≤ 1 s). */
  saveDelayMs?: number;
  /** How often the file is checked for changes made by others (git, an editor, the CLI). */
  watchIntervalMs?: number;
  /** A notebook nobody has open any more is written and unloaded after this long. */
  idleMs?: number;
  /**
   * Where each document's Yjs state is kept, written with its file: a document rebuilt from the file after a restart
   * would be new items to the browsers still holding the old ones, and merging the two would double every cell.
   */
  stateDir?: string;
}

/** Origins of document changes that did not come from a socket. */
export const FROM_FILE = 'file';
export const FROM_REST = 'rest';

interface Live {
  name: string;
  /** The merged document everyone edits. */
  doc: Y.Doc;
  /**
   * The document as the file was when last written or read: a file changed on disk is written into this one, and the
   * difference (that change alone, made against what it was based on) is merged into `doc`. A three-way merge by CRDT.
   */
  base: Y.Doc;
  awareness: Awareness;
  /** Awareness client ids of each socket, removed when the socket leaves. */
  clientsOf: Map<string, Set<number>>;
  sockets: Set<string>;
  timer: ReturnType<typeof setTimeout> | undefined;
  idle: ReturnType<typeof setTimeout> | undefined;
  /** Saves and merges from disk run one after another, never interleaved (one could otherwise undo the other). */
  queue: Promise<unknown>;
  dirty: boolean;
  stopWatching: () => void;
}

/**
 * One Yjs document per open notebook: the server merges everyone's updates into it and is the one writer of the
 * notebook's file (debounced, and on shutdown), through NotebookStore (atomic writes, server-owned outputs kept).
 */
export class LiveNotebooks {
  private readonly live = new Map<string, Promise<Live>>();
  private readonly loaded = new Map<string, Live>();
  private readonly saveDelayMs: number;
  private readonly watchIntervalMs: number;
  private readonly idleMs: number;

  constructor(
    private readonly store: NotebookStore,
    private readonly emit: LiveEmit,
    opts: LiveOptions = {},
  ) {
    this.saveDelayMs = opts.saveDelayMs ?? 300;
    this.watchIntervalMs = opts.watchIntervalMs ?? 500;
    this.idleMs = opts.idleMs ?? 10_000;
    this.stateDir = opts.stateDir;
  }
  private readonly stateDir: string | undefined;

  private stateFile(name: string): string | undefined {
    return this.stateDir && path.join(this.stateDir, encodeURIComponent(name) + '.yjs');
  }

  /** The live notebook, if someone has it open (what the file will say within a second). */
  current(name: string): Notebook | undefined {
    const l = this.loaded.get(name);
    return l ? docToNotebook(l.doc) : undefined;
  }

  isOpen(name: string): boolean {
    return this.loaded.has(name);
  }

  /** Opens (loads from the file) a notebook's document for a socket. */
  async open(name: string, socketId?: string): Promise<Live> {
    let p = this.live.get(name);
    if (!p) {
      p = this.load(name);
      this.live.set(name, p);
      p.catch(() => this.live.delete(name));
    }
    const l = await p;
    if (socketId) {
      l.sockets.add(socketId);
      clearTimeout(l.idle);
      l.idle = undefined;
    }
    return l;
  }

  private async load(name: string): Promise<Live> {
    const nb = await this.store.readFromDisk(name);
    const saved = this.stateFile(name);
    const state = saved ? await readFile(saved).catch(() => undefined) : undefined;
    let doc = new Y.Doc();
    try {
      if (state) Y.applyUpdate(doc, state);
    } catch (e) {
      console.error(`${saved}: ${(e as Error).message}; the notebook's document starts again from its file`);
      doc = new Y.Doc();
    }
    // State kept by an older version: cells in one array, moved into the map and order of today's layout.
    migrateDoc(doc);
    if (!state || cellMapOf(doc).size + metaOf(doc).size === 0) notebookToDoc(nb, doc);
    // The file as last written with this state: what the file says now beyond it (changed while the server was
    // stopped) merges in below, as any change on disk does.
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(doc));
    const awareness = new Awareness(doc);
    awareness.setLocalState(null); // the server has no cursor
    const l: Live = { name, doc, base, awareness, clientsOf: new Map(), sockets: new Set(), timer: undefined, idle: undefined, queue: Promise.resolve(), dirty: false, stopWatching: () => {} };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.emit(name, 'doc.update', { notebook: name, update }, typeof origin === 'string' && origin !== FROM_FILE && origin !== FROM_REST ? origin : undefined);
      // What came from the file is in the file already (outputs, or someone's edit there).
      if (origin !== FROM_FILE) this.schedule(l);
    });
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (typeof origin === 'string' && this.loaded.get(name) === l) {
        let ids = l.clientsOf.get(origin);
        if (!ids) l.clientsOf.set(origin, (ids = new Set()));
        for (const id of [...added, ...updated]) ids.add(id);
        for (const id of removed) ids.delete(id);
      }
      const changed = [...added, ...updated, ...removed];
      this.emit(name, 'awareness.update', { notebook: name, update: encodeAwarenessUpdate(awareness, changed) }, typeof origin === 'string' ? origin : undefined);
    });
    const file = this.store.pathOf(name);
    const onStat = (cur: Stats, prev: Stats) => {
      if (cur.mtimeMs !== prev.mtimeMs && cur.nlink > 0) this.enqueue(l, () => this.mergeFromDisk(l));
    };
    watchFile(file, { interval: this.watchIntervalMs, persistent: false }, onStat);
    l.stopWatching = () => unwatchFile(file, onStat);
    this.loaded.set(name, l);
    await this.mergeFromDisk(l, nb);
    return l;
  }

  /** State the client misses (from its state vector) and the server's state vector. */
  async sync(name: string, stateVector: Uint8Array, socketId: string): Promise<{ update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array }> {
    const l = await this.open(name, socketId);
    const states = [...l.awareness.getStates().keys()];
    return {
      update: Y.encodeStateAsUpdate(l.doc, stateVector),
      stateVector: Y.encodeStateVector(l.doc),
      awareness: encodeAwarenessUpdate(l.awareness, states),
    };
  }

  /** Merges a client's update (the caller checked the writer role); throws if it is not a Yjs update. */
  async update(name: string, update: Uint8Array, socketId: string): Promise<void> {
    // Applied at once when loaded (no await first): a doc.flush right behind this message then writes it too.
    const l = this.loaded.get(name) ?? (await this.open(name, socketId));
    l.sockets.add(socketId);
    try {
      Y.applyUpdate(l.doc, update, socketId);
    } catch (e) {
      throw new Error(`not a valid document update: ${(e as Error).message}`);
    }
    // A page still running an older version wrote cells the old way: moved at once, for everyone.
    migrateDoc(l.doc);
  }

  async awarenessUpdate(name: string, update: Uint8Array, socketId: string): Promise<void> {
    const l = await this.open(name, socketId);
    applyAwarenessUpdate(l.awareness, update, socketId);
  }

  /** The server itself changed the file (a job's outputs, cleared outputs): merge it now rather than at the next poll. */
  async merge(name: string): Promise<void> {
    const l = this.loaded.get(name);
    if (l) await this.enqueue(l, () => this.mergeFromDisk(l));
  }

  /** Writes `nb` into the live document (a REST PUT whose version matched): its changes merge like anyone's. */
  async replace(name: string, nb: Notebook): Promise<void> {
    const l = await this.open(name);
    applyNotebook(l.doc, nb, FROM_REST);
    await this.flush(name);
  }

  /** A socket left: its cursors go, and a notebook nobody has open is written and unloaded a little later. */
  release(socketId: string): void {
    for (const l of this.loaded.values()) {
      if (!l.sockets.delete(socketId)) continue;
      const ids = l.clientsOf.get(socketId);
      l.clientsOf.delete(socketId);
      if (ids && ids.size > 0) removeAwarenessStates(l.awareness, [...ids], 'server');
      if (l.sockets.size === 0) {
        clearTimeout(l.idle);
        l.idle = setTimeout(() => void this.close(l.name), this.idleMs);
        l.idle.unref?.();
      }
    }
  }

  /** Writes the file now if the document changed since the last write; resolves once it is on disk. */
  async flush(name: string): Promise<void> {
    const l = this.loaded.get(name);
    if (!l) return;
    clearTimeout(l.timer);
    l.timer = undefined;
    await this.enqueue(l, () => this.save(l));
  }

  /** Forgets a notebook without writing it (renamed or trashed: its old file must not come back). */
  drop(name: string): void {
    const l = this.loaded.get(name);
    if (!l) return;
    this.unload(l);
  }

  async close(name: string): Promise<void> {
    const l = this.loaded.get(name);
    if (!l || l.sockets.size > 0) return;
    await this.flush(name).catch((e) => console.error(`saving ${name}:`, e));
    if (l.sockets.size === 0 && this.loaded.get(name) === l) this.unload(l);
  }

  /** Shutdown: every open notebook is written. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.loaded.values()].map((l) => this.flush(l.name).catch((e) => console.error(`saving ${l.name}:`, e))));
    for (const l of [...this.loaded.values()]) this.unload(l);
  }

  private unload(l: Live): void {
    clearTimeout(l.timer);
    clearTimeout(l.idle);
    l.stopWatching();
    l.awareness.destroy();
    l.doc.destroy();
    l.base.destroy();
    this.loaded.delete(l.name);
    this.live.delete(l.name);
  }

  private schedule(l: Live): void {
    l.dirty = true;
    if (l.timer) return;
    l.timer = setTimeout(() => {
      l.timer = undefined;
      void this.enqueue(l, () => this.save(l)).catch(() => {});
    }, this.saveDelayMs);
  }

  private enqueue<T>(l: Live, fn: () => Promise<T>): Promise<T> {
    const next = l.queue.then(fn, fn);
    l.queue = next.catch(() => {});
    return next;
  }

  private async save(l: Live): Promise<void> {
    if (!l.dirty || this.loaded.get(l.name) !== l) return;
    l.dirty = false;
    const parsed = Notebook.safeParse(docToNotebook(l.doc));
    if (!parsed.success) {
      const error = `not saved: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      this.emit(l.name, 'doc.saved', { notebook: l.name, error, at: Date.now() });
      throw new Error(error);
    }
    // What the file will say, as a change to `base`: taken now, with the notebook above. Typing that arrives while the
    // file is written is not in the file, so `base` must not have it either (a later merge from disk would undo it).
    const written = Y.encodeStateAsUpdate(l.doc, Y.encodeStateVector(l.base));
    try {
      await this.store.saveToFile(l.name, parsed.data);
    } catch (e) {
      l.dirty = true;
      this.emit(l.name, 'doc.saved', { notebook: l.name, error: `not saved: ${(e as Error).message}`, at: Date.now() });
      throw e;
    }
    // The file now says what the document said when it was read above (later changes are in the next save).
    Y.applyUpdate(l.base, written);
    const stateFile = this.stateFile(l.name);
    if (stateFile) await writeAtomically(stateFile, Y.encodeStateAsUpdate(l.base));
    this.emit(l.name, 'doc.saved', { notebook: l.name, at: Date.now() });
  }

  /**
   * The file changed: someone else wrote it (git, an editor, the CLI, a job's outputs). What changed there since it was
   * last written or read merges into the live document; a file that no longer loads is reported and left alone until
   * the next save writes the document over it.
   */
  private async mergeFromDisk(l: Live, read?: Notebook): Promise<void> {
    if (this.loaded.get(l.name) !== l) return;
    let nb: Notebook;
    try {
      nb = read ?? (await this.store.readFromDisk(l.name));
    } catch (e) {
      const file = path.relative(this.store.dir, this.store.pathOf(l.name));
      this.emit(l.name, 'doc.saved', { notebook: l.name, error: `${file} changed on disk but does not load (${(e as Error).message}); the live notebook is kept`, at: Date.now() });
      return;
    }
    const before = Y.encodeStateVector(l.base);
    applyNotebook(l.base, nb, FROM_FILE, { outputs: true });
    const change = Y.encodeStateAsUpdate(l.base, before);
    if (change.byteLength > 2) Y.applyUpdate(l.doc, change, FROM_FILE);
  }
}

async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
