import type { Notebook } from '@flowbook/protocol';
import { describe, expect, it } from 'vitest';
import type { NotebookStore } from '../notebooks/NotebookStore.js';
import type { PermissionStore } from './PermissionStore.js';
import { programToRun } from './programToRun.js';

const notebook: Notebook = {
  version: 1,
  title: 'imported',
  cells: [
    { id: 'ts', type: 'code', language: 'typescript', source: 'console.log(1)', charts: {} },
    { id: 'py', type: 'code', language: 'python', source: 'print(1)', charts: {} },
  ],
};
const store = { read: async () => notebook } as unknown as NotebookStore;
const permissions = {} as PermissionStore;

describe('programToRun', () => {
  it('runs TypeScript cells and refuses imported cells of other languages, naming the cell', async () => {
    const msg = { notebook: 'imported', source: '' };
    expect((await programToRun({ role: 'owner' }, permissions, store, { ...msg, cellId: 'ts' })).program).toBe('console.log(1)');
    await expect(programToRun({ role: 'owner' }, permissions, store, { ...msg, cellId: 'py' })).rejects.toThrow(
      'cell "py" of "imported" is python (imported): only TypeScript cells run here; port it to TypeScript first',
    );
  });
});
