/**
 * Run notebooks in worker processes (the runner is in-process and tslab /
 * tfjs keep handles open), two at a time by default, and report them the way
 * `afw notebooks` prints:
 *
 *   ok   00_quickstart  4.1s
 *   FAIL 01_scenarios   cell 5: 3:7 - Type 'string' is not assignable to type 'number'.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { AfwError } from "../../util/errors";
import type { RunNotebookResult } from "./runner";

export interface NotebooksRunOptions {
  /** The checkout the notebooks belong to: workers start there (the faces pass lib/util/paths projectRoot()). */
  root: string;
  /** Execute into a temporary copy and leave the notebooks untouched. */
  check?: boolean;
  /** Run only the notebook with this name (with or without .ipynb) or name prefix ("00"). */
  only?: string;
  /** Budget per notebook in milliseconds (default 600 000). */
  timeoutMs?: number;
  /** Where report lines go (default: stdout). */
  print?: (line: string) => void;
  /** Worker processes running notebooks at once (default `defaultJobs()`). */
  jobs?: number;
  /** Called with each notebook's outcome as it finishes (bench/). */
  onOutcome?: (o: NotebookOutcome) => void;
}

/** The notebooks in a folder (a checkout's notebooks/): *.ipynb, absolute paths, sorted by name. */
export function listNotebooks(dir: string): string[] {
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

/**
 * How many worker processes run notebooks at once: `AFW_NOTEBOOK_JOBS` when
 * set, else 2 (or 1 on a one-core machine). Each worker type-checks the
 * library once, then runs notebooks one after another.
 */
export function defaultJobs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.AFW_NOTEBOOK_JOBS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** One line per notebook as `afw notebooks` prints it, plus the failing cell's source and error. */
function reportLines(name: string, wall: number, r: { result?: ChildResult; output: string; exit?: string }): string[] {
  const secs = `${wall.toFixed(1)}s`;
  if (r.result?.ok) return [`ok   ${name}  ${secs}`];
  const fc = r.result?.failedCell;
  if (fc) {
    const first = fc.error.split("\n").find((l) => l.trim()) ?? "";
    return [`FAIL ${name}  cell ${fc.index + 1}: ${first}`, indent("--- source ---\n" + fc.source.replace(/\n$/, "")), indent("--- error ---\n" + fc.error)];
  }
  const why = r.result?.fatal ?? `the runner exited with ${r.exit ?? "an error"} before reporting`;
  const lines = [`FAIL ${name}  ${why}`];
  if (r.output.trim()) lines.push(indent(r.output.trim()));
  return lines;
}

/** Per-notebook outcome of `runNotebooksInSubprocesses`. */
export interface NotebookOutcome {
  path: string;
  ok: boolean;
  /** Wall-clock seconds from sending the notebook to a worker to its result. */
  seconds: number;
  result?: ChildResult;
}

/**
 * Execute notebooks in worker processes (`node --import tsx
 * lib/tools/notebooks/child.ts --ipc`), `jobs` at a time, each worker taking the
 * next notebook when it is free. Prints one line per notebook, in the
 * order given, plus the failing cell's source and full error, then a
 * summary. Without `check` each notebook is rewritten in place with its new
 * outputs when it succeeds. Returns the exit code: 0 when all ran, 1 when
 * any failed. `onOutcome` receives each notebook's outcome (bench/).
 */
export async function runNotebooksInSubprocesses(paths: string[], opts: NotebooksRunOptions): Promise<number> {
  const print = opts.print ?? ((line: string) => void process.stdout.write(line + "\n"));
  const selected = selectNotebooks(paths.map((p) => resolve(p)), opts.only);
  if (!selected.length) {
    print("no notebooks to run");
    return 0;
  }
  const width = Math.max(...selected.map((p) => notebookName(p).length));
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const jobs = Math.max(1, Math.min(opts.jobs ?? defaultJobs(), selected.length));
  const tmp = mkdtempSync(join(tmpdir(), "afw-nb-"));
  const done: (string[] | undefined)[] = new Array(selected.length).fill(undefined);
  let printed = 0;
  let failed = 0;
  const finish = (i: number, wall: number, r: { result?: ChildResult; output: string; exit?: string }) => {
    if (!r.result?.ok) failed++;
    done[i] = reportLines(notebookName(selected[i]).padEnd(width), wall, r);
    opts.onOutcome?.({ path: selected[i], ok: !!r.result?.ok, seconds: wall, result: r.result });
    while (printed < done.length && done[printed]) for (const l of done[printed++]!) print(l);
  };
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: jobs }, async () => {
        let worker: Worker | null = null;
        while (next < selected.length) {
          const i = next++;
          worker ??= new Worker(opts.root);
          const out = opts.check ? join(tmp, `${i}-${basename(selected[i])}`) : undefined;
          const t0 = performance.now();
          const r = await worker.run(selected[i], out, timeoutMs);
          finish(i, (performance.now() - t0) / 1000, r);
          if (!worker.alive) worker = null; // a crashed or killed worker is replaced for the next notebook
        }
        await worker?.stop();
      }),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  print(`${selected.length - failed} ok, ${failed} failed (${secs}s)`);
  return failed ? 1 : 0;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => "    " + l)
    .join("\n");
}

/** What one notebook run reports back from a worker. */
type ChildResult = RunNotebookResult & { fatal?: string };

/**
 * A forked notebook worker. It keeps the last 64 kB of its own stdout and
 * stderr (output outside any cell: crashes, tslab start-up errors) to show
 * when a notebook ends without a result.
 */
class Worker {
  private readonly child: ChildProcess;
  private output = "";
  private exit: string | null = null;
  private waiting: ((r: { result?: ChildResult; output: string; exit?: string }) => void) | null = null;
  private readonly exited: Promise<void>;

  constructor(root: string) {
    this.child = fork(join(root, "lib", "tools", "notebooks", "worker.mjs"), ["--ipc"], {
      cwd: root,
      // AFW_NOTEBOOK_BATCH: the notebooks' `wb.finish()` leaves the figure exporter open for the next notebook.
      env: { ...process.env, AFW_ROOT: root, AFW_NOTEBOOK_BATCH: "1" },
      execArgv: [],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString("utf8")).slice(-64_000);
    };
    this.child.stdout!.on("data", keep);
    this.child.stderr!.on("data", keep);
    this.child.on("message", (m: { type: string; result?: ChildResult }) => {
      if (m.type === "result" && this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w({ result: m.result, output: this.takeOutput() });
      }
    });
    this.exited = new Promise((done) => {
      const onEnd = (why: string) => {
        if (this.exit === null) this.exit = why;
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = null;
          w({ output: this.takeOutput(), exit: this.exit });
        }
        done();
      };
      this.child.on("error", (e) => onEnd("spawn error: " + e.message));
      this.child.on("exit", (code, signal) => onEnd(signal ? `signal ${signal}` : `code ${code}`));
    });
  }

  get alive(): boolean {
    return this.exit === null;
  }

  private takeOutput(): string {
    const o = this.output;
    this.output = "";
    return o;
  }

  /** Run one notebook; the worker enforces the budget for async cells, this kill catches a blocked loop. */
  run(path: string, out: string | undefined, timeoutMs: number): Promise<{ result?: ChildResult; output: string; exit?: string }> {
    return new Promise((done) => {
      if (!this.alive) return done({ output: this.takeOutput(), exit: this.exit ?? undefined });
      const killer = setTimeout(() => {
        this.output += `\n(killed: no result ${Math.round(timeoutMs / 1000) + 30} s after start)\n`;
        this.child.kill("SIGKILL");
      }, timeoutMs + 30_000);
      this.waiting = (r) => {
        clearTimeout(killer);
        done(r);
      };
      this.child.send({ type: "run", path, out, timeoutMs });
    });
  }

  /** Ask the worker to exit (closing its figure exporter), and kill it if it does not within 15 s. */
  async stop(): Promise<void> {
    if (this.alive && this.child.connected) this.child.send({ type: "exit" });
    const t = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await this.exited;
    clearTimeout(t);
  }
}
