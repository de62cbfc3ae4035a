import { NOTEBOOK_VERSION, type Notebook } from '@flowbook/protocol';

/**
 * The first code cell of a new notebook: runnable as it is (imports and env included), it draws a live chart within
 * seconds, and shows the API's shape (source → map → keyBy → window → reduce → sink). The README's first snippet is the same.
 */
export const STARTER_SOURCE = `import { LiveSink, SalesGenerator, StreamExecutionEnvironment, Time, TumblingProcessingTimeWindows, WatermarkStrategy } from '@flowbook/engine';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(new SalesGenerator({ ratePerSecond: 500 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((line) => { const [, month, , , profit] = line.split(','); return { month, profit: Number(profit), count: 1 }; })
  .keyBy((sale) => sale.month)
  .window(TumblingProcessingTimeWindows.of(Time.seconds(2)))
  .reduce((a, b) => ({ month: a.month, profit: a.profit + b.profit, count: a.count + b.count }))
  .sinkTo(new LiveSink('profit'));
await env.execute('Sales profit per month');
`;

/** A new notebook: a heading, and a starter cell that runs with Shift+Enter (Jupyter and Zeppelin start with an empty one). */
export function starterNotebook(title: string): Notebook {
  return {
    version: NOTEBOOK_VERSION,
    title,
    cells: [
      { id: 'cell-1', type: 'markdown', source: `# ${title}\n\nRun the cell below with **Shift+Enter**, then change it: the chart follows.` },
      { id: 'cell-2', type: 'code', title: 'Profit per month', language: 'typescript', source: STARTER_SOURCE, charts: {} },
    ],
  };
}
