/**
 * JSON.stringify in slices: a large snapshot is tens of MB of JSON, and serializing it in one call would stop the job
 * for a long time. The snapshot is already a private copy, so it can be serialized a little at a time between the
 * job's event-loop turns: this walks it and yields (setImmediate) whenever a time slice is used up.
 * The output is exactly JSON.stringify's (same key order, same escaping; undefined members skipped), except that
 * typed arrays are given to `binary` when it is set, and written as the JSON of what it returns (the checkpoint
 * container stores them as binary segments).
 */
export async function stringifyInSlices(value: unknown, onPart: (part: string) => void, sliceMs = 8, binary?: (v: ArrayBufferView) => unknown): Promise<void> {
  let deadline = performance.now() + sliceMs;
  let steps = 0;
  const maybeYield = async (cost = 1) => {
    steps += cost;
    if (steps < 256) return;
    steps = 0;
    if (performance.now() < deadline) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    deadline = performance.now() + sliceMs;
  };
  const needsWalk = (x: unknown) => x !== null && typeof x === 'object' && isBig(x, binary !== undefined);
  // Small values are serialized in one call (no await per element: a million small entries stay cheap).
  const walk = async (v: unknown): Promise<void> => {
    if (binary !== undefined && ArrayBuffer.isView(v)) {
      onPart(JSON.stringify(binary(v)));
      return;
    }
    if (!isBig(v, binary !== undefined)) {
      onPart(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      onPart('[');
      // Runs of items that need no walk are serialized a chunk at a time.
      for (let i = 0; i < v.length; ) {
        let j = i;
        while (j < v.length && j - i < 4096 && !needsWalk(v[j])) j++;
        if (j > i) {
          const chunk = JSON.stringify(v.slice(i, j));
          onPart((i > 0 ? ',' : '') + chunk.slice(1, -1));
          await maybeYield(j - i);
          i = j;
          continue;
        }
        if (i > 0) onPart(',');
        await walk(v[i]);
        await maybeYield();
        i++;
      }
      onPart(']');
      return;
    }
    onPart('{');
    let first = true;
    for (const k of Object.keys(v as object)) {
      const item = (v as Record<string, unknown>)[k];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      onPart((first ? '' : ',') + JSON.stringify(k) + ':');
      first = false;
      if (needsWalk(item)) await walk(item);
      else onPart(JSON.stringify(item));
      await maybeYield();
    }
    onPart('}');
  };
  await walk(value);
}

/**
 * Worth walking: an array or plain object with many entries, or holding one (objects with toJSON are leaves), and
 * with `binary`, anything holding a typed array.
 */
function isBig(v: unknown, binary: boolean): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (ArrayBuffer.isView(v)) return binary;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return v.length >= 64 || v.some((x) => x !== null && typeof x === 'object' && isBig(x, binary));
  const vals = Object.values(v);
  return vals.length >= 64 || vals.some((x) => x !== null && typeof x === 'object' && isBig(x, binary));
}
