import * as engine from '../index.js';
import { runCellCode } from '../cells/runCellCode.js';
import { StreamExecutionEnvironment, type ExecutionHost, type JobClient } from '../api/StreamExecutionEnvironment.js';
import type { SlotProgram } from '../runtime/slots/messages.js';

/**
 * Runs a program (cell TypeScript) as a host does, with slots on (or off): returns what its collect sinks received,
 * by sink name, and the clients of the jobs it submitted. For tests and benches.
 */
export async function runProgram(
  source: string,
  options: { slots?: boolean; globals?: Record<string, unknown>; host?: Partial<ExecutionHost> } = {},
): Promise<{ results: Record<string, unknown[]>; clients: JobClient[]; logs: string[] }> {
  const results: Record<string, unknown[]> = {};
  const logs: string[] = [];
  const clients: JobClient[] = [];
  const program: SlotProgram = { source, ...(options.globals ? { globals: options.globals } : {}) };
  Object.assign(globalThis, options.globals ?? {});
  StreamExecutionEnvironment.setContextHost({
    services: {
      collect: (sink: string, value: unknown) => (results[sink] ??= []).push(value),
      log: (line: string) => logs.push(line),
    },
    onExecution: (c) => clients.push(c),
    ...(options.slots !== false ? { slots: { program } } : {}),
    ...options.host,
  });
  try {
    await runCellCode(source, engine as unknown as Record<string, unknown>);
    for (const c of clients) await c.getJobExecutionResult();
  } finally {
    StreamExecutionEnvironment.setContextHost(undefined);
  }
  return { results, clients, logs };
}
