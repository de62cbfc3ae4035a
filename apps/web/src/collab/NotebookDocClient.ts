import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { applyNotebook, cellMapOf, cellOf, cellsOf, metaOf, orderOf, type Cell, type DocSaved, type DocUpdate, type Notebook } from '@flowbook/protocol';
import type { FlowbookSocket } from '../api/socket.js';

/** Origin of this browser's own changes through the page (cell operations, forms, markdown): what its undo undoes. */
export const LOCAL = 'local';
const REMOTE = 'remote';
const OFFLINE = 'offline: edits are kept and merge when the connection is back';

/** 'saved', 'saving', 'unsaved', 'offline…', or why the last save failed ('not saved: …'). */
export type DocState = 'connecting' | 'saved' | 'saving' | 'unsaved' | string;

const bytes = (v: Uint8Array | ArrayBuffer) => (v instanceof Uint8Array ? v : new Uint8Array(v));

/**
 * A Yjs provider over the page's socket.io connection (same token, Origin check and roles as everything else): syncs
 * the notebook's document by state vectors on every (re)connect, so edits made offline merge when the socket is back;
 * sends this browser's updates and awareness (cursors, names), applies everyone else's.
 */
export class NotebookDocClient {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  /** Undo of this browser's page-level changes only (the code editors have one each, see useMonacoBinding). */
  readonly undo: Y.UndoManager;
  /** Connected and in sync with the server (false again while disconnected). */
  synced = false;
  /** Synced at least once: the document holds the notebook (editors stay bound to it while offline). */
  loaded = false;
  canWrite = false;
  state: DocState = 'connecting';
  error: string | undefined;
  private pending = 0;
  /** While listeners are told of a change: it was only typing into texts (see useNotebookFile). */
  textOnly = false;
  private listeners = new Set<() => void>();
  private readonly cache = new WeakMap<Y.Map<unknown>, Cell>();
  private notebook: Notebook | undefined;
  private readonly off: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly socket: FlowbookSocket,
  ) {
    this.undo = new Y.UndoManager([cellMapOf(this.doc), orderOf(this.doc), metaOf(this.doc)], { trackedOrigins: new Set([LOCAL]), captureTimeout: 600 });
    // Which cells changed: their cached plain copies are dropped, the others are reused (React skips them).
    this.doc.on('afterTransaction', (tr: Y.Transaction) => {
      const cells = cellMapOf(this.doc);
      for (const type of tr.changedParentTypes.keys()) {
        let t: Y.AbstractType<unknown> | null = type as Y.AbstractType<unknown>;
        while (t && t._item && t.parent !== cells) t = t.parent as Y.AbstractType<unknown> | null;
        if (t && t.parent === cells) this.cache.delete(t as Y.Map<unknown>);
      }
      if (tr.changed.size > 0 || tr.changedParentTypes.size > 0) {
        this.notebook = undefined;
        // Typing (someone else's, or this browser's in a bound editor): only texts changed, which the bound editors
        // show by themselves (y-monaco). The page's own operations (origin LOCAL) are not.
        this.textOnly = tr.origin !== LOCAL && [...tr.changed.keys()].every((t) => t instanceof Y.Text);
        this.notify();
        this.textOnly = false;
      }
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      // Offline (or not yet synced), updates stay in the document: the next sync sends everything the server lacks.
      if (!this.socket.connected) return this.setState(OFFLINE);
      if (!this.synced) return this.setState('unsaved');
      this.send(update);
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin !== 'local' || !this.synced) return;
      this.socket.emit('awareness.update', { notebook: this.name, update: encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]) });
    });

    const onUpdate = (m: DocUpdate) => m.notebook === this.name && Y.applyUpdate(this.doc, bytes(m.update), REMOTE);
    const onAwareness = (m: DocUpdate) => m.notebook === this.name && applyAwarenessUpdate(this.awareness, bytes(m.update), REMOTE);
    const onSaved = (m: DocSaved) => {
      if (m.notebook !== this.name) return;
      if (m.error) this.setState(m.error.startsWith('not saved') ? m.error : `not saved: ${m.error}`);
      else if (this.pending === 0 && this.state !== 'unsaved') this.setState('saved');
    };
    const onRefused = (m: { notebook: string; error: string }) => m.notebook === this.name && this.setState(`not saved: ${m.error}`);
    const onConnect = () => void this.resync();
    const onDisconnect = () => {
      this.synced = false;
      // Others' cursors are stale now; they come back with the next sync.
      removeAwarenessStates(this.awareness, [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID), REMOTE);
      this.setState(OFFLINE);
    };
    socket.on('doc.update', onUpdate);
    socket.on('awareness.update', onAwareness);
    socket.on('doc.saved', onSaved);
    socket.on('doc.refused', onRefused);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    this.off.push(() => {
      socket.off('doc.update', onUpdate);
      socket.off('awareness.update', onAwareness);
      socket.off('doc.saved', onSaved);
      socket.off('doc.refused', onRefused);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
    });
    if (socket.connected) void this.resync();
  }

  /** Exchanges state vectors with the server: each side gets exactly what it misses (Yjs' sync steps 1 and 2). */
  async resync(): Promise<void> {
    const res = await this.socket.emitWithAck('doc.sync', { notebook: this.name, stateVector: Y.encodeStateVector(this.doc) });
    if (!res.ok) {
      this.error = res.error;
      this.setState(`not loaded: ${res.error}`);
      return;
    }
    this.error = undefined;
    this.canWrite = res.canWrite;
    Y.applyUpdate(this.doc, bytes(res.update), REMOTE);
    const mine = Y.encodeStateAsUpdate(this.doc, bytes(res.stateVector));
    this.synced = true;
    this.loaded = true;
    // An update with no structs and no deletions is 2 bytes long: nothing to send.
    if (mine.byteLength > 2 && this.canWrite) this.send(mine);
    else this.setState('saved');
    if (this.awareness.getLocalState()) this.socket.emit('awareness.update', { notebook: this.name, update: encodeAwarenessUpdate(this.awareness, [this.doc.clientID]) });
    this.notify();
  }

  private send(update: Uint8Array): void {
    this.pending++;
    this.setState('saving');
    this.socket.emit('doc.update', { notebook: this.name, update }, (res) => {
      this.pending--;
      if (!res.ok) this.setState(`not saved: ${res.error}`);
    });
  }

  /** Asks the server to write the file now; resolves once it has (a run then runs what was typed). */
  flush(): Promise<void> {
    if (!this.synced) return Promise.resolve();
    return this.socket.emitWithAck('doc.flush', { notebook: this.name }).then((res) => {
      if (!res.ok) throw new Error(res.error);
    });
  }

  /** The document as a notebook; cells that did not change since the last call are the same objects. */
  current(): Notebook {
    if (this.notebook) return this.notebook;
    const cells = cellsOf(this.doc).map((m) => {
      let c = this.cache.get(m);
      if (!c) this.cache.set(m, (c = cellOf(m)));
      return c;
    });
    this.notebook = { ...(metaOf(this.doc).toJSON() as Omit<Notebook, 'cells'>), cells } as Notebook;
    return this.notebook;
  }

  /** Writes a notebook the page computed into the document, as the smallest change (see applyNotebook). */
  apply(next: Notebook, keepSource: ReadonlySet<string> = new Set()): void {
    if (!this.canWrite) return;
    applyNotebook(this.doc, next, LOCAL, { keepSource });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setState(s: DocState) {
    if (this.state === s) return;
    this.state = s;
    this.notify();
  }

  private notify() {
    for (const fn of this.listeners) fn();
  }

  destroy(): void {
    for (const f of this.off) f();
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.awareness.destroy();
    this.undo.destroy();
    this.doc.destroy();
  }
}
