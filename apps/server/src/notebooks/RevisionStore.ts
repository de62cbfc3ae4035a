import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isRunnable, serializeNotebook, type Notebook } from '@flowbook/protocol';
import { NotebookError, type NotebookStore } from './NotebookStore.js';

export interface RevisionInfo {
  id: string;
  message: string;
  createdAt: number;
}

/**
 * Named revisions of a notebook: snapshots in `<notebooks>/.revisions/<name>/` (hidden from the notebook list, and they
 * travel with the folder). List, diff against the current notebook, and restore (which first saves the current state).
 */
export class RevisionStore {
  constructor(private readonly store: NotebookStore) {}

  private dirOf(name: string): string {
    this.store.pathOf(name); // validates the name
    return path.join(this.store.dir, '.revisions', name);
  }

  async save(name: string, message: string): Promise<RevisionInfo> {
    const notebook = await this.store.read(name);
    const createdAt = Date.now();
    const id = `${createdAt}-${randomBytes(3).toString('hex')}`;
    const dir = this.dirOf(name);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${id}.json`), JSON.stringify({ id, message, createdAt, notebook }, null, 2));
    return { id, message, createdAt };
  }

  async list(name: string): Promise<RevisionInfo[]> {
    let files: string[];
    try {
      files = await fs.readdir(this.dirOf(name));
    } catch {
      return [];
    }
    const out: RevisionInfo[] = [];
    for (const f of files.filter((f) => f.endsWith('.json'))) {
      const { id, message, createdAt } = JSON.parse(await fs.readFile(path.join(this.dirOf(name), f), 'utf8'));
      out.push({ id, message, createdAt });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  private async load(name: string, id: string): Promise<RevisionInfo & { notebook: Notebook }> {
    if (!/^[0-9]+-[0-9a-f]{6}$/.test(id)) throw new NotebookError(`invalid revision id "${id}"`, 400);
    try {
      return JSON.parse(await fs.readFile(path.join(this.dirOf(name), `${id}.json`), 'utf8'));
    } catch {
      throw new NotebookError(`notebook "${name}" has no revision "${id}"`, 404);
    }
  }

  /** A unified diff from the revision to the current notebook. */
  async diff(name: string, id: string): Promise<{ revision: RevisionInfo; diff: string }> {
    const rev = await this.load(name, id);
    const current = await this.store.read(name);
    const strip = (nb: Notebook) => serializeNotebook({ ...nb, cells: nb.cells.map((c) => (isRunnable(c) ? { ...c, outputs: undefined } : c)) });
    const diff = createTwoFilesPatch(`${name} (${rev.message})`, `${name} (current)`, strip(rev.notebook), strip(current));
    return { revision: { id: rev.id, message: rev.message, createdAt: rev.createdAt }, diff };
  }

  /**
   * Moves a notebook's revisions with it when it is renamed or moved to another folder. File by file: the folder of
   * notebook `a` also holds the folders of notebooks `a/…`, which stay where they are.
   */
  async rename(from: string, to: string): Promise<void> {
    await this.discard(to);
    await this.moveAll(from, this.dirOf(to));
  }

  /** The revision files of notebook `name` (not those of notebooks in a same-named folder). */
  private async filesOf(name: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.dirOf(name), { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
    } catch {
      return [];
    }
  }

  /** Moves a notebook's revisions to the folder `to` (inside the notebooks folder), file by file. */
  private async moveAll(name: string, to: string): Promise<void> {
    const files = await this.filesOf(name);
    if (files.length === 0) return;
    await fs.mkdir(to, { recursive: true });
    for (const f of files) await fs.rename(path.join(this.dirOf(name), f), path.join(to, f));
    await fs.rmdir(this.dirOf(name)).catch(() => {}); // only when empty: it may still hold other notebooks' folders
  }

  /**
   * A deleted notebook's revisions go to the trash beside it (`<trashed file>.revisions/`): revisions belong to that
   * notebook, not to its name, so a new notebook of the same name shows none of them.
   */
  async trash(name: string, trashedTo: string): Promise<void> {
    await this.moveAll(name, path.join(this.store.dir, trashedTo.replace(/\.flowbook\.json$/, '.revisions')));
  }

  /**
   * Revisions left under a name whose notebook is gone some other way (deleted by hand, an older server): moved to the
   * trash when a new notebook takes the name, so they are never shown as its own.
   */
  async discard(name: string): Promise<void> {
    await this.moveAll(name, path.join(this.store.dir, '.trash', `${name}.${new Date().toISOString().replace(/[:.]/g, '-')}.orphaned.revisions`));
  }

  async restore(name: string, id: string): Promise<void> {
    const rev = await this.load(name, id);
    await this.save(name, `before restoring "${rev.message}"`);
    await this.store.write(name, rev.notebook);
  }
}
