import { Packr } from 'msgpackr';

/**
 * How a batch's values cross between slot threads: msgpackr with records (object shapes written once per batch) and
 * its extensions for Map, Set, Date, typed arrays, BigInt and errors. Measured against postMessage's structured clone
 * and JSON (bench/codecs.ts, numbers in bench/README.md), it decodes several times faster, which is what the receiving
 * subtask pays. Each batch carries its own shapes, so any thread decodes any batch. Values msgpack cannot carry
 * (functions, symbols) fall back to structured clone for that batch, which keeps class instances no better.
 */
const packr = new Packr({ useRecords: true, moreTypes: true });
const unpackr = new Packr({ useRecords: true, moreTypes: true });

export function encodeBatch(values: unknown[]): { p: Uint8Array } | { v: unknown[] } {
  try {
    // pack() returns a view of msgpackr's reused buffer: copy it, so the copy can be transferred.
    return { p: new Uint8Array(packr.pack(values)) };
  } catch {
    return { v: values.slice() };
  }
}

export function decodeBatch(packed: Uint8Array): unknown[] {
  return unpackr.unpack(packed) as unknown[];
}
