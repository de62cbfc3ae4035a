// The `flowbook` command: run pipelines and notebooks headless (for CI and cron), and replay files over TCP.
import { run } from './run.js';
import { InvalidInputError } from './InvalidInputError.js';
import { parseDuration } from './parseDuration.js';
import { ReplayServer } from '../connectors/socket/ReplayServer.js';
import { runWorker } from './worker.js';

const USAGE = `usage:
  flowbook run <notebook.flowbook.json | pipeline.pipeline.json> [--input <sourceName>=<file.jsonl>]... [--output <dir>]
               [--timeout <duration: 10s, 500ms, 2m>] [--param <name>=<value>]... [--checkpoint-dir <dir | postgres://…>]
  flowbook worker --job <name> <pipeline.pipeline.json | notebook.flowbook.json [--cell <pipeline or code cell id>]> --checkpoint-dir <postgres://…>
                  [--session-timeout <duration>] [--no-repartition | --repartition-partitions <n>]
  flowbook replay --port <port> <file> [--rate <lines/s>] [--loop]
exit codes: 0 ok (also when --timeout ended the run), 1 a job or cell failed, 2 invalid input (arguments, file, cell, graph)`;

/** `name=value` of a repeatable option. */
function pair(option: string, spec: string | undefined, what: string): [string, string] {
  const eq = (spec ?? '').indexOf('=');
  if (spec === undefined || eq <= 0) throw new InvalidInputError(`${option} needs ${what}, got "${spec ?? ''}"`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run') {
    const inputs: Record<string, string> = {};
    const params: Record<string, string> = {};
    let file: string | undefined;
    let output = 'flowbook-output';
    let timeoutMs: number | undefined;
    let checkpointDir: string | undefined;
    const value = (i: number, option: string) => {
      const v = rest[i];
      if (v === undefined || v.startsWith('--')) throw new InvalidInputError(`${option} needs a value\n${USAGE}`);
      return v;
    };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--input') {
        const [k, v] = pair(a, rest[++i], '<sourceName>=<file.jsonl>');
        inputs[k] = v;
      } else if (a === '--param') {
        const [k, v] = pair(a, rest[++i], '<name>=<value>');
        params[k] = v;
      } else if (a === '--output') output = value(++i, a);
      else if (a === '--timeout') timeoutMs = parseDuration(value(++i, a));
      else if (a === '--checkpoint-dir') checkpointDir = value(++i, a);
      else if (a.startsWith('--')) throw new InvalidInputError(`unknown option ${a}\n${USAGE}`);
      else if (!file) file = a;
      else throw new InvalidInputError(`unexpected argument "${a}"\n${USAGE}`);
    }
    if (!file) throw new InvalidInputError('flowbook run: which file?\n' + USAGE);
    const result = await run({ file, inputs, params, outputDir: output, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(checkpointDir ? { checkpointDir } : {}) });
    for (const f of result.files) console.log(`wrote ${f}`);
    if (result.failure) {
      console.error(`flowbook: ${result.failure.message}`);
      return 1;
    }
    return 0;
  }
  if (command === 'worker') {
    let file: string | undefined;
    let jobName: string | undefined;
    let checkpointDir: string | undefined;
    let sessionTimeoutMs: number | undefined;
    let cellId: string | undefined;
    let repartition: boolean | undefined;
    let repartitionPartitions: number | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      const next = () => {
        const v = rest[++i];
        if (v === undefined || v.startsWith('--')) throw new InvalidInputError(`${a} needs a value\n${USAGE}`);
        return v;
      };
      if (a === '--job') jobName = next();
      else if (a === '--checkpoint-dir') checkpointDir = next();
      else if (a === '--session-timeout') sessionTimeoutMs = parseDuration(next());
      else if (a === '--cell') cellId = next();
      else if (a === '--no-repartition') repartition = false;
      else if (a === '--repartition-partitions') {
        repartitionPartitions = Number(next());
        if (!Number.isInteger(repartitionPartitions) || repartitionPartitions < 1) throw new InvalidInputError(`--repartition-partitions needs a positive integer\n${USAGE}`);
      } else if (a.startsWith('--')) throw new InvalidInputError(`unknown option ${a}\n${USAGE}`);
      else if (!file) file = a;
      else throw new InvalidInputError(`unexpected argument "${a}"\n${USAGE}`);
    }
    if (!file || !jobName || !checkpointDir) throw new InvalidInputError(`flowbook worker needs --job, --checkpoint-dir and a pipeline file\n${USAGE}`);
    await runWorker({
      file,
      jobName,
      checkpointDir,
      ...(cellId !== undefined ? { cellId } : {}),
      ...(sessionTimeoutMs !== undefined ? { sessionTimeoutMs } : {}),
      ...(repartition !== undefined ? { repartition } : {}),
      ...(repartitionPartitions !== undefined ? { repartitionPartitions } : {}),
    });
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
    if (!file) throw new InvalidInputError('flowbook replay: which file?\n' + USAGE);
    const server = new ReplayServer({ port, file, rate, loop });
    const actual = await server.listen();
    console.log(`serving ${file} on port ${actual} (${rate === 0 ? 'as fast as possible' : `${rate} lines/s`} per client${loop ? ', looping' : ''}); Ctrl+C to stop`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => void server.close().then(resolve)).once('SIGTERM', () => void server.close().then(resolve)));
    return 0;
  }
  console.error(USAGE);
  return command === undefined || command === '--help' ? 0 : 2;
}
