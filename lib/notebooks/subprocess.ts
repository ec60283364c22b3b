/**
 * Run notebooks one per child process (the runner is in-process and tslab /
 * tfjs keep handles open), and report them the way `afw notebooks` prints:
 *
 *   ok   00_quickstart  4.1s
 *   FAIL 01_scenarios   cell 5: 3:7 - Type 'string' is not assignable to type 'number'.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { AfwError } from "../util/errors";
import { fromRoot, projectRoot } from "../util/paths";
import type { RunNotebookResult } from "./runner";

export interface NotebooksRunOptions {
  /** Execute into a temporary copy and leave the notebooks untouched. */
  check?: boolean;
  /** Run only the notebook with this name (with or without .ipynb) or name prefix ("00"). */
  only?: string;
  /** Budget per notebook in milliseconds (default 600 000). */
  timeoutMs?: number;
  /** Where report lines go (default: stdout). */
  print?: (line: string) => void;
}

/** The notebooks of the checkout: notebooks/*.ipynb, absolute paths, sorted by name. */
export function listNotebooks(dir: string = fromRoot("notebooks")): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .sort()
    .map((f) => join(dir, f));
}

/** The notebook's short name: file name without .ipynb. */
export function notebookName(path: string): string {
  return basename(path).replace(/\.ipynb$/, "");
}

/**
 * Narrow `paths` to `only`: an exact name wins, otherwise every name that
 * starts with it. Nothing matching is a user error listing what exists.
 */
export function selectNotebooks(paths: string[], only?: string): string[] {
  if (!only) return paths;
  const want = only.replace(/\.ipynb$/, "");
  const exact = paths.filter((p) => notebookName(p) === want);
  const picked = exact.length ? exact : paths.filter((p) => notebookName(p).startsWith(want));
  if (!picked.length) {
    const names = paths.map(notebookName).join(", ") || "none";
    throw new AfwError(`no notebook named ${only} (available: ${names})`);
  }
  return picked;
}

/** What one child run reports back. */
type ChildResult = RunNotebookResult & { fatal?: string };

/**
 * Execute each notebook in its own `node --import tsx lib/notebooks/child.ts`
 * process, one after the other, print one line per notebook (plus the failing
 * cell's source and full error) and a summary. Without `check` each notebook
 * is rewritten in place with its new outputs when it succeeds. Returns the
 * exit code: 0 when all ran, 1 when any failed.
 */
export async function runNotebooksInSubprocesses(paths: string[], opts: NotebooksRunOptions = {}): Promise<number> {
  const print = opts.print ?? ((line: string) => void process.stdout.write(line + "\n"));
  const selected = selectNotebooks(paths.map((p) => resolve(p)), opts.only);
  if (!selected.length) {
    print("no notebooks to run");
    return 0;
  }
  const width = Math.max(...selected.map((p) => notebookName(p).length));
  const started = performance.now();
  let failed = 0;
  for (const nbPath of selected) {
    const name = notebookName(nbPath).padEnd(width);
    const t0 = performance.now();
    const r = await runChild(nbPath, !!opts.check, opts.timeoutMs ?? 600_000);
    const wall = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.result?.ok) {
      print(`ok   ${name}  ${wall}s`);
      continue;
    }
    failed++;
    const fc = r.result?.failedCell;
    if (fc) {
      const first = fc.error.split("\n").find((l) => l.trim()) ?? "";
      print(`FAIL ${name}  cell ${fc.index + 1}: ${first}`);
      print(indent("--- source ---\n" + fc.source.replace(/\n$/, "")));
      print(indent("--- error ---\n" + fc.error));
    } else {
      const why = r.result?.fatal ?? `the runner exited with ${r.exit} before reporting`;
      print(`FAIL ${name}  ${why}`);
      if (r.output.trim()) print(indent(r.output.trim()));
    }
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  print(`${selected.length - failed} ok, ${failed} failed (${secs}s)`);
  return failed ? 1 : 0;
}

/** `afw notebooks [--only NAME] [--check]`: run the checkout's notebooks. */
export function notebooksCommand(args: { only?: string; check?: boolean }): Promise<number> {
  return runNotebooksInSubprocesses(listNotebooks(), { only: args.only, check: args.check });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => "    " + l)
    .join("\n");
}

/** Run one notebook in a child process and collect its result file and output. */
async function runChild(
  nbPath: string,
  check: boolean,
  timeoutMs: number,
): Promise<{ result?: ChildResult; exit: string; output: string }> {
  const root = projectRoot();
  const tmp = mkdtempSync(join(tmpdir(), "afw-nb-"));
  const resultFile = join(tmp, "result.json");
  const args = ["--import", "tsx", join(root, "lib", "notebooks", "child.ts"), nbPath, "--result", resultFile, "--timeout", String(timeoutMs)];
  if (check) args.push("--out", join(tmp, basename(nbPath)));
  try {
    const { exit, output } = await new Promise<{ exit: string; output: string }>((done) => {
      const child = spawn(process.execPath, args, {
        cwd: root,
        env: { ...process.env, AFW_ROOT: root },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const keep = (b: Buffer) => {
        if (output.length < 64_000) output += b.toString("utf8");
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      // The child enforces the budget for async cells; this catches a blocked loop.
      const killer = setTimeout(() => {
        output += `\n(killed: no result ${Math.round(timeoutMs / 1000) + 30} s after start)\n`;
        child.kill("SIGKILL");
      }, timeoutMs + 30_000);
      child.on("error", (e) => {
        clearTimeout(killer);
        done({ exit: "spawn error: " + e.message, output });
      });
      child.on("close", (code, signal) => {
        clearTimeout(killer);
        done({ exit: signal ? `signal ${signal}` : `code ${code}`, output });
      });
    });
    const result = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, "utf8")) as ChildResult) : undefined;
    return { result, exit, output };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
