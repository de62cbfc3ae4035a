import { describe, expect, it } from 'vitest';
import { errorColumnOf, errorLineOf } from './errorLine.js';

class SqlError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'SqlError';
  }
}

describe('errorLineOf', () => {
  it("takes a SQL error's own line, not the generated program's", () => {
    const err = new SqlError('line 3, column 8: unknown table "ordres"', 3, 8);
    err.stack = 'SqlError: ...\n    at file:///cell.ts:2:7';
    expect(errorLineOf(err)).toBe(3);
    expect(errorColumnOf(err)).toBe(8);
  });

  it('gives no line for a SQL error without one, or in a statement of a cell above', () => {
    expect(errorLineOf(new SqlError('no trailing query'))).toBeUndefined();
    // The engine's message: `line 1, column 5: in catalog statement 2: line 1, column 5: ...`.
    expect(errorLineOf(new SqlError('line 1, column 5: in catalog statement 2: line 1, column 5: bad option', 1, 5))).toBeUndefined();
    expect(errorColumnOf(new SqlError('line 1, column 5: in catalog statement 2: line 1, column 5: bad option', 1, 5))).toBeUndefined();
  });

  it("takes a code cell's line from the stack", () => {
    const err = new Error('boom');
    err.stack = 'Error: boom\n    at file:///x/cell.ts:7:13';
    expect(errorLineOf(err)).toBe(7);
    expect(errorColumnOf(err)).toBeUndefined();
  });
});
