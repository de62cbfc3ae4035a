/** Flink's default max parallelism: the number of key groups state is split into, fixed for a job's life. */
export const DEFAULT_MAX_PARALLELISM = 128;

/** Keys must be primitives to compare by value; other keys (arrays of tuple fields, objects) compare by their JSON. */
export function normalizeKey(key: unknown): string | number | boolean | bigint {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return key;
    case 'undefined':
      throw new Error('keyBy: the key selector returned undefined');
    default:
      return JSON.stringify(key);
  }
}

/** murmur3 32-bit finalizer-based hash of a key's string form, stable across processes and restarts. */
export function murmurHash(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** keyGroup = hash(key) % maxParallelism, as in Flink's KeyGroupRangeAssignment. */
export function assignToKeyGroup(key: unknown, maxParallelism = DEFAULT_MAX_PARALLELISM): number {
  return murmurHash(typeof key === 'string' ? key : String(key)) % maxParallelism;
}

/** The contiguous key-group range owned by operator `index` of `parallelism` (Flink's computeKeyGroupRangeForOperatorIndex). */
export function keyGroupRange(maxParallelism: number, parallelism: number, index: number): { start: number; end: number } {
  const start = Math.ceil((index * maxParallelism) / parallelism);
  const end = Math.ceil(((index + 1) * maxParallelism) / parallelism) - 1;
  return { start, end };
}

/** Which of `parallelism` operator instances owns `keyGroup`. */
export function operatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}
