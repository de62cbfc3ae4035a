import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LiveNotebooks } from '../collab/LiveNotebooks.js';
import { isRunnable, Notebook as NotebookSchema, NotebookName, parseNotebook, serializeNotebook, type CellOutputs, type Notebook, type NotebookList } from '@flowbook/protocol';

/** A live document that does not validate (yet) is not the notebook: the file is, until the document saves. */
function parseNotebookSafe(nb: Notebook): Notebook | undefined {
  const parsed = NotebookSchema.safeParse(nb);
  return parsed.success ? parsed.data : undefined;
}

export const NOTEBOOK_SUFFIX = '.flowbook.json';

export class NotebookError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Notebooks as files: `<dir>/<name>.flowbook.json`. Names are validated and resolved inside the folder (no traversal);
 * writes are atomic (temp file, fsync, rename) so a crash never leaves half a notebook.
 */
export class NotebookStore {
  constructor(readonly dir: string) {}

  /**
   * The notebooks being co-edited (collab/LiveNotebooks.ts): while one is open, its live document is the notebook
   * (reads see it, saves merge into it) and the live document writes the file.
   */
  live: Pick<LiveNotebooks, 'current' | 'isOpen' | 'replace' | 'drop' | 'merge' | 'flush'> | undefined;

  /** Path of a notebook; throws 400 for names that are not allowed, so `../x` never reaches the file system. */
  pathOf(name: string): string {
    const parsed = NotebookName.safeParse(name);
    if (!parsed.success) throw new NotebookError(`invalid notebook name "${name}": ${parsed.error.issues[0]!.message}`, 400);
    const file = path.resolve(this.dir, name + NOTEBOOK_SUFFIX);
    const rel = path.relative(this.dir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new NotebookError(`invalid notebook name "${name}"`, 400);
    return file;
  }

  /** Every notebook that loads, and for each one that does not, the file and the problem. */
  async list(): Promise<NotebookList> {
    const out: NotebookList = { notebooks: [], errors: [] };
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        // A linked folder is not a directory entry, so never walked; a linked file loads only if it stays inside (readFile).
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.')) await walk(full);
        } else if (entry.name.endsWith(NOTEBOOK_SUFFIX) && (entry.isFile() || entry.isSymbolicLink())) {
          const rel = path.relative(this.dir, full);
          const name = rel.slice(0, -NOTEBOOK_SUFFIX.length).split(path.sep).join('/');
          try {
            const nb = await this.readFile(full);
            out.notebooks.push({ name, title: nb.title });
          } catch (e) {
            out.errors.push({ file: rel, message: (e as Error).message });
          }
        }
      }
    };
    await walk(this.dir);
    return out;
  }

  /** Refuses a path whose real location (links resolved) is outside the notebooks folder. */
  private async ensureInside(p: string): Promise<void> {
    const root = await fs.realpath(this.dir);
    const real = await fs.realpath(p);
    if (real !== root && !real.startsWith(root + path.sep)) {
      throw new NotebookError(`${path.relative(this.dir, p)}: links out of the notebooks folder are not followed`, 403);
    }
  }

  private async readFile(file: string): Promise<Notebook> {
    await this.ensureInside(file);
    const text = await fs.readFile(file, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      // Only where, never what: JSON.parse's message quotes the text, which may be another file's secret.
      const at = /position (\d+)/.exec((e as Error).message);
      throw new Error(`invalid JSON${at ? ` at position ${at[1]}` : ''}`);
    }
    return parseNotebook(raw);
  }

  /** The notebook: its live document when someone has it open, else its file. */
  async read(name: string): Promise<Notebook> {
    const live = this.live?.current(name);
    if (live) {
      const parsed = parseNotebookSafe(live);
      if (parsed) return parsed;
    }
    return this.readFromDisk(name);
  }

  /** The notebook's file as it is on disk. */
  async readFromDisk(name: string): Promise<Notebook> {
    const file = this.pathOf(name);
    try {
      return await this.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotebookError(`notebook "${name}" not found`, 404);
      if (e instanceof NotebookError) throw e;
      throw new NotebookError(`${path.relative(this.dir, file)}: ${(e as Error).message}`, 422);
    }
  }

  /** Per-file queue: saves from the browser and result saves from jobs never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private serialize<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(file) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.queues.set(file, next.catch(() => {}));
    return next;
  }

  /** Saves a notebook from a client: into its live document if open, else to its file (see saveToFile). */
  async save(name: string, notebook: Notebook): Promise<void> {
    if (this.live?.isOpen(name)) return this.live.replace(name, notebook);
    return this.saveToFile(name, notebook);
  }

  /** Writes a notebook's file. Cell outputs are the server's: the ones on disk are kept, the client's ignored. */
  async saveToFile(name: string, notebook: Notebook): Promise<void> {
    const file = this.pathOf(name);
    await this.serialize(file, async () => {
      let onDisk: Notebook | undefined;
      try {
        onDisk = await this.readFile(file);
      } catch {
        onDisk = undefined;
      }
      const outputs = new Map(onDisk?.cells.flatMap((c) => (isRunnable(c) && c.outputs ? [[c.id, c.outputs] as const] : [])) ?? []);
      const cells = notebook.cells.map((c) => {
        if (!isRunnable(c)) return c;
        const { outputs: _ignored, ...rest } = c;
        const kept = outputs.get(c.id);
        return kept ? { ...rest, outputs: kept } : rest;
      });
      await this.write(name, { ...notebook, cells });
    });
  }

  /** Stores a cell's last run in its notebook (skipped if the notebook or the cell no longer exists). */
  async saveOutputs(name: string, cellId: string, outputs: CellOutputs): Promise<void> {
    const file = this.pathOf(name);
    // The file first catches up with the live document: a change merged from the file applies to cells as they were
    // last written, and a cell moved since (a new one in the document) would not get it.
    await this.live?.flush(name);
    await this.serialize(file, async () => {
      let nb: Notebook;
      try {
        nb = await this.readFile(file);
      } catch {
        return;
      }
      const cell = nb.cells.find((c) => c.id === cellId);
      if (!cell || !isRunnable(cell)) return;
      cell.outputs = outputs;
      await this.write(name, nb);
    });
    // After the queue (the live document's save waits on it): everyone on the notebook sees the outputs now.
    await this.live?.merge(name);
  }

  /** Removes the saved outputs of these code cells (of every code cell when `cellIds` is undefined). */
  async clearOutputs(name: string, cellIds: readonly string[] | undefined): Promise<void> {
    const file = this.pathOf(name);
    await this.live?.flush(name);
    await this.serialize(file, async () => {
      const nb = await this.readFromDisk(name);
      let changed = false;
      for (const cell of nb.cells) {
        if (!isRunnable(cell) || !cell.outputs || (cellIds && !cellIds.includes(cell.id))) continue;
        delete cell.outputs;
        changed = true;
      }
      if (changed) await this.write(name, nb);
    });
    await this.live?.merge(name);
  }

  private async exists(file: string): Promise<boolean> {
    return fs.access(file).then(
      () => true,
      () => false,
    );
  }

  /** Creates a notebook; 409 if the name is taken. */
  async create(name: string, notebook: Notebook): Promise<void> {
    if (await this.exists(this.pathOf(name))) throw new NotebookError(`notebook "${name}" already exists`, 409);
    await this.write(name, notebook);
  }

  /** Renames or moves (a name with folders) a notebook; 409 if the target exists. */
  async rename(from: string, to: string): Promise<void> {
    const src = this.pathOf(from);
    const dst = this.pathOf(to);
    if (!(await this.exists(src))) throw new NotebookError(`notebook "${from}" not found`, 404);
    if (await this.exists(dst)) throw new NotebookError(`notebook "${to}" already exists`, 409);
    this.live?.drop(from);
    await fs.mkdir(path.dirname(dst), { recursive: true });
    await fs.rename(src, dst);
  }

  async duplicate(from: string, to: string, title?: string): Promise<void> {
    const nb = await this.read(from);
    await this.create(to, { ...nb, title: title ?? `${nb.title} (copy)` });
  }

  /** Moves a notebook to `.trash/` (recoverable by hand), never deletes the file. */
  async trash(name: string): Promise<string> {
    const src = this.pathOf(name);
    if (!(await this.exists(src))) throw new NotebookError(`notebook "${name}" not found`, 404);
    this.live?.drop(name);
    const rel = `.trash/${name}.${new Date().toISOString().replace(/[:.]/g, '-')}${NOTEBOOK_SUFFIX}`;
    const dst = path.join(this.dir, rel);
    await fs.mkdir(path.dirname(dst), { recursive: true });
    await fs.rename(src, dst);
    return rel;
  }

  async write(name: string, notebook: Notebook): Promise<void> {
    const file = this.pathOf(name);
    // Serialized before any file exists: a notebook that cannot be written leaves nothing behind.
    const text = serializeNotebook(notebook);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await this.ensureInside(path.dirname(file));
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    // Make the rename durable too.
    const dirHandle = await fs.open(path.dirname(file), 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
