// The `flowbook` command: run pipelines and notebooks headless (for CI and cron), and replay files over TCP.
import { run } from './run.js';
import { ReplayServer } from '../connectors/socket/ReplayServer.js';

const USAGE = `usage:
  flowbook run <notebook.flowbook.json | pipeline.pipeline.json> [--input <sourceName>=<file.jsonl>]... [--output <dir>] [--timeout <ms>]
  flowbook replay --port <port> <file> [--rate <lines/s>] [--loop]`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run') {
    const inputs: Record<string, string> = {};
    let file: string | undefined;
    let output = 'flowbook-output';
    let timeoutMs: number | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--input') {
        const spec = rest[++i] ?? '';
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new Error(`--input needs <sourceName>=<file.jsonl>, got "${spec}"`);
        inputs[spec.slice(0, eq)] = spec.slice(eq + 1);
      } else if (a === '--output') output = rest[++i] ?? output;
      else if (a === '--timeout') timeoutMs = Number(rest[++i]);
      else if (!file) file = a;
      else throw new Error(`unexpected argument "${a}"`);
    }
    if (!file) throw new Error('flowbook run: which file?\n' + USAGE);
    const { files } = await run({ file, inputs, outputDir: output, ...(timeoutMs ? { timeoutMs } : {}) });
    for (const f of files) console.log(`wrote ${f}`);
    return 0;
  }
  if (command === 'replay') {
    let port = 9181;
    let rate = 100;
    let loop = false;
    let file: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--port') port = Number(rest[++i]);
      else if (a === '--rate') rate = Number(rest[++i]);
      else if (a === '--loop') loop = true;
      else file = a;
    }
    if (!file) throw new Error('flowbook replay: which file?\n' + USAGE);
    const server = new ReplayServer({ port, file, rate, loop });
    const actual = await server.listen();
    console.log(`serving ${file} on port ${actual} (${rate === 0 ? 'as fast as possible' : `${rate} lines/s`} per client${loop ? ', looping' : ''}); Ctrl+C to stop`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => void server.close().then(resolve)).once('SIGTERM', () => void server.close().then(resolve)));
    return 0;
  }
  console.error(USAGE);
  return command === undefined || command === '--help' ? 0 : 2;
}
