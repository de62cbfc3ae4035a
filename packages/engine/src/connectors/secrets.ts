/**
 * Secrets in connector configs: a string `${env:NAME}` or `${secret:NAME}` (alone or inside a URL) is replaced when
 * the job starts, so notebook files and job graphs only ever hold the placeholder. `env:` reads the environment of the
 * process that runs the job; `secret:` asks the host (the server reads its secrets file).
 */
export type SecretLookup = (kind: 'env' | 'secret', name: string) => string | undefined;

const PLACEHOLDER = /\$\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

// globalThis.process: this module is also loaded in the browser (schemas for the canvas), where there is no process.
let lookup: SecretLookup = (kind, name) => (kind === 'env' ? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name] : undefined);

/** For hosts: where `${secret:NAME}` comes from (and `${env:NAME}`, if it should not be process.env). */
export function setSecretLookup(fn: SecretLookup): void {
  lookup = fn;
}

/** Replaces placeholders in every string of a config; a missing secret is an error naming it (never an empty password). */
export function resolveSecrets<T>(value: T, where: string): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_m, kind: 'env' | 'secret', name: string) => {
      const v = lookup(kind, name);
      if (v === undefined) throw new Error(`${where}: ${kind === 'env' ? 'environment variable' : 'secret'} ${name} is not set`);
      return v;
    }) as T;
  }
  // Copies only what holds a placeholder: a config may carry millions of elements (fromCollection).
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v !== 'string' && (v === null || typeof v !== 'object')) continue;
      const r = resolveSecrets(v, where);
      if (r !== v) (out ??= [...value])[i] = r;
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const r = resolveSecrets(v, where);
      if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
    }
    return (out ?? value) as T;
  }
  return value;
}

const SENSITIVE_KEY = /pass(word)?|secret|token|credential|private.?key|sasl/i;

/** A copy safe to show: values of password-like keys and passwords inside URLs are masked. */
export function redactSecrets<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/(\/\/[^/:@\s]+:)[^@/\s]+@/g, '$1•••@') as T;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SENSITIVE_KEY.test(k) && typeof v === 'string' && !/^\$\{(env|secret):/.test(v) ? '•••' : redactSecrets(v)]),
    ) as T;
  }
  return value;
}
