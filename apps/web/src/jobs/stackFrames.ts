/** A stack split for reading: the user's cell frames shown, runs of engine/worker/node internals folded. */
export type StackPart = { kind: 'head' | 'user'; text: string } | { kind: 'internal'; lines: string[] };

/** Frames of the user's cell: its source map names the file cell.ts (engine's CELL_FILE). */
const USER_FRAME = /\bcell\.ts:\d+/;
const FRAME = /^\s+at\s/;

/** Splits a stack: the message lines, then frames, with consecutive internal frames (node:, the bundled worker, node_modules) folded. */
export function foldStack(stack: string): StackPart[] {
  const parts: StackPart[] = [];
  for (const line of stack.split('\n')) {
    if (!FRAME.test(line)) {
      parts.push({ kind: parts.some((p) => p.kind !== 'head') ? 'user' : 'head', text: line });
      continue;
    }
    if (USER_FRAME.test(line)) {
      parts.push({ kind: 'user', text: line });
      continue;
    }
    const last = parts.at(-1);
    if (last?.kind === 'internal') last.lines.push(line);
    else parts.push({ kind: 'internal', lines: [line] });
  }
  return parts;
}
