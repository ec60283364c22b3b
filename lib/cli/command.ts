/** One afw subcommand: a file in lib/cli/commands/ that exports `command`, plus its line in lib/cli/commands/index.ts. */
export interface Io {
  /** Results for the user (stdout). */
  out: (s: string) => void;
  /** Progress and notes (stderr). */
  log: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** One line (the same as its line in lib/cli/commands/index.ts, which is what `afw --help` shows). */
  summary?: string;
  /** The whole `afw NAME --help` text. */
  help: string;
  /** Run it; returns the exit code. Bad input throws AfwError (exit 2). */
  run(argv: string[], io: Io): Promise<number>;
}

/** True when argv asks for help. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
