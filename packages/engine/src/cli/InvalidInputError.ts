/** Bad input to the CLI (arguments, files, cells that do not compile): the CLI exits with code 2, not 1 (a job failed). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly exitCode = 2;
}
