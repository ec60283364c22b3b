/**
 * Entry script for a notebook worker process. Two ways to drive it:
 *
 *   node --import tsx lib/tools/notebooks/child.ts NOTEBOOK --result FILE [--out FILE] [--timeout MS]
 *     executes one notebook, writes its RunNotebookResult as JSON to --result
 *     and exits 0 on success, 1 when a cell failed, 2 when it could not run;
 *
 *   forked with an IPC channel and `--ipc` (what `afw notebooks` does):
 *     receives { type: "run", path, out?, timeoutMs } messages, executes each
 *     notebook in a NotebookSession kept per folder (so the library is
 *     type-checked and compiled once per worker, not once per notebook), and
 *     answers { type: "result", path, result }; { type: "exit" } ends it.
 *
 * Results travel by file or IPC, never stdout: the cells' own output is
 * captured into the notebook. process.exit is deliberate: tslab's watchers
 * and tfjs keep the event loop alive.
 */
import { formatWithOptions } from "node:util";
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "../../util/fsx";
import { NotebookSession, runNotebook, type RunNotebookResult } from "./runner";

/** A request from the parent to run one notebook. */
export interface RunMessage {
  type: "run";
  path: string;
  out?: string;
  timeoutMs?: number;
}

/** What a worker reports for one notebook (fatal: it could not be run at all). */
export type ChildResult = RunNotebookResult & { fatal?: string };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : formatWithOptions({ colors: false }, e);
}

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

async function single(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  try {
    const result = await runNotebook(args.path, { outPath: args.out, timeoutMs: args.timeoutMs });
    writeFileAtomic(args.result, JSON.stringify(result));
    return result.ok ? 0 : 1;
  } catch (e) {
    writeFileAtomic(args.result, JSON.stringify({ ok: false, cells: 0, seconds: 0, fatal: messageOf(e) }));
    return 2;
  }
}

/** Serve run requests over IPC until told to exit; returns the exit code. */
function serve(): Promise<number> {
  const sessions = new Map<string, NotebookSession>();
  let queue = Promise.resolve();
  const closeAll = async () => {
    for (const s of sessions.values()) {
      try {
        await s.shutdown();
      } catch {
        /* exiting anyway */
      }
    }
    sessions.clear();
  };
  return new Promise<number>((done) => {
    process.on("disconnect", () => {
      void closeAll().then(() => done(0));
    });
    process.on("message", (m: RunMessage | { type: "exit" }) => {
      queue = queue.then(async () => {
        if (m.type === "exit") {
          await closeAll();
          done(0);
          return;
        }
        let result: ChildResult;
        try {
          const dir = dirname(resolve(m.path));
          let session = sessions.get(dir);
          if (!session) {
            // tslab's rootDir is the working directory: one folder at a time.
            for (const [d, s] of sessions) {
              await s.shutdown();
              sessions.delete(d);
            }
            session = new NotebookSession(dir);
            sessions.set(dir, session);
          }
          result = await session.run(m.path, { outPath: m.out, timeoutMs: m.timeoutMs });
        } catch (e) {
          result = { ok: false, cells: 0, seconds: 0, fatal: messageOf(e) };
        }
        process.send!({ type: "result", path: m.path, result });
      });
    });
    process.send!({ type: "ready" });
  });
}

async function main(): Promise<number> {
  // As in the tslab kernel: errors thrown from timers or unawaited promises
  // are reported into the running cell instead of killing the worker.
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  // Started through worker.mjs: turn tsx off now that the runner is loaded.
  const beforeCells = (globalThis as { __afwBeforeCells?: () => unknown }).__afwBeforeCells;
  if (beforeCells) await beforeCells();
  const argv = process.argv.slice(2);
  if (argv[0] === "--ipc") {
    if (!process.send) throw new Error("child.ts --ipc needs an IPC channel (start it with child_process.fork)");
    return serve();
  }
  return single(argv);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(String(e instanceof Error ? e.stack : e) + "\n");
    process.exit(2);
  },
);
