export type DiffLineKind = 'add' | 'del' | 'hunk' | 'context';
export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/**
 * The lines of a unified diff (as `diff`'s createTwoFilesPatch writes it) worth showing: hunks, added, removed and
 * context lines. The file header (Index, ===, ---/+++) and "\ No newline at end of file" markers are dropped.
 */
export function diffLines(patch: string): DiffLine[] {
  const out: DiffLine[] = [];
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('@@')) {
      inHunk = true;
      out.push({ kind: 'hunk', text: line });
    } else if (!inHunk || line.startsWith('\\')) {
      continue; // header before the first hunk; "\ No newline" markers
    } else if (line.startsWith('+')) out.push({ kind: 'add', text: line.slice(1) });
    else if (line.startsWith('-')) out.push({ kind: 'del', text: line.slice(1) });
    else if (line.startsWith(' ')) out.push({ kind: 'context', text: line.slice(1) });
  }
  return out;
}

export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  return { added: lines.filter((l) => l.kind === 'add').length, removed: lines.filter((l) => l.kind === 'del').length };
}
