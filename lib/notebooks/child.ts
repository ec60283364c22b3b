/**
 * Entry script: execute one notebook in this process and exit.
 *
 *   node --import tsx lib/notebooks/child.ts NOTEBOOK --result FILE [--out FILE] [--timeout MS]
 *
 * Writes the RunNotebookResult as JSON to --result (the cells' own output is
 * captured into the notebook, so stdout is not a safe channel) and exits 0 on
 * success, 1 when a cell failed, 2 when the notebook could not be run at all.
 * process.exit is deliberate: tslab's watchers and tfjs keep the loop alive.
 */
import { formatWithOptions } from "node:util";
import { writeFileAtomic } from "../util/fsx";
import { runNotebook } from "./runner";

function parseArgs(argv: string[]): { path: string; result: string; out?: string; timeoutMs?: number } {
  const rest: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) flags[a.slice(2)] = argv[++i] ?? "";
    else rest.push(a);
  }
  if (rest.length !== 1 || !flags.result) throw new Error("usage: child.ts NOTEBOOK --result FILE [--out FILE] [--timeout MS]");
  return { path: rest[0], result: flags.result, out: flags.out, timeoutMs: flags.timeout ? Number(flags.timeout) : undefined };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // As in the tslab kernel: errors thrown from timers or unawaited promises
  // are reported into the running cell instead of killing the runner.
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  try {
    const result = await runNotebook(args.path, { outPath: args.out, timeoutMs: args.timeoutMs });
    writeFileAtomic(args.result, JSON.stringify(result));
    return result.ok ? 0 : 1;
  } catch (e) {
    const message = e instanceof Error ? e.message : formatWithOptions({ colors: false }, e);
    writeFileAtomic(args.result, JSON.stringify({ ok: false, cells: 0, seconds: 0, fatal: message }));
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(String(e instanceof Error ? e.stack : e) + "\n");
    process.exit(2);
  },
);
