import type { JsonSchema } from './engine.js';

/** How a JSON Schema field is edited in the settings form. */
export type Widget = 'fn' | 'duration' | 'number' | 'boolean' | 'enum' | 'string' | 'object' | 'union' | 'const' | 'json';

export function widgetOf(s: JsonSchema): Widget {
  if (s['x-flowbook'] === 'fn') return 'fn';
  if (s.const !== undefined) return 'const';
  if (s.oneOf && discriminatorOf(s) !== undefined) return 'union';
  if (s.enum) return 'enum';
  if (s.type === 'number' || s.type === 'integer') return s['x-flowbook'] === 'duration' ? 'duration' : 'number';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'string') return 'string';
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined) return 'object';
  // Arrays, records and `unknown`: edited as JSON text.
  return 'json';
}

/** The property that tells a oneOf's branches apart (a const in every branch), e.g. `kind`. */
export function discriminatorOf(s: JsonSchema): string | undefined {
  const first = s.oneOf?.[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((k) => s.oneOf!.every((b) => b.properties?.[k]?.const !== undefined));
}

export function branchOf(s: JsonSchema, value: unknown): JsonSchema | undefined {
  const d = discriminatorOf(s);
  if (d === undefined || typeof value !== 'object' || value === null) return undefined;
  return s.oneOf!.find((b) => b.properties![d]!.const === (value as Record<string, unknown>)[d]);
}

/** A starting value for a field the user turns on: the schema's default, else the simplest valid-looking value. */
export function defaultFor(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  switch (widgetOf(s)) {
    case 'fn':
      return { code: '(value) => value' };
    case 'union':
      return defaultFor(s.oneOf![0]!);
    case 'enum':
      return s.enum![0];
    case 'boolean':
      return false;
    case 'number':
    case 'duration':
      return s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? 0);
    case 'string':
      return '';
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(s.properties ?? {})) if (s.required?.includes(k) || p.default !== undefined) out[k] = defaultFor(p);
      return out;
    }
    default:
      return s.type === 'array' ? [] : {};
  }
}

/** Switches a union value to another branch, keeping the fields both branches have (a window's `time`, `size`). */
export function switchBranch(s: JsonSchema, value: unknown, discriminatorValue: unknown): unknown {
  const d = discriminatorOf(s)!;
  const branch = s.oneOf!.find((b) => b.properties![d]!.const === discriminatorValue)!;
  const next = defaultFor(branch) as Record<string, unknown>;
  const old = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const k of Object.keys(branch.properties ?? {})) if (k !== d && old[k] !== undefined && valueFits(branch.properties![k]!, old[k])) next[k] = old[k];
  return next;
}

function valueFits(s: JsonSchema, v: unknown): boolean {
  switch (widgetOf(s)) {
    case 'enum':
      return s.enum!.includes(v);
    case 'number':
    case 'duration':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'fn':
      return typeof (v as { code?: unknown })?.code === 'string';
    default:
      return false;
  }
}

export type Path = (string | number)[];

/** Immutable set; `undefined` removes the key (an optional field left empty is absent, as in JSON). */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = (typeof root === 'object' && root !== null ? root : {}) as Record<string, unknown>;
  const copy: Record<string, unknown> = Array.isArray(base) ? ([...base] as unknown as Record<string, unknown>) : { ...base };
  const next = setAt(base[head!], rest, value);
  if (next === undefined) delete copy[head!];
  else copy[head!] = next;
  return copy;
}

export function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** 2000 → "2 s", 90000 → "1.5 min": the unit hint next to a duration field. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (abs >= size) return `${Math.round((ms / size) * 100) / 100} ${unit}`;
  return `${ms} ms`;
}
