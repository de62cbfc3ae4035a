import { describe, expect, it } from 'vitest';
import { diffLines, diffStats } from './diff.js';

// As RevisionStore writes it (createTwoFilesPatch from the `diff` package).
const PATCH =
  '===================================================================\n--- nb (first)\n+++ nb (current)\n@@ -1,4 +1,4 @@\n {\n   "a": 1,\n-  "b": 2\n-}\n\\ No newline at end of file\n+  "b": 3\n+}\n';

describe('diffLines', () => {
  it('keeps hunks, added, removed and context lines, drops the header and markers', () => {
    expect(diffLines(PATCH)).toEqual([
      { kind: 'hunk', text: '@@ -1,4 +1,4 @@' },
      { kind: 'context', text: '{' },
      { kind: 'context', text: '  "a": 1,' },
      { kind: 'del', text: '  "b": 2' },
      { kind: 'del', text: '}' },
      { kind: 'add', text: '  "b": 3' },
      { kind: 'add', text: '}' },
    ]);
    expect(diffStats(diffLines(PATCH))).toEqual({ added: 2, removed: 2 });
  });

  it('is empty when nothing changed (header only)', () => {
    expect(diffLines('Index: a\n===================================================================\n--- a\n+++ a\n')).toEqual([]);
  });

  it('does not mistake a removed line that starts with "--" for a header inside a hunk', () => {
    expect(diffLines('--- a\n+++ b\n@@ -1 +1 @@\n--- x\n+++ y\n')).toEqual([
      { kind: 'hunk', text: '@@ -1 +1 @@' },
      { kind: 'del', text: '-- x' },
      { kind: 'add', text: '++ y' },
    ]);
  });
});
