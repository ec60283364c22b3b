/**
 * A progress reporter for long runs. tick() only bumps counters; a timer
 * draws. On a TTY: one line redrawn in place with "\r" at most every 100 ms.
 * Elsewhere (CI, logs, notebooks): a plain line every `intervalMs` and one
 * at the end, e.g. `progress 120/500 (24%) 35.1/s cached=0 errors=1`.
 */

/** Options of createProgress. */
export interface ProgressOptions {
  /** Where to write; process.stderr by default. */
  stream?: NodeJS.WriteStream;
  /** Word before the counts; "progress" by default. */
  label?: string;
  /** Gap between plain lines when the stream is not a TTY; 5000 ms by default. */
  intervalMs?: number;
}

/** What createProgress returns. */
export interface Progress {
  /** Count one finished item; costs a few additions, never a write. */
  tick(info?: { cached?: boolean; error?: boolean }): void;
  /** Stop the timer and write the final state (once; later calls do nothing). */
  done(): void;
}

const TTY_REDRAW_MS = 100;
const BAR_WIDTH = 24;

/**
 * Start reporting progress over `total` items.
 * @example
 * const p = createProgress(requests.length, { label: "generate" });
 * await Promise.all(requests.map(async (r) => { const res = await client.call(m, r, 0); p.tick({ cached: res.cached, error: !!res.error }); }));
 * p.done();
 */
export function createProgress(total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const label = opts.label ?? "progress";
  const tty = !!stream.isTTY;
  const every = tty ? TTY_REDRAW_MS : Math.max(1, opts.intervalMs ?? 5000);
  const started = Date.now();
  let count = 0;
  let cached = 0;
  let errors = 0;
  let finished = false;
  let lastLen = 0;
  let drawnCount = -1;

  const draw = (final: boolean): void => {
    const secs = Math.max((Date.now() - started) / 1000, 1e-3);
    const rate = count / secs;
    const pct = total > 0 ? Math.floor((100 * Math.min(count, total)) / total) : 100;
    if (tty) {
      if (!final && count === drawnCount) return;
      drawnCount = count;
      const filled = total > 0 ? Math.round((BAR_WIDTH * Math.min(count, total)) / total) : BAR_WIDTH;
      const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
      const eta = rate > 0 && count < total ? ` eta ${formatDuration((total - count) / rate)}` : final ? ` in ${formatDuration(secs)}` : "";
      let line = `${label} [${bar}] ${count}/${total} ${pct}% ${rate.toFixed(1)}/s${eta} cached=${cached} errors=${errors}`;
      const pad = lastLen > line.length ? " ".repeat(lastLen - line.length) : "";
      lastLen = line.length;
      line = "\r" + line + pad;
      stream.write(final ? line + "\n" : line);
    } else {
      stream.write(`${label} ${count}/${total} (${pct}%) ${rate.toFixed(1)}/s cached=${cached} errors=${errors}\n`);
    }
  };

  const timer = setInterval(() => draw(false), every);
  if (typeof timer.unref === "function") timer.unref();

  return {
    tick(info) {
      count++;
      if (info) {
        if (info.cached) cached++;
        if (info.error) errors++;
      }
    },
    done() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      draw(true);
    },
  };
}

/** "42s", "3m05s", "1h02m". */
function formatDuration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
