import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/flowbook.mjs');
const exec = promisify(execFile);
const flowbook = (args: string[], cwd: string) =>
  exec(process.execPath, [bin, ...args], { cwd }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const jsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const pipeline = {
  version: 1,
  name: 'totals',
  nodes: [
    { id: 'src', name: 'orders', type: 'source', config: { connector: 'elements', config: { elements: [] }, watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0, timestampAssigner: { code: '(o) => o.t' } } } },
    { id: 'win', type: 'window', config: { assigner: { kind: 'tumbling', time: 'event', size: 1000 }, function: { kind: 'reduce', reduce: { code: '(a, b) => ({ ...a, amount: a.amount + b.amount })' } } } },
    { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'totals' } } },
  ],
  edges: [
    { source: 'src', target: 'win', partitioning: 'hash', keySelector: { code: '(o) => o.customer' } },
    { source: 'win', target: 'out' },
  ],
};

describe('flowbook run (headless CLI)', () => {
  it('runs a pipeline file with an input replaced by a JSONL file and writes each sink as JSONL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    writeFileSync(path.join(dir, 'totals.pipeline.json'), JSON.stringify(pipeline));
    writeFileSync(
      path.join(dir, 'orders.jsonl'),
      [{ customer: 'a', amount: 5, t: 100 }, { customer: 'b', amount: 1, t: 200 }, { customer: 'a', amount: 2, t: 900 }, { customer: 'a', amount: 4, t: 1500 }].map((o) => JSON.stringify(o)).join('\n'),
    );
    const r = await flowbook(['run', 'totals.pipeline.json', '--input', 'orders=orders.jsonl', '--output', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = jsonl(path.join(dir, 'out/totals.jsonl'));
    expect(rows.map((o: { customer: string; amount: number }) => `${o.customer}:${o.amount}`).sort()).toEqual(['a:4', 'a:7', 'b:1']);
  });

  it('runs jobs with the young generation of FLOWBOOK_YOUNG_GENERATION_MB, as the server does its job workers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const probe = {
      ...pipeline,
      nodes: [
        { id: 'src', name: 'orders', type: 'source', config: { connector: 'elements', config: { elements: [{ t: 1 }] } } },
        { id: 'flag', type: 'map', config: { fn: { code: "() => ({ flag: process.execArgv.find((a) => a.startsWith('--max-semi-space-size')) })" } } },
        { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'flags' } } },
      ],
      edges: [
        { source: 'src', target: 'flag' },
        { source: 'flag', target: 'out' },
      ],
    };
    writeFileSync(path.join(dir, 'probe.pipeline.json'), JSON.stringify(probe));
    const r = await flowbook(['run', 'probe.pipeline.json', '--output', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(jsonl(path.join(dir, 'out/flags.jsonl'))).toEqual([{ flag: '--max-semi-space-size=64' }]);
    const bad = await exec(process.execPath, [bin, 'run', 'probe.pipeline.json'], { cwd: dir, env: { ...process.env, FLOWBOOK_YOUNG_GENERATION_MB: 'lots' } }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FLOWBOOK_YOUNG_GENERATION_MB must be a whole number of MiB');
  });

  it('runs the code cells of a notebook', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const nb = {
      version: 1,
      title: 'CLI',
      cells: [
        { id: 'intro', type: 'markdown', source: '# x' },
        {
          id: 'wc',
          type: 'code',
          source: `import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements('a b', 'b c b')
  .flatMap((line: string, out) => line.split(' ').forEach((w) => out.collect({ word: w, n: 1 })))
  .keyBy((w) => w.word)
  .reduce((a, b) => ({ word: a.word, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('word count');`,
        },
      ],
    };
    writeFileSync(path.join(dir, 'wc.flowbook.json'), JSON.stringify(nb));
    const r = await flowbook(['run', 'wc.flowbook.json', '--output', 'o'], dir);
    expect(r.code).toBe(0);
    const rows = jsonl(path.join(dir, 'o/wc/counts.jsonl'));
    expect(rows.at(-1)).toEqual({ word: 'b', n: 3 });
    expect(rows).toContainEqual({ word: 'c', n: 1 });
  });

  it('runs SQL cells as the server does: tables of the cells above, the result changelog as JSONL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const nb = {
      version: 1,
      title: 'SQL',
      cells: [
        {
          id: 'ddl',
          type: 'sql',
          source: "CREATE TABLE gen (id BIGINT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '40', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '40', 'fields.v.min' = '1', 'fields.v.max' = '3');",
        },
        { id: 'totals', type: 'sql', mode: 'update', source: 'SELECT v, COUNT(*) AS n, SUM(id) AS s FROM gen GROUP BY v' },
      ],
    };
    writeFileSync(path.join(dir, 'sql.flowbook.json'), JSON.stringify(nb));
    const r = await flowbook(['run', 'sql.flowbook.json', '--output', 'o'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'o'))).toEqual(['totals']);
    // The changelog, retractions applied: every row counted once, the ids summed once.
    const current = new Map<number, { n: number; s: number }>();
    for (const row of jsonl(path.join(dir, 'o/totals/result.jsonl'))) {
      if (row.$rowKind === '-U' || row.$rowKind === '-D') current.delete(row.v);
      else current.set(row.v, { n: row.n, s: row.s });
    }
    const all = [...current.values()];
    expect(all.reduce((a, x) => a + x.n, 0)).toBe(40);
    expect(all.reduce((a, x) => a + x.s, 0)).toBe((40 * 41) / 2);
  });

  it('runs a parallel cell in slots: the map runs in two threads, with the results of parallelism 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const cell = (p: number) => `import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';
import { threadId } from 'node:worker_threads';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setParallelism(${p});
const words = env.fromCollection(Array.from({ length: 3000 }, (_, i) => 'w' + (i % 7))).rebalance().map((w: string) => ({ word: w, thread: threadId }));
words.map((w) => w.thread).sinkTo(new LiveSink('threads${p}'));
words.keyBy((w) => w.word).reduce((a, b) => ({ word: a.word, thread: 0, n: (a.n ?? 1) + 1 })).sinkTo(new LiveSink('counts${p}'));
await env.execute('parallel ${p}');`;
    const nb = { version: 1, title: 'CLI', cells: [1, 2].map((p) => ({ id: `p${p}`, type: 'code', source: cell(p) })) };
    writeFileSync(path.join(dir, 'par.flowbook.json'), JSON.stringify(nb));
    const r = await flowbook(['run', 'par.flowbook.json', '--output', 'o'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(new Set(jsonl(path.join(dir, 'o/p1/threads1.jsonl'))).size).toBe(1);
    expect(new Set(jsonl(path.join(dir, 'o/p2/threads2.jsonl'))).size).toBe(2);
    const finals = (rows: { word: string; n?: number }[]) => Object.fromEntries(rows.map((r) => [r.word, r.n ?? 1]));
    expect(finals(jsonl(path.join(dir, 'o/p2/counts2.jsonl')))).toEqual(finals(jsonl(path.join(dir, 'o/p1/counts1.jsonl'))));
  }, 60_000);

  it('runs a notebook as the server does: pipeline cells, params and notebookDir, print(), cells side by side, --timeout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const nb = {
      version: 1,
      title: 'CLI',
      cells: [
        {
          id: 'greet',
          type: 'code',
          params: [{ name: 'who', type: 'text', default: 'world' }, { name: 'times', type: 'number', default: 1 }],
          source: `import { StreamExecutionEnvironment } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(...Array.from({ length: params.times }, (_, i) => \`hello \${params.who} \${i} from \${notebookDir.split('/').pop()}\`)).print();
await env.execute('greet');`,
        },
        // Waits for the other cell's job, as a consumer cell waits for its producer in the notebook.
        { id: 'forever', type: 'code', source: `console.log('waiting'); await new Promise(() => {});` },
        { id: 'python', type: 'code', language: 'python', source: 'print(1)' },
        {
          id: 'ckpt',
          type: 'code',
          source: `import { LiveSink, SalesGenerator, StreamExecutionEnvironment, WatermarkStrategy } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(300);
env.fromSource(new SalesGenerator({ ratePerSecond: 50 }), WatermarkStrategy.noWatermarks<string>(), 'sales').sinkTo(new LiveSink('sales'));
await env.execute('checkpointed');`,
        },
        { id: 'canvas', type: 'pipeline', graph: { ...pipeline, nodes: [{ ...pipeline.nodes[0], config: { connector: 'elements', config: { elements: [{ customer: 'a', amount: 1, t: 1 }] } } }, { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'drawn' } } }], edges: [{ source: 'src', target: 'out' }] } },
      ],
    };
    writeFileSync(path.join(dir, 'nb.flowbook.json'), JSON.stringify(nb));
    const r = await flowbook(['run', 'nb.flowbook.json', '--output', 'o', '--timeout', '3s', '--param', 'who=CLI', '--param', 'times=2', '--checkpoint-dir', 'ck'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = path.basename(dir);
    expect(r.stdout).toContain(`hello CLI 0 from ${name}`);
    expect(r.stdout).toContain(`hello CLI 1 from ${name}`);
    expect(r.stdout).toContain('waiting');
    expect(r.stdout).toContain('cell python: python cell skipped (only TypeScript cells run)');
    expect(r.stdout).toMatch(/timeout after 3000 ms/);
    expect(jsonl(path.join(dir, 'o/canvas/drawn.jsonl'))).toEqual([{ customer: 'a', amount: 1, t: 1 }]);
    // enableCheckpointing is honoured: checkpoints in --checkpoint-dir, one folder per notebook and cell, and per job in it.
    expect(readdirSync(path.join(dir, 'ck/nb-ckpt/job-checkpointed')).filter((f) => f.startsWith('chk-')).length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/cell ckpt: [1-9]\d* checkpoint\(s\) completed in ck/);
    expect(jsonl(path.join(dir, 'o/ckpt/sales.jsonl')).length).toBeGreaterThan(0);
  }, 60_000);

  it('exits 2 for invalid input and 1 for a failing cell, naming the cell (and line)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const write = (file: string, cells: unknown[]) => writeFileSync(path.join(dir, file), JSON.stringify({ version: 1, title: 'x', params: [{ name: 'n', type: 'number', default: 1 }], cells }));
    write('ok.flowbook.json', [{ id: 'fine', type: 'code', source: 'console.log(params.n)' }]);
    write('nograph.flowbook.json', [{ id: 'a', type: 'markdown', source: '' }, { id: 'canvas', type: 'pipeline' }]);
    write('syntax.flowbook.json', [{ id: 'typo', type: 'code', source: 'const x = 1;\nconst = 2;' }]);
    write('boom.flowbook.json', [{ id: 'boom', type: 'code', source: "const x = 1;\nthrow new Error('kaput ' + x);" }]);
    const badTimeout = await flowbook(['run', 'ok.flowbook.json', '--timeout', 'soon'], dir);
    expect([badTimeout.code, badTimeout.stderr]).toEqual([2, expect.stringContaining('--timeout needs a positive duration such as 10s')]);
    const badParam = await flowbook(['run', 'ok.flowbook.json', '--param', 'n=lots'], dir);
    expect([badParam.code, badParam.stderr]).toEqual([2, expect.stringContaining('--param n: "lots" is not a number')]);
    const unknownParam = await flowbook(['run', 'ok.flowbook.json', '--param', 'm=1'], dir);
    expect([unknownParam.code, unknownParam.stderr]).toEqual([2, expect.stringContaining('has no form input "m" (it has: n)')]);
    const noGraph = await flowbook(['run', 'nograph.flowbook.json'], dir);
    expect([noGraph.code, noGraph.stderr]).toEqual([2, expect.stringMatching(/nograph\.flowbook\.json: not a notebook: cell canvas: graph/)]);
    const syntax = await flowbook(['run', 'syntax.flowbook.json'], dir);
    expect([syntax.code, syntax.stderr]).toEqual([2, expect.stringContaining('syntax.flowbook.json, cell typo: line 2:')]);
    const boom = await flowbook(['run', 'boom.flowbook.json'], dir);
    expect([boom.code, boom.stderr]).toEqual([1, expect.stringContaining('boom.flowbook.json, cell boom: line 2: kaput 1')]);
  }, 60_000);

  it('exits non-zero with a message naming the node for an invalid pipeline', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    const bad = structuredClone(pipeline);
    bad.edges[0] = { source: 'src', target: 'win' } as never;
    (bad.nodes[2] as { config: unknown }).config = { connector: 'nope' };
    writeFileSync(path.join(dir, 'bad.pipeline.json'), JSON.stringify(bad));
    const r = await flowbook(['run', 'bad.pipeline.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid pipeline/);
    expect(r.stderr).toMatch(/node "out"/);
    const missing = await flowbook(['run', 'bad.pipeline.json', '--input', 'nosuch=x.jsonl'], dir);
    expect(missing.code).not.toBe(0);
  });
});

describe('flowbook replay', () => {
  it('serves a file’s lines over TCP until stopped', async () => {
    const { spawn } = await import('node:child_process');
    const { connect } = await import('node:net');
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-replay-'));
    writeFileSync(path.join(dir, 'lines.txt'), 'one\ntwo\nthree\n');
    const child = spawn(process.execPath, [bin, 'replay', '--port', '0', 'lines.txt', '--rate', '0'], { cwd: dir });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /on port (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
    });
    const text = await new Promise<string>((resolve) => {
      let got = '';
      const s = connect({ host: '127.0.0.1', port });
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
    });
    expect(text).toBe('one\ntwo\nthree\n');
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  });
});

describe('flowbook worker (scale-out on Kafka)', () => {
  it('refuses invalid input with exit code 2: no job name, or a pipeline that does not read one Kafka topic', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cli-'));
    writeFileSync(path.join(dir, 'totals.pipeline.json'), JSON.stringify({ ...pipeline, config: { checkpointInterval: 1000 } }));
    const noJob = await flowbook(['worker', 'totals.pipeline.json', '--checkpoint-dir', 'postgresql://127.0.0.1/test'], dir);
    expect(noJob.code).toBe(2);
    expect(noJob.stderr).toContain('needs --job, --checkpoint-dir and a pipeline file');
    const notKafka = await flowbook(['worker', '--job', 'totals', 'totals.pipeline.json', '--checkpoint-dir', 'postgresql://127.0.0.1/test'], dir);
    expect(notKafka.code).toBe(2);
    expect(notKafka.stderr).toContain('exactly one source, a Kafka source');
    // A notebook: its pipeline cell (named with --cell when there are several).
    const cell = (id: string) => ({ id, type: 'pipeline', graph: { ...pipeline, config: { checkpointInterval: 1000 } } });
    writeFileSync(path.join(dir, 'two.flowbook.json'), JSON.stringify({ version: 1, title: 'two', cells: [cell('a'), cell('b')] }));
    const which = await flowbook(['worker', '--job', 'totals', 'two.flowbook.json', '--checkpoint-dir', 'postgresql://127.0.0.1/test'], dir);
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('several pipeline cells; name one with --cell <id>');
    const named = await flowbook(['worker', '--job', 'totals', 'two.flowbook.json', '--cell', 'b', '--checkpoint-dir', 'postgresql://127.0.0.1/test'], dir);
    expect(named.stderr).toContain('exactly one source, a Kafka source');
  }, 60_000);
});
