import { AfwError } from "../util/errors";
import { AFW_VERSION } from "../util/version";
import { wantsHelp, type Command, type Io } from "./command";
import { COMMANDS } from "./commands/index";

/**
 * The afw command. Each subcommand is a file in lib/cli/commands/ exporting
 * `command`, listed with its summary in lib/cli/commands/index.ts; it is
 * imported only when used, and `afw --help` imports none.
 */
export function commandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await COMMANDS[name].load()).command;
}

function help(io: Io): void {
  const lines = ["afw — the af-workbook command", ""];
  for (const name of commandNames()) lines.push(`  afw ${name.padEnd(16)} ${COMMANDS[name].summary}`);
  lines.push("", "  afw COMMAND --help    the flags of one command (or afw help COMMAND)", "  afw --version         the version");
  io.out(lines.join("\n"));
}

/** Run the CLI; returns the exit code. Bad input: one line on stderr, exit 2. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "--version" || cmd === "-V" || cmd === "version") {
      io.out(`afw ${AFW_VERSION}`);
      return 0;
    }
    // `afw help run` is `afw run --help`
    if (cmd === "help" && rest.length) return await main([rest[0], "--help"], io);
    if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
      help(io);
      return 0;
    }
    const names = commandNames();
    if (!names.includes(cmd)) throw new AfwError(`afw: unknown command "${cmd}"; commands: ${names.join(", ")}`);
    const command = await loadCommand(cmd);
    if (wantsHelp(rest)) {
      io.out(command.help);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof AfwError) {
      io.log(e.message.split("\n")[0]);
      return e.exitCode;
    }
    io.log(`afw: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

export function defaultIo(): Io {
  return { out: (s) => void process.stdout.write(s + "\n"), log: (s) => void process.stderr.write(s + "\n"), env: process.env };
}
