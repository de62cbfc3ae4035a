import { describe, expect, it } from 'vitest';
import { compileAggsHandle, compileGroupAggsHandle, type AggCall } from './aggsHandle.js';
import { accumulate, createAcc, finish, mergeAcc, result, type AggSpec } from './aggregates.js';
import type { Row } from './tableConnectors.js';

// the compiled handle must give what the generic accumulators give, including NULLs, FILTER and merged panes
const calls: (AggCall & { distinct: boolean })[] = [
  { name: 'COUNT', distinct: false, integral: true },
  { name: 'COUNT', distinct: false, argJs: 'r.v', integral: true },
  { name: 'SUM', distinct: false, argJs: 'r.v', integral: true },
  { name: 'AVG', distinct: false, argJs: 'r.v', integral: true },
  { name: 'AVG', distinct: false, argJs: 'r.d', integral: false },
  { name: 'MIN', distinct: false, argJs: 'r.v', integral: true },
  { name: 'MAX', distinct: false, argJs: 'r.s', integral: false },
  { name: 'SUM', distinct: false, argJs: 'r.v', filterJs: 'r.v > 2', integral: true },
];
const specs: AggSpec[] = calls.map((c) => ({
  name: c.name,
  distinct: false,
  arg: c.argJs === undefined ? undefined : (r) => r[c.argJs!.slice(2)],
  filter: c.filterJs === undefined ? undefined : (r) => (r.v === null ? null : (r.v as number) > 2),
  call: { k: 'lit', v: null } as AggSpec['call'],
}));

function generic(rows: Row[][]): Row {
  const panes = rows.map((pane) => {
    let accs = specs.map(createAcc);
    for (const r of pane) accs = accs.map((a, i) => accumulate(specs[i]!, a, r, 1));
    return accs;
  });
  const accs = panes.reduce((x, y) => x.map((a, i) => mergeAcc(specs[i]!, a, y[i]!)));
  const o: Row = { $g0: rows.flat()[0]!.k };
  specs.forEach((s, i) => (o[`$a${i}`] = finish(s, result(s, accs[i]!), calls[i]!.integral)));
  return o;
}

function compiled(rows: Row[][]): Row {
  const h = compileAggsHandle(calls, ['r.k'])!;
  const accs = rows.map((pane) => pane.reduce((acc, r) => h.add(r, acc), h.createAccumulator()));
  const out = h.getResult(accs.reduce((a, b) => h.merge(a, b)));
  delete out.$ws;
  delete out.$we;
  delete out.$wt;
  return out;
}

describe('compiled window aggregates (AggsHandle)', () => {
  it('give the generic accumulators\' results, with NULLs, FILTER and merged panes', () => {
    const rows: Row[] = [
      { k: 'a', v: 3, d: 1.5, s: 'x' },
      { k: 'a', v: null, d: null, s: null },
      { k: 'a', v: 1, d: 2.25, s: 'y' },
      { k: 'a', v: 8, d: 0.5, s: 'b' },
      { k: 'a', v: 2, d: null, s: 'z' },
    ];
    for (const split of [[rows], [rows.slice(0, 2), rows.slice(2)], [[rows[1]!], rows.slice(2), [rows[0]!]]]) {
      expect(compiled(split)).toEqual(generic(split));
    }
    expect(compiled([[rows[0]!]])).toEqual({ $g0: 'a', $a0: 1, $a1: 1, $a2: 3, $a3: 3, $a4: 1.5, $a5: 3, $a6: 'x', $a7: 3 });
  });

  it('gives the NULLs of aggregates over no values', () => {
    expect(compiled([[{ k: 1, v: null, d: null, s: null }]])).toEqual({ $g0: 1, $a0: 1, $a1: 0, $a2: null, $a3: null, $a4: null, $a5: null, $a6: null, $a7: null });
  });

  it('leaves DISTINCT aggregates to the generic accumulators', () => {
    expect(compileAggsHandle([{ name: 'COUNT', distinct: true, argJs: 'r.v', integral: true }], [])).toBeUndefined();
  });

  it('unwindowed: accumulate and retract give the generic accumulators\' results; MIN/MAX only without retractions', () => {
    const retractable = calls.filter((c) => c.name !== 'MIN' && c.name !== 'MAX');
    const rSpecs = specs.filter((s) => s.name !== 'MIN' && s.name !== 'MAX');
    const h = compileGroupAggsHandle(retractable, ['r.k'], true)!;
    const rows: Row[] = [
      { k: 'a', v: 3, d: 1.5 },
      { k: 'a', v: null, d: 2 },
      { k: 'a', v: 9, d: null },
      { k: 'a', v: 4, d: 0.25 },
    ];
    const acc = h.createAccumulator();
    let accs = rSpecs.map(createAcc);
    const changes: [Row, 1 | -1][] = [[rows[0]!, 1], [rows[1]!, 1], [rows[2]!, 1], [rows[0]!, -1], [rows[3]!, 1], [rows[2]!, -1]];
    for (const [r, sign] of changes) {
      if (sign > 0) h.accumulate(r, acc);
      else h.retract(r, acc);
      accs = accs.map((a, i) => accumulate(rSpecs[i]!, a, r, sign));
      const want: Row = { $g0: 'a' };
      rSpecs.forEach((s, i) => (want[`$a${i}`] = finish(s, result(s, accs[i]!), retractable[i]!.integral)));
      expect(h.getValue(acc)).toEqual(want);
    }
    expect(acc.n).toBe(2);
    expect(compileGroupAggsHandle(calls, ['r.k'], true)).toBeUndefined();
    expect(compileGroupAggsHandle(calls, ['r.k'], false)).toBeDefined();
  });
});
