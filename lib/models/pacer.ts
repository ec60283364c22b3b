/**
 * The client's pace: how many requests may be in flight, how fast new ones
 * may start, and whether all of them must wait.
 *
 * - A request rate learnt from the provider's refusals (adaptive mode).
 *   Until the first rate limit the client is paced by its concurrency
 *   alone. At the first rate limit (a 429 or 529) the pacer takes the rate
 *   at which requests were being answered over the last second (those still
 *   in flight counted as answered) and from then on starts requests no
 *   faster than 85% of it, spaced evenly (a token bucket that holds about
 *   one request), instead of probing above the limit and being refused
 *   again. Later rate limits cut the rate once per round (replies to
 *   requests sent before the last cut do not cut again): to just below the
 *   provider's rate measured between two of its refusals 0.5–4 s apart (a
 *   token bucket that refused both was empty at both, so what it let
 *   through in between is what it allows), or by 15% when there is no such
 *   measurement. Every success lets the rate grow by about 5% a second, so
 *   a limit that rises is found again; it never grows far above what is
 *   actually answered (a client with little to do does not inflate it).
 * - One shared pause. When the provider says how long to wait, every
 *   request of the client waits for the same deadline (jittered by up to
 *   10%, at most 1 s, so that several processes do not resume in lockstep).
 *   The client decides the length (client.ts): a precise wait
 *   (`retry-after-ms`, fractional seconds) is honoured as given; a whole-
 *   second `retry-after` is rounded up by the server, so the wait it
 *   certainly means is one second less, and the learnt rate covers the rest.
 *
 * "fixed" mode keeps the old behaviour for comparison (bench/providers.bench.ts):
 * a fixed number in flight, no rate and no shared pause.
 */
export type RateControl = "adaptive" | "fixed";

/** What a finished attempt tells the pacer. */
export type Signal = "ok" | "congestion" | "other";

/** A slot held by one attempt; give it back with release(). */
export interface Ticket {
  seq: number;
  /** When the attempt was started (ms, performance clock). */
  at: number;
}

interface Waiter {
  resolve: (t: Ticket) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

/** Multiplicative cut of the rate per round of congestion. */
const CUT = 0.85;
/** Relative growth of the rate per second of successes. */
const GROWTH_PER_SECOND = 0.05;
/** The window over which the answered rate is measured (ms). */
const WINDOW_MS = 1000;
/** Between two rate limits at least this far apart (ms), the answers between them measure the provider's rate. */
const ESTIMATE_MIN_MS = 500;
const ESTIMATE_MAX_MS = 4000;
/** The pace set from that measurement: just below it. */
const BELOW_ESTIMATE = 0.95;
/** The shortest stretch over which a rate is believed (ms). */
const MIN_WINDOW_MS = 50;

const now = (): number => performance.now();

/**
 * A provider's rate measured between two of its rate limits: a token bucket
 * that refused a request was empty then; if it refused one at `from` and
 * another at `end`, what it let through in between is exactly what it
 * allows in that time. `limitStarts` and `okStarts` are the start times
 * (ms, ascending) of refused and of answered attempts; only limits at or
 * before `settled` count (the attempts started before them have been
 * answered), and the two must be 0.5–4 s apart. Null without such a pair.
 * @example rateBetweenLimits([0, 1000], [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], 2000) // 10 (per second)
 */
export function rateBetweenLimits(limitStarts: readonly number[], okStarts: readonly number[], settled: number): number | null {
  let i = limitStarts.length - 1;
  while (i >= 0 && limitStarts[i] > settled) i--;
  if (i < 0) return null;
  const end = limitStarts[i];
  let from = -Infinity;
  for (let k = i - 1; k >= 0; k--) {
    const d = end - limitStarts[k];
    if (d > ESTIMATE_MAX_MS) break;
    if (d >= ESTIMATE_MIN_MS) {
      from = limitStarts[k];
      break;
    }
  }
  if (from === -Infinity) return null;
  let n = 0;
  for (let k = okStarts.length - 1; k >= 0 && okStarts[k] > from; k--) if (okStarts[k] <= end) n++;
  return n > 0 ? (n * 1000) / (end - from) : null;
}

export class Pacer {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Shared pause end, on the performance clock. */
  private pausedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private seq = 0;
  private lastCutSeq = 0;
  /** Requests per second allowed to start; null until the first rate limit. */
  private rateV: number | null = null;
  /** Earliest start of the next request under the rate (performance clock). */
  private nextSlot = 0;
  /** Start times of recent successful attempts (for the answered rate). */
  private okStarts: number[] = [];
  private firstStart = -1;
  /** Start times of recent attempts refused by a rate limit. */
  private limitStarts: number[] = [];
  /** How long successful attempts take (ms, a moving average). */
  private latency = 0;
  /** How many times the rate was cut, the lowest it went, shared pauses (for reports). */
  cuts = 0;
  lowestRate: number | null = null;
  pauses = 0;

  constructor(
    readonly ceiling: number,
    readonly mode: RateControl = "adaptive",
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(ceiling) || ceiling < 1) throw new Error(`concurrency must be a positive integer, got ${ceiling}`);
  }

  /** Attempts in flight right now. */
  get inFlight(): number {
    return this.active;
  }

  /** The limit on attempts in flight (the configured concurrency). */
  get limit(): number {
    return this.ceiling;
  }

  /** The learnt rate (requests started per second), or null while unpaced. */
  get rate(): number | null {
    return this.rateV;
  }

  /** Milliseconds left of the shared pause (0 when not paused). */
  get pauseLeftMs(): number {
    return Math.max(0, this.pausedUntil - now());
  }

  /** Wait for the pause to end, the rate to allow a start and a slot to be free. Rejects when `signal` aborts first. */
  acquire(signal: AbortSignal | null = null): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    if (this.queue.length === 0 && this.canStart(now())) return Promise.resolve(this.admit(now()));
    return new Promise<Ticket>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: null };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason ?? new Error("aborted"));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /** Give a slot back and say how the attempt went. */
  release(t: Ticket, signal: Signal): void {
    this.active--;
    if (this.mode === "adaptive") {
      const at = now();
      if (signal === "ok") {
        this.okStarts.push(t.at);
        this.latency = this.latency === 0 ? at - t.at : 0.9 * this.latency + 0.1 * (at - t.at);
        this.prune(at);
        if (this.rateV !== null) {
          // About +5% a second at the current rate, but never far above what is answered.
          const grown = this.rateV * (1 + GROWTH_PER_SECOND / Math.max(1, this.rateV));
          const answered = this.answeredRate(at);
          const cap = answered === null ? grown : Math.max(this.rateV, answered * 1.25 + 1);
          this.rateV = Math.min(grown, cap);
        }
      } else if (signal === "congestion") {
        this.limitStarts.push(t.at);
        const estimate = this.estimate(at);
        if (t.seq <= this.lastCutSeq) {
          this.pump();
          return;
        }
        this.prune(at);
        const answered = this.answeredRate(at);
        let next: number;
        if (this.rateV === null) {
          // First limit: start just below the rate that was being answered, counting the
          // attempts still in flight as answered (an estimate too high is cut again within a
          // round; one too low would take seconds to grow back).
          const span = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, at - this.firstStart));
          const seen = (answered ?? (this.okStarts.length * 1000) / span) + (this.active * 1000) / span;
          next = Math.max(1, seen) * CUT;
        } else if (estimate !== null) {
          // The provider's rate, measured between two of its refusals: pace just below it.
          next = Math.min(this.rateV * 0.97, estimate * BELOW_ESTIMATE);
        } else next = this.rateV * CUT;
        this.rateV = Math.max(0.1, next);
        this.lastCutSeq = this.seq;
        this.cuts++;
        this.lowestRate = this.lowestRate === null ? this.rateV : Math.min(this.lowestRate, this.rateV);
        // Space the next start from now at the new rate.
        this.nextSlot = Math.max(this.nextSlot, at);
      }
    }
    this.pump();
  }

  /**
   * Make every request wait `ms`: the pause ends at the later of the
   * current end and now + ms, jittered. No effect in fixed mode. Returns
   * the milliseconds until the pause ends.
   */
  pause(ms: number): number {
    if (this.mode !== "adaptive" || !(ms > 0)) return this.pauseLeftMs;
    const jitter = Math.min(1000, ms * 0.1) * this.random();
    const until = now() + ms + jitter;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauses++;
    }
    this.pump();
    return this.pauseLeftMs;
  }

  /** Reject every waiter (the client stopped). */
  drain(reason: unknown): void {
    while (this.queue.length) {
      const w = this.queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      w.reject(reason);
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** The provider's rate measured between two earlier rate limits (see rateBetweenLimits). */
  private estimate(now: number): number | null {
    return rateBetweenLimits(this.limitStarts, this.okStarts, now - 2 * this.latency);
  }

  /** Successful attempts per second over the last second, by their start times; null before there is a stretch to measure. */
  private answeredRate(at: number): number | null {
    if (this.firstStart < 0) return null;
    const span = Math.min(WINDOW_MS, at - this.firstStart);
    if (span < MIN_WINDOW_MS) return null;
    let n = 0;
    for (let i = this.okStarts.length - 1; i >= 0 && this.okStarts[i] >= at - span; i--) n++;
    return (n * 1000) / span;
  }

  private prune(at: number): void {
    const cut = at - ESTIMATE_MAX_MS - WINDOW_MS;
    let i = 0;
    while (i < this.okStarts.length && this.okStarts[i] < cut) i++;
    if (i > 64 || i === this.okStarts.length) this.okStarts = this.okStarts.slice(i);
    let j = 0;
    while (j < this.limitStarts.length && this.limitStarts[j] < cut) j++;
    if (j) this.limitStarts = this.limitStarts.slice(j);
  }

  private canStart(at: number): boolean {
    if (this.active >= this.ceiling) return false;
    if (this.mode !== "adaptive") return true;
    if (at < this.pausedUntil) return false;
    return this.rateV === null || at >= this.nextSlot;
  }

  private admit(at: number): Ticket {
    this.active++;
    if (this.firstStart < 0) this.firstStart = at;
    if (this.mode === "adaptive" && this.rateV !== null) {
      const interval = 1000 / this.rateV;
      // At most one interval of slack is caught up (a late timer), so starts never bunch.
      this.nextSlot = Math.max(this.nextSlot, at - interval) + interval;
    }
    return { seq: ++this.seq, at };
  }

  private pump(): void {
    let at = now();
    while (this.queue.length && this.canStart(at)) {
      const w = this.queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      w.resolve(this.admit(at));
      at = now();
    }
    if (!this.queue.length || this.active >= this.ceiling) return;
    // Blocked by the pause or the rate: wake when the later of the two ends.
    const wake = Math.max(this.pausedUntil, this.rateV === null ? 0 : this.nextSlot);
    if (wake <= at) return;
    if (this.timer && this.timerAt <= wake) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = wake;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, Math.ceil(wake - at)));
  }
}
