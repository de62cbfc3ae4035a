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
    const src = this.dirOf(from);
    const dst = this.dirOf(to);
    let files: string[];
    try {
      files = (await fs.readdir(src, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
    } catch {
      return;
    }
    if (files.length === 0) return;
    await fs.mkdir(dst, { recursive: true });
    for (const f of files) await fs.rename(path.join(src, f), path.join(dst, f));
    await fs.rmdir(src).catch(() => {}); // only when empty: it may still hold other notebooks' folders
  }

  async restore(name: string, id: string): Promise<void> {
    const rev = await this.load(name, id);
    await this.save(name, `before restoring "${rev.message}"`);
    await this.store.write(name, rev.notebook);
  }
}
