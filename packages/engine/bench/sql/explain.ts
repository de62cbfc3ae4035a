// The plan of a Nexmark SQL query as the benchmark runs it: node --conditions=development --import tsx
// packages/engine/bench/sql/explain.ts q5
import { StreamExecutionEnvironment, type NexmarkEvent } from '../../src/index.js';
import { NEXMARK_SQL, nexmarkTable } from './nexmarkSql.js';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
for (const name of process.argv.slice(2)) {
  const { table } = nexmarkTable(env.fromCollection<NexmarkEvent>([]), NEXMARK_SQL[name]!);
  console.log(`== ${name} ==\n${table.explain()}\n`);
}
