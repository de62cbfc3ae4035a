import { describe, expect, it } from 'vitest';
import { buildTree, copyName, folderOf, folderPaths, baseName, importName, nameProblem, normalizeFolder, parseUserList } from './names.js';

const nb = (name: string) => ({ name, title: name.toUpperCase() });

describe('notebook names as paths', () => {
  it('splits and normalizes folders', () => {
    expect(folderOf('team/sales/q1')).toBe('team/sales');
    expect(folderOf('top')).toBe('');
    expect(baseName('team/sales/q1')).toBe('q1');
    expect(normalizeFolder(' /team// sales / ')).toBe('team/sales');
    expect(normalizeFolder('   ')).toBe('');
  });

  it('explains names the server would refuse, with the shared rule', () => {
    expect(nameProblem('team/report 1')).toBeUndefined();
    expect(nameProblem('')).toBe('enter a name');
    expect(nameProblem('../escape')).toMatch(/letters, digits|\.\./);
    expect(nameProblem('a/b.')).toMatch(/\. or \.\. segments/);
    expect(nameProblem('bad:name')).toMatch(/letters, digits, space/);
  });

  it('derives an import name from the file name, inside the chosen folder', () => {
    expect(importName('Sales Report.zpln', '')).toBe('Sales Report');
    expect(importName('4. Streaming ETL_2EYD56B9B.zpln', 'Flink Tutorial')).toBe('Flink Tutorial/4. Streaming ETL');
    expect(importName('analysis.ipynb', 'imports/')).toBe('imports/analysis');
    expect(importName('copy.flowbook.json', 'x')).toBe('x/copy');
    expect(importName('C:\\Users\\me\\note(1).json', '')).toBe('note-1-');
    expect(importName('...hidden..zpln', '')).toBe('hidden');
    expect(importName('.zpln', 'f')).toBe('f/imported');
    for (const f of ['Sales Report.zpln', 'note(1).json', '...hidden..zpln', 'ümlaut.ipynb']) expect(nameProblem(importName(f, 'a b'))).toBeUndefined();
  });

  it('finds a free name for a copy', () => {
    expect(copyName('team/q1', new Set(['team/q1']))).toBe('team/q1-copy');
    expect(copyName('q1', new Set(['q1', 'q1-copy', 'q1-copy-2']))).toBe('q1-copy-3');
  });
});

describe('buildTree', () => {
  it('nests notebooks in their folders, folders first and sorted, with counts', () => {
    const tree = buildTree(['zeta', 'team/b', 'Alpha', 'team/sales/q2', 'team/sales/q10', 'team/a', 'archive/old'].map(nb));
    expect(tree.count).toBe(7);
    expect(tree.notebooks.map((n) => n.name)).toEqual(['Alpha', 'zeta']);
    expect(tree.folders.map((f) => [f.path, f.count])).toEqual([
      ['archive', 1],
      ['team', 4],
    ]);
    const team = tree.folders[1]!;
    expect(team.notebooks.map((n) => n.name)).toEqual(['team/a', 'team/b']);
    expect(team.folders).toHaveLength(1);
    expect(team.folders[0]).toMatchObject({ name: 'sales', path: 'team/sales', count: 2 });
    // Numeric order: q2 before q10.
    expect(team.folders[0]!.notebooks.map((n) => n.name)).toEqual(['team/sales/q2', 'team/sales/q10']);
    expect(folderPaths(tree)).toEqual(['archive', 'team', 'team/sales']);
  });

  it('keeps a notebook and a folder of the same name apart', () => {
    const tree = buildTree(['team', 'team/inner'].map(nb));
    expect(tree.notebooks.map((n) => n.name)).toEqual(['team']);
    expect(tree.folders[0]!.notebooks.map((n) => n.name)).toEqual(['team/inner']);
  });

  it('is an empty root for no notebooks', () => {
    expect(buildTree([])).toEqual({ name: '', path: '', folders: [], notebooks: [], count: 0 });
  });
});

describe('parseUserList', () => {
  it('splits on commas and spaces, drops empties and duplicates', () => {
    expect(parseUserList(' alice, bob ,, carol alice ')).toEqual(['alice', 'bob', 'carol']);
    expect(parseUserList('   ')).toEqual([]);
  });
});
