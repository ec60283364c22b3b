/**
 * Execute a tslab notebook inside this Node process, without Jupyter, Python
 * or ZeroMQ. It drives tslab's own converter (type-check + compile to
 * CommonJS) and executor, exactly as the tslab kernel does, with the notebook's
 * folder as the working directory (tslab's rootDir), and records the streams,
 * display bundles and execution counts into the notebook JSON.
 *
 * In-process means: run one notebook per process (tslab and tfjs keep handles
 * open, and a cell may call process.exit). The CLI does that through
 * runNotebooksInSubprocesses (./subprocess). Relies on tslab 1.0.22 internals;
 * tslab is pinned exactly in package.json.
 */
import { Console } from "node:console";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { formatWithOptions } from "node:util";
import { writeFileAtomic } from "../../util/fsx";
import { requirePackage } from "../../util/resolve.cjs";
import {
  cellSource,
  readNotebook,
  serializeNotebook,
  toLines,
  type CellOutput,
  type DisplayDataOutput,
  type Notebook,
} from "./nbformat";

export interface RunNotebookOptions {
  /** Where to write the executed notebook. Default: the notebook itself, atomically, and only when every cell ran. */
  outPath?: string;
  /** Budget for the whole notebook in milliseconds (default 600 000). */
  timeoutMs?: number;
}

export interface FailedCell {
  /** 0-based position in the notebook's `cells` (markdown cells count too). */
  index: number;
  source: string;
  /** What the cell wrote to stderr: tslab type errors, thrown errors, timeouts. */
  error: string;
}

export interface RunNotebookResult {
  ok: boolean;
  /** Code cells executed, the failing one included. */
  cells: number;
  failedCell?: FailedCell;
  seconds: number;
  /** Seconds per executed code cell, in order (the first includes tslab's type-check of what it imports). */
  cellSeconds?: number[];
}

/** The parts of tslab 1.0.22's internals the runner uses. */
interface TslabConverter {
  close(): void;
  convert(prevDecl: string, src: string): unknown;
  inspect(prevDecl: string, src: string, position: number): unknown;
  complete(prevDecl: string, src: string, position: number): unknown;
}

/**
 * tslab keeps the declarations of earlier cells in a virtual file and starts
 * (and restarts, on reset) with an empty one. An empty file is a global
 * script to TypeScript, and a change to a file in the global scope makes the
 * compiler re-check every file of the program, the whole library included.
 * Starting from an empty *module* instead keeps the library's checked state
 * across a reset. Only the first cell of a notebook sees the difference,
 * and an empty module declares nothing, so what type-checks is unchanged.
 */
function moduleDecls(conv: TslabConverter): TslabConverter {
  const fix = (prevDecl: string) => (prevDecl === "" ? "export {};\n" : prevDecl);
  return Object.assign(Object.create(conv) as TslabConverter, {
    close: () => conv.close(),
    convert: (prevDecl: string, src: string) => conv.convert(fix(prevDecl), src),
    inspect: (prevDecl: string, src: string, position: number) => conv.inspect(fix(prevDecl), src, position),
    complete: (prevDecl: string, src: string, position: number) => conv.complete(fix(prevDecl), src, position),
  });
}
interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  interrupt(): void;
  reset(): void;
  close(): void;
}
interface DisplayMessage {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}
type WriteDisplayData = ((msg: DisplayMessage, update: boolean) => void) | null;

/** A stream output while it is still being appended to. */
interface OpenStream {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}
type LiveOutput = OpenStream | DisplayDataOutput;

/**
 * Run every code cell of the notebook at `path` in order, stopping at the
 * first failing cell. Outputs go into the notebook JSON (nbformat 4): merged
 * stdout/stderr streams, display_data bundles, execution counts 1, 2, ...
 * Cells after a failure get empty outputs. The file at `outPath` is written
 * atomically; with no `outPath` the notebook is overwritten only on success,
 * so a failing run never replaces a good notebook.
 */
export async function runNotebook(path: string, opts: RunNotebookOptions = {}): Promise<RunNotebookResult> {
  const session = new NotebookSession(dirname(resolve(path)));
  try {
    return await session.run(path, opts);
  } finally {
    session.close();
  }
}

/**
 * One tslab executor reused for several notebooks of the same folder, as a
 * kernel that is reset between notebooks (tslab's own `reset`: every
 * variable and declaration of the previous notebook is dropped). What it
 * keeps is tslab's compiled copy of the local modules (./lib/...), so the
 * type-check and compilation of the library, about 10 s, happens once per
 * session instead of once per notebook. The library's module-level state
 * (caches, the shared Chromium exporter) also carries over, as it would in
 * a kernel that is not restarted; real Jupyter (scripts/nbconvert.sh) runs
 * each notebook in a fresh kernel and stays the isolation check.
 */
export class NotebookSession {
  /** The notebooks' folder (absolute). */
  readonly dir: string;
  private readonly capture: OutputCapture;
  private readonly executor: TslabExecutor;
  private readonly prevCwd: string;
  private runs = 0;
  private closed = false;

  /** Open a session whose notebooks live in `dir` (tslab's rootDir: local imports resolve from there). */
  constructor(dir: string) {
    this.dir = resolve(dir);
    // tslab, resolved from the library's folder (not from the working directory, which changes below).
    const req = requirePackage;
    const { createConverter } = req("tslab/dist/converter") as {
      createConverter(o: { isJS: boolean; isBrowser: boolean }): TslabConverter;
    };
    const { createExecutor } = req("tslab/dist/executor") as {
      createExecutor(rootDir: string, convs: object, console: { log(...a: unknown[]): void; error(...a: unknown[]): void }): TslabExecutor;
    };
    const jupyter = req("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData };
    this.capture = new OutputCapture(jupyter);
    this.prevCwd = process.cwd();
    // tslab takes its rootDir from the working directory when the converter is made.
    process.chdir(this.dir);
    let conv: TslabConverter | undefined;
    const convs = {
      get node() {
        return (conv ??= moduleDecls(createConverter({ isJS: false, isBrowser: false })));
      },
      get browser(): TslabConverter {
        throw new Error("browser cells (//%browser) are not supported by the Node-only runner");
      },
      close() {
        conv?.close();
      },
    };
    const capture = this.capture;
    this.executor = createExecutor(this.dir, convs, {
      log: (...a: unknown[]) => capture.write("stdout", formatWithOptions({ colors: false }, ...a) + "\n"),
      error: (...a: unknown[]) => capture.write("stderr", formatWithOptions({ colors: false }, ...a) + "\n"),
    });
  }

  /** Execute one notebook of this session's folder; same contract as `runNotebook`. */
  async run(path: string, opts: RunNotebookOptions = {}): Promise<RunNotebookResult> {
    if (this.closed) throw new Error("the notebook session is closed");
    const started = performance.now();
    // Relative paths are relative to where the session was opened (it has since changed directory).
    const nbPath = resolve(this.prevCwd, path);
    if (dirname(nbPath) !== this.dir) throw new Error(`${nbPath} is not in this session's folder ${this.dir}`);
    const outPath = opts.outPath ? resolve(this.prevCwd, opts.outPath) : undefined;
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const nb = readNotebook(nbPath);
    if (this.runs++ > 0) this.executor.reset();

    const capture = this.capture;
    const executor = this.executor;
    let executed = 0;
    let failedCell: FailedCell | undefined;
    const cellSeconds: number[] = [];
    const deadline = Date.now() + timeoutMs;
    capture.install();
    try {
      for (let i = 0; i < nb.cells.length; i++) {
        const cell = nb.cells[i];
        if (cell.cell_type !== "code") continue;
        const source = cellSource(cell);
        if (failedCell || source.trim() === "") {
          cell.outputs = [];
          cell.execution_count = null;
          continue;
        }
        const live = capture.beginCell();
        executed++;
        const t0 = performance.now();
        let ok: boolean;
        try {
          ok = await withDeadline(executor.execute(source), deadline, timeoutMs, executor, () => capture.interrupting());
        } catch (e) {
          capture.write("stderr", (e instanceof TimeoutError ? e.message : formatWithOptions({ colors: false }, e)) + "\n");
          ok = false;
        }
        cellSeconds.push((performance.now() - t0) / 1000);
        cell.outputs = finishOutputs(live);
        cell.execution_count = executed;
        if (!ok) {
          const stderr = live.filter((o): o is OpenStream => o.output_type === "stream" && o.name === "stderr").map((o) => o.text).join("");
          failedCell = { index: i, source, error: stderr.trim() || "the cell failed without writing an error" };
        }
      }
    } finally {
      capture.restore();
    }

    // What the tslab kernel reports (nbconvert stores it the same way), so both runners write the same metadata.
    nb.metadata.language_info = {
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      file_extension: ".ts",
      mimetype: "text/typescript",
      name: "typescript",
      version: "3.7.2",
    };
    const ok = !failedCell;
    const target = outPath ?? (ok ? nbPath : undefined);
    if (target) writeFileAtomic(target, serializeNotebook(nb as Notebook));
    return { ok, cells: executed, failedCell, seconds: (performance.now() - started) / 1000, cellSeconds };
  }

  /**
   * End the session: when a notebook left the shared figure exporter open
   * for the next one (workbook `finish` in a batch worker), close it from
   * inside the session — the browser belongs to tslab's copy of the
   * library — then close the session.
   */
  async shutdown(): Promise<void> {
    const g = globalThis as Record<string, unknown>;
    // The flag is workbook.ts KEEP_EXPORTER_FLAG (not imported: the runner stays free of the library).
    if (!this.closed && g.__afwNotebookExporterKept) {
      delete g.__afwNotebookExporterKept;
      this.executor.reset();
      this.capture.install();
      try {
        await this.executor.execute('import { closeSharedExporter as closeExporter } from "./lib/figures/export";\nawait closeExporter();');
      } finally {
        this.capture.restore();
      }
    }
    this.close();
  }

  /** Close tslab's compiler and return to the working directory the session started in. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.executor.close();
    } finally {
      process.chdir(this.prevCwd);
    }
  }
}

class TimeoutError extends Error {}

/** Wait for a cell, or interrupt it (async code only) when the notebook's time is up. */
async function withDeadline(
  p: Promise<boolean>,
  deadline: number,
  budgetMs: number,
  executor: TslabExecutor,
  onTimeout: () => void,
): Promise<boolean> {
  const left = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      executor.interrupt();
      reject(new TimeoutError(`timed out: the notebook ran past its ${budgetMs / 1000} s budget`));
    }, Math.max(0, left));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Turn the cell's live outputs into nbformat outputs, stored as Jupyter
 * stores them: stream text and textual MIME data as line lists, JSON MIME
 * types (application/json, application/*+json) as objects.
 */
function finishOutputs(live: LiveOutput[]): CellOutput[] {
  return live.map((o): CellOutput => {
    if (o.output_type === "stream") return { output_type: "stream", name: o.name, text: toLines(o.text) };
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(o.data)) {
      data[mime] = typeof value === "string" && !/json$/.test(mime) ? toLines(value) : value;
    }
    return { output_type: "display_data", data, metadata: o.metadata };
  });
}

/**
 * Routes everything a cell prints into that cell's outputs, as the tslab
 * kernel does: process.stdout/stderr writes, the global console (replaced too,
 * because test runners install their own), and tslab.display.* through
 * tslab's lastWriteDisplayData hook. Output that arrives late (from timers)
 * lands in the most recent cell.
 */
class OutputCapture {
  private current: LiveOutput[] = [];
  private byDisplayId = new Map<string, DisplayDataOutput>();
  private dropInterruptTrace = false;
  private saved?: {
    stdout: typeof process.stdout.write;
    stderr: typeof process.stderr.write;
    console: Console;
    display: WriteDisplayData;
  };

  constructor(private readonly jupyter: { lastWriteDisplayData: WriteDisplayData }) {}

  install(): void {
    if (this.saved) return;
    this.byDisplayId.clear(); // display ids belong to one notebook
    this.saved = {
      stdout: process.stdout.write,
      stderr: process.stderr.write,
      console: globalThis.console,
      display: this.jupyter.lastWriteDisplayData,
    };
    process.stdout.write = this.writer("stdout") as typeof process.stdout.write;
    process.stderr.write = this.writer("stderr") as typeof process.stderr.write;
    globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr, colorMode: false });
    this.jupyter.lastWriteDisplayData = (msg, update) => this.display(msg, update);
  }

  restore(): void {
    if (!this.saved) return;
    process.stdout.write = this.saved.stdout;
    process.stderr.write = this.saved.stderr;
    globalThis.console = this.saved.console;
    this.jupyter.lastWriteDisplayData = this.saved.display;
    this.saved = undefined;
    this.dropInterruptTrace = false;
  }

  beginCell(): LiveOutput[] {
    this.current = [];
    return this.current;
  }

  /** The runner is interrupting a cell: drop tslab's stack trace for its own interrupt error. */
  interrupting(): void {
    this.dropInterruptTrace = true;
  }

  write(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    if (this.dropInterruptTrace && text.startsWith("Error: Interrupted asynchronously")) return;
    const last = this.current[this.current.length - 1];
    if (last && last.output_type === "stream" && last.name === name) last.text += text;
    else this.current.push({ output_type: "stream", name, text });
  }

  private writer(name: "stdout" | "stderr") {
    return (chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
      this.write(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    };
  }

  private display(msg: DisplayMessage, update: boolean): void {
    const id = msg.transient?.display_id;
    const existing = id ? this.byDisplayId.get(id) : undefined;
    if (update && existing) {
      existing.data = msg.data;
      existing.metadata = msg.metadata ?? {};
      return;
    }
    const out: DisplayDataOutput = { output_type: "display_data", data: msg.data, metadata: msg.metadata ?? {} };
    if (id) this.byDisplayId.set(id, out);
    this.current.push(out);
  }
}
