import type { z } from 'zod';

/** Turns a document of version N into one of version N+1. */
export type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

export interface Versioned<S extends z.ZodType> {
  /** The version this code writes. */
  current: number;
  /** Migrations from version N to N+1, indexed by N; a document without `version` is version 0. */
  migrations: Record<number, Migration>;
  schema: S;
  /** Prefix of error messages ("pipeline graph"); none when the caller names the file itself. */
  what?: string;
}

/**
 * Parses a versioned JSON document (a notebook file, a pipeline graph), migrating older versions one step at a time,
 * as tldraw's store does; throws an Error whose message names the fields at fault.
 */
export function migrateVersioned<S extends z.ZodType>(raw: unknown, { current, migrations, schema, what }: Versioned<S>): z.output<S> {
  const fail = (message: string) => new Error(what === undefined ? message : `${what}: ${message}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('not a JSON object');
  let doc = raw as Record<string, unknown>;
  const v = doc.version === undefined ? 0 : doc.version;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw fail(`"version" must be an integer, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}`);
  if (v > current) throw fail(`version ${v} is newer than this Flowbook understands (${current}); upgrade Flowbook`);
  for (let version = v; version < current; version = doc.version as number) doc = migrations[version]!(doc);
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data;
}
