// @vitest-environment jsdom
import '../testing/jsdom.js';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CellRunView } from '../notebook/cellRuns.js';
import { CellOutputs } from './CellOutputs.js';

afterEach(cleanup);

const run = (over: Partial<CellRunView> = {}): CellRunView => ({ status: 'error', results: {}, logs: [], ...over });

describe('CellOutputs (under code and pipeline cells)', () => {
  it('names the line of an error for code cells only', () => {
    const failed = run({ error: { message: 'boom', line: 3 } });
    const { rerender } = render(<CellOutputs cellId="c" run={failed} charts={{}} onChartChange={() => {}} errorLine />);
    expect(screen.getByTestId('error-c').textContent).toBe('Error at line 3: boom');
    rerender(<CellOutputs cellId="c" run={failed} charts={{}} onChartChange={() => {}} />);
    expect(screen.getByTestId('error-c').textContent).toBe('Error: boom');
  });

  it('shows the last 50 log lines and one output per live sink', () => {
    const logs = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    const { container } = render(
      <CellOutputs cellId="c" run={run({ status: 'running', logs, results: { sums: { rows: [{ k: 'a', v: 1 }], total: 1 } } })} charts={{}} onChartChange={() => {}} />,
    );
    const log = container.querySelector('pre.cell-log')!.textContent!.split('\n');
    expect(log).toHaveLength(50);
    expect(log[0]).toBe('line 10');
    expect(screen.queryByTestId('error-c')).toBeNull();
    expect(screen.getByTestId('sink-c-sums')).toBeTruthy();
  });

  it('shows results imported from Zeppelin or Jupyter: text, tables, sanitized HTML, images, errors', () => {
    const imported = run({
      status: 'finished',
      static: [
        { kind: 'text', text: 'hello\n' },
        { kind: 'table', columns: ['age', 'value'], rows: [['19', '4']] },
        { kind: 'html', html: '<b>bold</b><img src=x onerror="alert(1)"><script>alert(2)</script>' },
        { kind: 'image', mime: 'image/png', data: 'iVBORw0KGgo=' },
        { kind: 'error', name: 'ZeroDivisionError', message: 'division by zero', traceback: '----> 1 1/0' },
      ],
    });
    render(<CellOutputs cellId="c" run={imported} charts={{}} onChartChange={() => {}} />);
    const out = screen.getByTestId('static-outputs-c');
    expect(out.querySelector('pre')!.textContent).toBe('hello\n');
    expect([...out.querySelectorAll('th, td')].map((e) => e.textContent)).toEqual(['age', 'value', '19', '4']);
    const html = out.querySelector('.static-html')!;
    expect(html.querySelector('b')!.textContent).toBe('bold');
    expect(html.innerHTML).not.toMatch(/onerror|script/);
    expect(out.querySelector('img.static-image')!.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(out.querySelector('.static-error')!.textContent).toBe('ZeroDivisionError: division by zero----> 1 1/0');
  });

  it('shows nothing before the first run', () => {
    const { container } = render(<CellOutputs cellId="c" run={undefined} charts={{}} onChartChange={() => {}} />);
    expect(container.innerHTML).toBe('');
  });
});
