/**
 * A user-facing error: bad input, a missing file, an unknown flag. The CLI
 * prints its message on one line and exits with code 2.
 */
export class AfwError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "AfwError";
    this.exitCode = exitCode;
  }
}
