// Regenerates sales.csv: 2,000 sales lines in the classic Flink example's format (date,month,category,product,profit),
// deterministic (seed 2018). Run: node notebooks/data/make-sales.mjs
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { salesLine } = await import('../../packages/engine/src/connectors/generator/sales.ts');
const { mulberry32 } = await import('../../packages/engine/src/connectors/generator/random.ts');
const rand = mulberry32(2018);
const lines = Array.from({ length: 2000 }, () => salesLine(rand));
writeFileSync(new URL('./sales.csv', import.meta.url), lines.join('\n') + '\n');
console.log(`wrote ${lines.length} lines`);
