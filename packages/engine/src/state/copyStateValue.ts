/**
 * A private copy of a state value for a checkpoint, so that changing the live value later (a list that grows, an
 * accumulator updated in place) cannot change a checkpoint still being written. It follows JSON's rules, which is
 * how the value is stored: toJSON is applied, functions and undefined members are dropped; typed arrays are copied
 * as typed arrays (the checkpoint container keeps them binary).
 */
export function copyStateValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyStateValue(v[i]);
    return out;
  }
  if (ArrayBuffer.isView(v)) return v instanceof DataView ? new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) : (v as unknown as Float64Array).slice();
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return copyStateValue(toJSON.call(v));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[k] = copyStateValue(x);
  }
  return out;
}
