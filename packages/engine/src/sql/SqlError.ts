/** A SQL parse or validation error; `line`/`column` (1-based) point into the script that was given. */
export class SqlError extends Error {
  line?: number;
  column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(line !== undefined ? `line ${line}${column !== undefined ? `, column ${column}` : ''}: ${message}` : message);
    this.name = 'SqlError';
    this.line = line;
    this.column = column;
  }
}
