import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeCell, MarkdownCell } from '@flowbook/protocol';
import { describe, expect, it } from 'vitest';
import { importNotebook, nameFromFile } from './importNotebook.js';

const fixture = (name: string) => readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');

describe('importNotebook: Zeppelin', () => {
  const { notebook, report, name } = importNotebook('Basic Features_2A94M5J1Z.zpln', fixture('Basic Features_2A94M5J1Z.zpln'));
  const cell = (id: string) => notebook.cells.find((c) => c.id === id) as CodeCell;

  it('names the notebook without Zeppelin’s id suffix and keeps full paragraph ids and titles', () => {
    expect(name).toBe('Basic Features');
    expect(notebook.title).toBe('Basic Features');
    expect(notebook.cells.map((c) => c.id)).toEqual([
      'paragraph_1579054287919_-61477360',
      'paragraph_1423500779206_-1502780787',
      'paragraph_1423500782552_-1439281894',
      'paragraph_1423836262027_-210588283',
      'paragraph_1423836268492_216498320',
      'paragraph_1587959422055_1513725291',
      'paragraph_1579058345516_-1005807622',
    ]);
    expect(notebook.cells.map((c) => c.title)).toEqual(['Overview', 'Load data into table', undefined, 'By marital status', 'Shell', 'A plot', undefined]);
  });

  it('makes %md markdown and marks other interpreters with their language, text kept whole', () => {
    expect(notebook.cells[0]).toMatchObject({ type: 'markdown', source: '\nThis note reads **bank** data and queries it.' });
    expect((notebook.cells[0] as MarkdownCell & { outputs?: unknown }).outputs).toBeUndefined();
    expect(notebook.cells.slice(1, -1).map((c) => (c as CodeCell).language)).toEqual(['scala', 'sql', 'sql', 'sh', 'python']);
    // %flink.ssql is Flink SQL: a SQL cell that runs here, with Zeppelin's display mode.
    expect(notebook.cells.at(-1)).toMatchObject({ type: 'sql', mode: 'update' });
    expect(cell('paragraph_1423500779206_-1502780787').source).toBe('%spark\nval bank = spark.read.csv("bank.csv")\nbank.createOrReplaceTempView("bank")');
    expect(cell('paragraph_1579058345516_-1005807622').source).toContain('select * from sink_kafka order by event_ts desc limit 10;');
  });

  it('turns dynamic forms into parameters with defaults, options and saved values', () => {
    const age = cell('paragraph_1423500782552_-1439281894');
    expect(age.source).toBe("%spark.sql\nselect age, count(1) value from bank where age < ${maxAge} and job = '${job}' group by age order by age");
    expect(age.params).toEqual([{ name: 'maxAge', type: 'number', default: 30 }]);
    expect(age.paramValues).toEqual({ maxAge: 35 });
    const marital = cell('paragraph_1423836262027_-210588283');
    expect(marital.source).toContain('marital="${marital}"');
    expect(marital.params).toEqual([{ name: 'marital', type: 'select', default: 'single', options: ['single', 'divorced', 'married'] }]);
    expect(marital.paramValues).toEqual({ marital: 'married' });
    // A note form ($${job=admin}) is the notebook's, with its saved value.
    expect([notebook.params, notebook.paramValues]).toEqual([[{ name: 'job', type: 'text', default: 'admin' }], { job: 'technician' }]);
    expect(report.entries.at(-1)).toEqual({ kind: 'converted', message: 'note forms job (text, default admin) became notebook parameters' });
  });

  it('keeps saved results as static outputs: text, tables, errors, images', () => {
    expect(cell('paragraph_1423500779206_-1502780787').outputs).toMatchObject({
      status: 'finished',
      startedAt: Date.parse('2021-07-26 05:50:06.145'),
      // Without the REPL's terminal colours.
      static: [{ kind: 'text', text: 'bank: org.apache.spark.sql.DataFrame = [age: int, job: string]\n' }],
    });
    expect(cell('paragraph_1423500782552_-1439281894').outputs?.static).toEqual([
      { kind: 'table', columns: ['age', 'value'], rows: [['19', '4'], ['20', '3'], ['21', '7']] },
    ]);
    expect(cell('paragraph_1423836268492_216498320').outputs).toMatchObject({ status: 'error', static: [{ kind: 'error', message: expect.stringContaining('No such file') }] });
    expect(cell('paragraph_1587959422055_1513725291').outputs?.static).toEqual([{ kind: 'image', mime: 'image/png', data: expect.stringMatching(/^iVBOR/) }]);
  });

  it('reports what was converted, what needs porting and what was left out', () => {
    const kinds = (k: string) => report.entries.filter((e) => e.kind === k).map((e) => e.message);
    expect(report.format).toBe('zeppelin');
    expect(kinds('converted')).toEqual([
      'paragraph 1 "Overview": markdown',
      'paragraph 7: %flink.ssql as a SQL cell (mode update)',
      'note forms job (text, default admin) became notebook parameters',
    ]);
    expect(kinds('needs-porting')).toHaveLength(5);
    expect(kinds('needs-porting')[0]).toMatch(/^paragraph 2 "Load data into table": %spark \(scala\) kept as a scala cell that does not run here; port it to TypeScript; kept 1 saved result/);
    expect(kinds('needs-porting')[1]).toContain('forms maxAge (number, default 30)');
    expect(kinds('dropped')).toEqual(['paragraph 6 "A plot": a ANGULAR result (not shown outside Zeppelin)', 'paragraph 8: empty']);
  });
});

describe('importNotebook: Jupyter', () => {
  const { notebook, report, name } = importNotebook('damped-oscillator.ipynb', fixture('damped-oscillator.ipynb'));
  const cell = (id: string) => notebook.cells.find((c) => c.id === id) as CodeCell;

  it('names the notebook by its file and marks Python code cells as Python', () => {
    expect([name, notebook.title]).toEqual(['damped-oscillator', 'damped-oscillator']);
    expect(notebook.cells.filter((c) => c.type === 'code').map((c) => (c as CodeCell).language)).toEqual(['python', 'python', 'python', 'python']);
    expect(report.entries.filter((e) => e.kind === 'needs-porting')).toHaveLength(4);
  });

  it('keeps outputs: stream text, HTML (as it is: sanitized where shown), images, errors without terminal colours', () => {
    expect(cell('imports').outputs?.static).toEqual([{ kind: 'text', text: 'ready\n' }]);
    expect(cell('table').outputs?.static).toEqual([{ kind: 'html', html: expect.stringContaining('<table>') }]);
    expect(cell('plot').outputs?.static).toEqual([{ kind: 'image', mime: 'image/png', data: expect.stringMatching(/^iVBOR[^\n]*==$/) }]);
    expect(cell('oops').outputs).toMatchObject({
      status: 'error',
      static: [{ kind: 'error', name: 'ZeroDivisionError', message: 'division by zero', traceback: 'ZeroDivisionError Traceback (most recent call last)\n----> 1 1/0' }],
    });
  });

  it('inlines attachments, keeps math source untouched and raw cells raw', () => {
    const intro = notebook.cells[0] as MarkdownCell;
    expect(intro.source).toContain('![diagram](data:image/png;base64,iVBOR');
    expect(intro.source).toContain('e^{-\\zeta\\omega t} \\\\ \\cos');
    expect(notebook.cells.at(-1)).toEqual({ id: 'raw', type: 'markdown', format: 'raw', source: '<b>not html</b>\n\\LaTeX{} passthrough' });
  });

  it('converts nbformat 3: worksheets, headings, input, pyout / pyerr and short output keys', () => {
    const old = importNotebook('old-notebook.v3.ipynb', fixture('old-notebook.v3.ipynb'));
    expect(old.notebook.title).toBe('old-notebook.v3');
    expect(old.notebook.cells.map((c) => [c.type, c.source])).toEqual([
      ['markdown', '# Old notebook'],
      ['markdown', 'Some *text*.'],
      ['code', 'x = 1\nx'],
      ['markdown', 'raw text'],
    ]);
    expect((old.notebook.cells[2] as CodeCell).outputs?.static).toEqual([
      { kind: 'text', text: '1' },
      { kind: 'text', text: 'hi\n' },
      { kind: 'image', mime: 'image/png', data: expect.stringMatching(/^iVBOR/) },
      { kind: 'error', name: 'NameError', message: "name 'y' is not defined", traceback: "NameError: name 'y' is not defined" },
    ]);
  });
});

describe('importNotebook', () => {
  it('derives notebook names from file names', () => {
    expect(nameFromFile('Flink Tutorial/4. Streaming ETL_2EYD56B9B.zpln')).toBe('4. Streaming ETL');
    expect(nameFromFile('Matplotlib (Python, PySpark)_2C2AUG798.zpln')).toBe('Matplotlib -Python- PySpark-');
    expect(nameFromFile('analysis.ipynb')).toBe('analysis');
  });

  it('names the file and the problem for bad input', () => {
    expect(() => importNotebook('x.ipynb', '{oops')).toThrow(/^x\.ipynb: invalid JSON/);
    expect(() => importNotebook('y.flowbook.json', JSON.stringify({ version: 1, cells: [] }))).toThrow(/^y\.flowbook\.json: title/);
    expect(() => importNotebook('z.ipynb', JSON.stringify({ nbformat: 4 }))).toThrow(/^z\.ipynb: not a Jupyter notebook: no "cells" array \(nbformat 4\)/);
  });
});
