/**
 * An error caused by the user's input or repository, not by a bug in the tool.
 * The command layer prints `message` as one line on stderr (no stack unless --debug)
 * and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;
  /** Repo-relative file the problem is in, when there is one. */
  readonly file: string | undefined;

  constructor(message: string, options: { file?: string; exitCode?: number; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? 1;
    this.file = options.file;
  }
}

/** A command-line usage mistake: exit code 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}
