// Runs benchmark queries in a process that refuses code generation from strings (the test starts it with
// `node --disallow-code-generation-from-strings`): the operators must fall back to the plain batch loops and compute
// the same results. Prints one JSON line.
import { NexmarkGenerator } from '../src/index.js';
import { loopCopiesForTests } from '../src/runtime/loopCopies.js';
import { same } from './compare.js';
import { queries } from './queries/index.js';

const names = (process.argv[2] ?? 'q1,q2,q3,q7').split(',');
const input = new NexmarkGenerator({ seed: 7, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(Number(process.argv[3] ?? 30_000));
const results: Record<string, { results: number; equal: boolean }> = {};
for (const q of queries.filter((q) => names.includes(q.name))) {
  const loop = q.loop(input);
  const engine = (await q.engine(input)).flat();
  results[q.name] = { results: engine.length, equal: engine.length === loop.length && same(engine, loop, q.compare ?? 'multiset') };
}
console.log(JSON.stringify({ codegen: loopCopiesForTests.codegen(), copies: loopCopiesForTests.size(), results }));
