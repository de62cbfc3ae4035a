// Codecs for batches crossing between slot threads, on Nexmark events and on small keyed records (what a map
// emits into a keyBy). Each batch is 1024 records; prints µs per batch to encode (sender thread) and decode
// (receiver thread). `node --import tsx packages/engine/bench/codecs.ts`
import v8 from 'node:v8';
import { Packr } from 'msgpackr';
import { NexmarkGenerator } from '../src/index.js';

const BATCH = 1024;
const ROUNDS = Number(process.env.BENCH_CODEC_ROUNDS ?? 300);

type Codec = { name: string; encode(v: unknown[]): unknown; decode(b: unknown): unknown[] };
// Separate instances on both ends, as in two threads: each message carries its record structures.
const packr = new Packr({ useRecords: true, moreTypes: true });
const unpackr = new Packr({ useRecords: true, moreTypes: true });
const codecs: Codec[] = [
  // postMessage's structured clone is V8's ValueSerializer: the sender serializes, the receiver deserializes.
  { name: 'structured clone (v8.serialize)', encode: (v) => v8.serialize(v), decode: (b) => v8.deserialize(b as Buffer) as unknown[] },
  { name: 'msgpackr (records)', encode: (v) => packr.pack(v), decode: (b) => unpackr.unpack(b as Buffer) as unknown[] },
  { name: 'JSON', encode: (v) => JSON.stringify(v), decode: (b) => JSON.parse(b as string) as unknown[] },
];

function measure(c: Codec, batches: unknown[][]): { enc: number; dec: number; bytes: number } {
  let enc = 0;
  let dec = 0;
  let bytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const v = batches[r % batches.length]!;
    const t0 = performance.now();
    const b = c.encode(v);
    const t1 = performance.now();
    const out = c.decode(b);
    const t2 = performance.now();
    if (out.length !== v.length) throw new Error(c.name);
    if (r >= ROUNDS / 5) {
      enc += t1 - t0;
      dec += t2 - t1;
    }
    bytes = typeof b === 'string' ? b.length : (b as Buffer).length;
  }
  const n = ROUNDS - Math.ceil(ROUNDS / 5);
  return { enc: (enc / n) * 1000, dec: (dec / n) * 1000, bytes };
}

const events = new NexmarkGenerator({ seed: 1, eventsPerSecond: 10_000 }).take(BATCH * 20) as unknown[];
const nexmark = Array.from({ length: 20 }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));
const keyed = Array.from({ length: 20 }, (_, i) => Array.from({ length: BATCH }, (_, j) => ({ k: (i * BATCH + j) % 997, h: j & 0xff })));
for (const [label, batches] of [['Nexmark events', nexmark], ['keyed records {k, h}', keyed]] as const) {
  console.log(`${label}, ${BATCH} per batch: µs per batch encode / decode (bytes)`);
  for (const c of codecs) {
    const m = measure(c, batches);
    console.log(`  ${c.name.padEnd(34)} ${m.enc.toFixed(0).padStart(6)} / ${m.dec.toFixed(0).padStart(6)}  (${m.bytes})`);
  }
}
