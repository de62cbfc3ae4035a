import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';

const Secrets = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/), z.string());

/**
 * The server's secrets: a JSON object `{ "NAME": "value" }` in a file only the server's user can read
 * (`.flowbook/secrets.json` or FLOWBOOK_SECRETS_FILE). Cells and pipelines refer to them as `${secret:NAME}` in
 * connector configs; values go to the job's worker only, never into notebook files or to browsers.
 */
export class SecretsFile {
  constructor(
    readonly file: string,
    private readonly warn: (m: string) => void = (m) => console.warn(m),
  ) {}

  /** Read at each job start, so an edited file applies to the next run; a missing file means no secrets. */
  load(): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file}: ${(e as Error).message}`);
    }
    if ((statSync(this.file).mode & 0o077) !== 0) this.warn(`${this.file} can be read by other users; chmod 600 it`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.file}: not JSON: ${(e as Error).message}`);
    }
    const parsed = Secrets.safeParse(raw);
    if (!parsed.success) throw new Error(`${this.file}: expected {"NAME": "value", …}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
}
