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

  it('shows nothing before the first run', () => {
    const { container } = render(<CellOutputs cellId="c" run={undefined} charts={{}} onChartChange={() => {}} />);
    expect(container.innerHTML).toBe('');
  });
});
