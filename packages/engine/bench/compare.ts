/** How the benchmark compares an implementation's results with the loop's. */

const stable = (v: unknown) => JSON.stringify(v);

/** Equal as multisets (order aside), or, for huge outputs, by count and an order-independent checksum. */
export function same(a: unknown[], b: unknown[], how: 'multiset' | 'checksum'): boolean {
  if (a.length !== b.length) return false;
  if (how === 'checksum') {
    const h = (rows: unknown[]) => {
      let x = 0;
      for (const r of rows) {
        const s = stable(r);
        let k = 0;
        for (let i = 0; i < s.length; i++) k = (Math.imul(k, 31) + s.charCodeAt(i)) | 0;
        x = (x + k) | 0;
      }
      return x;
    };
    return h(a) === h(b);
  }
  const sa = a.map(stable).sort();
  const sb = b.map(stable).sort();
  return sa.every((s, i) => s === sb[i]);
}
