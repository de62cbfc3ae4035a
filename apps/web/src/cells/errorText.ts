/**
 * An error's message for under the cell, once the heading already says "Error at line 15": a compile error's own
 * "line 15: " prefix is dropped so the line is named once.
 */
export function errorText(message: string, line: number | undefined): string {
  return line === undefined ? message : message.replace(new RegExp(`^line ${line}: `), '');
}
