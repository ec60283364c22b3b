import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AfwError } from "../util/errors";
import { projectRoot } from "../util/paths";
import { wantsHelp, type Command, type Io } from "./command";

/**
 * The afw command. Each subcommand is a file in lib/cli/commands/ exporting
 * `command`; it is imported only when used (report pulls in danfojs and
 * tfjs, which take a second to load, and run should not pay for that).
 */
export function commandNames(): string[] {
  return readdirSync(join(projectRoot(), "lib", "cli", "commands"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  const mod = (await import(`./commands/${name}`)) as { command: Command };
  return mod.command;
}

/**
 * A command's one-line summary, read from its file's `summary: "…"` line so
 * that `afw --help` need not import every command (report and demo pull in
 * danfojs and tfjs); imported only if that line is not there.
 */
async function summaryOf(name: string): Promise<string> {
  const text = readFileSync(join(projectRoot(), "lib", "cli", "commands", `${name}.ts`), "utf8");
  const m = /^\s*summary:\s*"((?:[^"\\]|\\.)*)",?\s*$/m.exec(text);
  return m ? m[1] : (await loadCommand(name)).summary;
}

async function help(io: Io): Promise<void> {
  const lines = ["afw — the af-workbook command", ""];
  for (const name of commandNames()) lines.push(`  afw ${name.padEnd(16)} ${await summaryOf(name)}`);
  lines.push("", "  afw COMMAND --help    the flags of one command");
  io.out(lines.join("\n"));
}

/** Run the CLI; returns the exit code. Bad input: one line on stderr, exit 2. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
      await help(io);
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
