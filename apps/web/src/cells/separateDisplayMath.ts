/**
 * Puts blank lines around `$$ … $$` display math that starts on its own line inside a paragraph (Jupyter renders
 * "text:\n$$\nx \\\\ y\n$$" as display math; markdown would otherwise read it as paragraph text and eat the `\\`).
 * Fenced code blocks are left alone.
 */
export function separateDisplayMath(source: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  let inMath = false;
  const blankBefore = () => {
    if (out.length > 0 && out[out.length - 1]!.trim() !== '') out.push('');
  };
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const t = line.trim();
    const next = lines[i + 1];
    const blankAfter = () => next !== undefined && next.trim() !== '';
    if (!inMath) {
      const f = /^(```|~~~)/.exec(t)?.[1];
      if (f && (fence === undefined || fence === f)) fence = fence === undefined ? f : undefined;
      if (fence !== undefined || f) return void out.push(line);
    }
    if (!inMath && t.startsWith('$$')) {
      const closedHere = t.length > 2 && t.endsWith('$$') && t !== '$$';
      blankBefore();
      out.push(line);
      if (closedHere) {
        if (blankAfter()) out.push('');
      } else inMath = true;
      return;
    }
    out.push(line);
    if (inMath && t.endsWith('$$')) {
      inMath = false;
      if (blankAfter()) out.push('');
    }
  });
  return out.join('\n');
}
