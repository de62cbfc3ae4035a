import { describe, expect, it } from 'vitest';
import { importNotebook } from './importNotebook.js';

describe('importNotebook', () => {
  it('imports a Zeppelin note: %md paragraphs become markdown, others code with their text kept', () => {
    const zpln = {
      name: 'Flink/Streaming demo',
      paragraphs: [
        { id: 'paragraph_1_x', text: '%md\n# Demo\nSome *text*' },
        { id: 'paragraph_2_y', text: '%flink\nval s = senv.socketTextStream("localhost", 9999)' },
        { id: 'paragraph_3_z', text: '' },
      ],
    };
    const nb = importNotebook('demo.zpln', JSON.stringify(zpln));
    expect(nb.title).toBe('Streaming demo');
    expect(nb.cells).toEqual([
      { id: 'paragraph_1_x', type: 'markdown', source: '# Demo\nSome *text*' },
      { id: 'paragraph_2_y', type: 'code', language: 'typescript', source: '%flink\nval s = senv.socketTextStream("localhost", 9999)', charts: {} },
    ]);
  });

  it('imports a Jupyter notebook with markdown and code cells', () => {
    const ipynb = {
      nbformat: 4,
      metadata: {},
      cells: [
        { cell_type: 'markdown', id: 'a1', source: ['# My analysis\n', 'text'] },
        { cell_type: 'code', id: 'b2', source: 'print(1)', outputs: [] },
      ],
    };
    const nb = importNotebook('analysis.ipynb', JSON.stringify(ipynb));
    expect(nb.title).toBe('My analysis');
    expect(nb.cells.map((c) => [c.id, c.type, c.source])).toEqual([
      ['a1', 'markdown', '# My analysis\ntext'],
      ['b2', 'code', 'print(1)'],
    ]);
  });

  it('names the file and the problem for bad input', () => {
    expect(() => importNotebook('x.ipynb', '{oops')).toThrow(/^x\.ipynb: invalid JSON/);
    expect(() => importNotebook('y.flowbook.json', JSON.stringify({ version: 1, cells: [] }))).toThrow(/^y\.flowbook\.json: title/);
  });
});
