import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_VERSION, type Notebook } from '@flowbook/protocol';
import { NotebookStore } from './NotebookStore.js';

const nb: Notebook = { version: NOTEBOOK_VERSION, title: 'T', cells: [{ id: 'c1', type: 'markdown', source: '# T' }] };
const fresh = async () => new NotebookStore(await mkdtemp(path.join(tmpdir(), 'flowbook-store-')));

/** Every file under `dir`, relative. */
async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('NotebookStore', () => {
  it('leaves no temp file when a write fails', async () => {
    const store = await fresh();
    // The notebook's file name is taken by a folder: the final rename fails.
    await mkdir(path.join(store.dir, 'taken.flowbook.json/inner'), { recursive: true });
    await expect(store.write('taken', nb)).rejects.toThrow();
    // A notebook that cannot be serialized (a graph nested too deep) fails before any file is made.
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    await expect(store.write('deep', { ...nb, cells: [{ id: 'p', type: 'pipeline', graph: deep, charts: {} }] })).rejects.toThrow(/nested deeper/);
    expect(await files(store.dir)).toEqual(['taken.flowbook.json', 'taken.flowbook.json/inner']);
  });

  it('does not follow a link out of the folder and never quotes the file it points at', async () => {
    const store = await fresh();
    const outside = await mkdtemp(path.join(tmpdir(), 'flowbook-outside-'));
    await writeFile(path.join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await writeFile(path.join(outside, 'secret.flowbook.json'), JSON.stringify({ ...nb, title: 'outside secret' }));
    await symlink(path.join(outside, 'passwd'), path.join(store.dir, 'pw.flowbook.json'));
    await symlink(path.join(outside, 'secret.flowbook.json'), path.join(store.dir, 'valid.flowbook.json'));
    await symlink(outside, path.join(store.dir, 'linked'));
    await store.write('inside', nb);
    await symlink(path.join(store.dir, 'inside.flowbook.json'), path.join(store.dir, 'alias.flowbook.json'));

    const list = await store.list();
    expect(list.notebooks.map((n) => n.name)).toEqual(['alias', 'inside']);
    expect(JSON.stringify(list)).not.toMatch(/root:x|outside secret/);
    expect(list.errors.map((e) => e.message).join()).toMatch(/links out of the notebooks folder are not followed/);
    await expect(store.read('pw')).rejects.toMatchObject({ status: 403 });
    await expect(store.read('valid')).rejects.toMatchObject({ status: 403 });
    await expect(store.read('linked/secret')).rejects.toMatchObject({ status: 403 });
    await expect(store.write('linked/new', nb)).rejects.toMatchObject({ status: 403 });
    expect(await readdir(outside)).toEqual(['passwd', 'secret.flowbook.json']);
  });

  it('says where a file is not JSON, not what it holds', async () => {
    const store = await fresh();
    await writeFile(path.join(store.dir, 'bad.flowbook.json'), 'root:x:0:0:root:/root:/bin/bash\n');
    const err = await store.read('bad').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/invalid JSON/);
    expect((err as Error).message).not.toMatch(/root/);
    // Nor through a field's value.
    await writeFile(path.join(store.dir, 'ver.flowbook.json'), JSON.stringify({ version: 'root:x:0:0', title: 't', cells: [] }));
    const verErr = await store.read('ver').catch((e: Error) => e);
    expect((verErr as Error).message).toMatch(/"version" must be an integer, got a string/);
    expect((verErr as Error).message).not.toMatch(/root/);
  });
});
