import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as engine from '@flowbook/engine';
import { compileCell } from '@flowbook/engine';
import { Notebook } from '@flowbook/protocol';
import { describe, expect, it } from 'vitest';
import { STARTER_SOURCE, starterNotebook } from './starterNotebook.js';

const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../README.md'), 'utf8');

describe('a new notebook', () => {
  it('is a valid notebook with a heading and a starter code cell', () => {
    const nb = Notebook.parse(starterNotebook('Weekly'));
    expect(nb.cells.map((c) => c.type)).toEqual(['markdown', 'code']);
  });

  it("starts with a cell that compiles against the engine's exports (imports and env included)", async () => {
    const code = await compileCell(STARTER_SOURCE, Object.keys(engine));
    expect(code).toContain('SalesGenerator');
  });

  it("is the README's first snippet, so that one runs when pasted too", () => {
    const first = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(first).toBe(STARTER_SOURCE);
  });
});
