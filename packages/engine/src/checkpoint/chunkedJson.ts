/**
 * JSON.stringify in slices: a snapshot of a million keys is ~100 MB of JSON, and serializing it in one call would stop
 * the job for about a second. The snapshot is already a private deep copy, so it can be serialized a little at a time
 * between the job's event-loop turns: this walks it and yields (setImmediate) whenever a time slice is used up.
 * The output is exactly JSON.stringify's (same key order, same escaping; undefined members skipped).
 */
export async function stringifyInSlices(value: unknown, onPart: (part: string) => void, sliceMs = 8): Promise<void> {
  let deadline = performance.now() + sliceMs;
  let steps = 0;
  const maybeYield = async () => {
    if ((++steps & 255) !== 0 || performance.now() < deadline) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    deadline = performance.now() + sliceMs;
  };
  // Small values are serialized in one call (no await per element: a million small entries stay cheap).
  const walk = async (v: unknown): Promise<void> => {
    if (!isBig(v)) {
      onPart(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      onPart('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) onPart(',');
        const item = v[i];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') onPart('null');
        else if (isBig(item)) await walk(item);
        else onPart(JSON.stringify(item));
        await maybeYield();
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
      if (isBig(item)) await walk(item);
      else onPart(JSON.stringify(item));
      await maybeYield();
    }
    onPart('}');
  };
  await walk(value);
}

/** Worth walking: an array or plain object with many entries, or holding one (objects with toJSON are leaves). */
function isBig(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return v.length >= 64 || v.some((x) => x !== null && typeof x === 'object' && isBig(x));
  const vals = Object.values(v);
  return vals.length >= 64 || vals.some((x) => x !== null && typeof x === 'object' && isBig(x));
}
