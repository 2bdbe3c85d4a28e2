// What a CLI command may touch: two writers and the environment, so the commands run the
// same in a terminal and in-process in tests.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
}

/** A failure the user can act on: printed as `error: <message>`, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Options every command accepts (commander's optsWithGlobals). */
export interface GlobalOptions {
  json?: boolean;
  token?: string;
  apiUrl?: string;
}

export const printJson = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
