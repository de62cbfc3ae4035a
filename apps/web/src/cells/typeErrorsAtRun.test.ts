import { describe, expect, it } from 'vitest';
import { typeErrorsOf } from './TypeErrorsAtRun.js';

const ERROR = 8;
describe('typeErrorsOf', () => {
  it("keeps the TypeScript worker's errors, first line of each message, in line order", () => {
    const markers = [
      { severity: ERROR, owner: 'typescript', startLineNumber: 4, message: "Cannot find name 'x'." },
      { severity: 4, owner: 'typescript', startLineNumber: 1, message: 'a warning' },
      { severity: ERROR, owner: 'flowbook-run', startLineNumber: 2, message: 'the run failed here' },
      { severity: ERROR, owner: 'typescript', startLineNumber: 1, message: "Type 'string' is not assignable to type 'number'.\n  more detail" },
    ];
    expect(typeErrorsOf(markers, ERROR)).toEqual([
      { line: 1, message: "Type 'string' is not assignable to type 'number'." },
      { line: 4, message: "Cannot find name 'x'." },
    ]);
  });
});
