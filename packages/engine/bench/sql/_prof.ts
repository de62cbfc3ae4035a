import { NexmarkGenerator } from '../../src/index.js';
import { runEngine, prefix, batchesOf } from '../harness.js';
import { queries } from '../queries/index.js';
import { NEXMARK_SQL, nexmarkSql } from './nexmarkSql.js';
const N = Number(process.argv[3] ?? 1_000_000);
const input = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
batchesOf(input);
const q = process.argv[2]!;
const side = process.env.SIDE ?? 'sql';
const ds = queries.find((x) => x.name === q)!;
const sameQ0 = (e: any) => ({ auction: e.bid.auction, bidder: e.bid.bidder, price: e.bid.price, dateTime: e.bid.dateTime, $rowKind: '+I' });
const isBid = (e: any) => e.bid !== undefined;
for (let i = 0; i < Number(process.env.REPS ?? 6); i++) {
  global.gc?.();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const out = side === 'same' ? await runEngine(input, (src) => src.filter(isBid).map(sameQ0)) : side === 'sql' ? await runEngine(input, (src) => nexmarkSql(src, NEXMARK_SQL[q]!)) : await (ds.engine(input) as Promise<unknown[][]>);
  const c = process.cpuUsage(c0);
  console.log(side, q, Math.round(performance.now() - t0), 'ms wall', Math.round((c.user + c.system) / 1000), 'ms cpu', out.reduce((n, x) => n + x.length, 0));
}
