import { useMemo, useRef } from 'react';
import type { OperatorMetrics } from '@flowbook/protocol';

/** Records per second each node emitted between the two latest metrics reports (drawn on its outgoing edges). */
export function useEdgeRates(operators: OperatorMetrics[] | undefined): ReadonlyMap<string, number> | undefined {
  const prev = useRef<{ at: number; out: Map<string, number> }>(undefined);
  return useMemo(() => {
    if (!operators) return undefined;
    const now = Date.now();
    const out = new Map(operators.map((o) => [o.nodeId, o.recordsOut]));
    const p = prev.current;
    prev.current = { at: now, out };
    if (!p || now <= p.at) return undefined;
    const rates = new Map<string, number>();
    for (const [id, n] of out) {
      const before = p.out.get(id);
      if (before !== undefined && n >= before) rates.set(id, ((n - before) * 1000) / (now - p.at));
    }
    return rates;
  }, [operators]);
}
