/**
 * The client's pace: how many requests may be in flight, and whether all of
 * them must wait.
 *
 * - One shared pause. When the provider says to wait (a 429 or 529, with
 *   or without retry-after), every request of the client waits for the same
 *   deadline, instead of each retrying on its own clock and hitting the
 *   limit again together. The end of the pause is jittered (up to 10%, at
 *   most 1 s) so that several processes do not resume in lockstep.
 * - Concurrency that backs off and recovers (AIMD): each congestion signal
 *   halves the number of requests allowed in flight (once per round: the
 *   replies to requests sent before the last cut do not cut again); each
 *   success adds 1/limit, so the limit grows by about one per round of
 *   successes, back up to the configured ceiling. After a shared pause the
 *   growth is slower, at most one more request in flight per pause length:
 *   when a provider's wait is coarse (retry-after in whole seconds), probing
 *   above its rate costs a whole pause, so it is done that rarely.
 *
 * "fixed" mode keeps the old behaviour for comparison (bench/providers.bench.ts):
 * a fixed number in flight and no shared pause.
 */

export type RateControl = "adaptive" | "fixed";

/** What a finished attempt tells the pacer. */
export type Signal = "ok" | "congestion" | "other";

/** A slot held by one attempt; give it back with release(). */
export interface Ticket {
  seq: number;
}

interface Waiter {
  resolve: (t: Ticket) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

export class Pacer {
  private active = 0;
  private limitF: number;
  private readonly queue: Waiter[] = [];
  private pausedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private lastCutSeq = 0;
  /** Length of the last shared pause (ms) and when the limit last grew: gates growth after a pause. */
  private lastPauseMs = 0;
  private lastGrowAt = 0;
  /** How many times the limit was cut, and the lowest it went (for reports). */
  cuts = 0;
  lowest: number;
  pauses = 0;

  constructor(
    readonly ceiling: number,
    readonly mode: RateControl = "adaptive",
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(ceiling) || ceiling < 1) throw new Error(`concurrency must be a positive integer, got ${ceiling}`);
    this.limitF = ceiling;
    this.lowest = ceiling;
  }

  /** Attempts in flight right now. */
  get inFlight(): number {
    return this.active;
  }

  /** The current limit on attempts in flight. */
  get limit(): number {
    return Math.max(1, Math.floor(this.limitF));
  }

  /** Milliseconds left of the shared pause (0 when not paused). */
  get pauseLeftMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Wait for the pause to end and a slot to be free. Rejects when `signal` aborts first. */
  acquire(signal: AbortSignal | null = null): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    if (this.queue.length === 0 && this.active < this.limit && Date.now() >= this.pausedUntil) {
      this.active++;
      return Promise.resolve({ seq: ++this.seq });
    }
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
      if (signal === "congestion") {
        if (t.seq > this.lastCutSeq) {
          this.limitF = Math.max(1, this.limitF / 2);
          this.lastCutSeq = this.seq;
          this.lastGrowAt = Date.now();
          this.cuts++;
          this.lowest = Math.min(this.lowest, this.limit);
        }
      } else if (signal === "ok" && this.limitF < this.ceiling) {
        if (this.lastPauseMs > 0) {
          const now = Date.now();
          if (now - this.lastGrowAt >= this.lastPauseMs) {
            this.limitF = Math.min(this.ceiling, Math.floor(this.limitF) + 1);
            this.lastGrowAt = now;
          }
        } else this.limitF = Math.min(this.ceiling, this.limitF + 1 / this.limitF);
      }
    }
    this.pump();
  }

  /**
   * Make every request wait `ms` (the provider's retry-after, or a backoff):
   * the pause ends at the later of the current end and now + ms, jittered.
   * No effect in fixed mode. Returns the pause's end (epoch ms).
   */
  pause(ms: number): number {
    if (this.mode !== "adaptive" || !(ms > 0)) return this.pausedUntil;
    const jitter = Math.min(1000, ms * 0.1) * this.random();
    const until = Date.now() + ms + jitter;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauses++;
      this.lastPauseMs = ms;
      this.lastGrowAt = Math.max(this.lastGrowAt, until);
    }
    this.pump();
    return this.pausedUntil;
  }

  private pump(): void {
    const now = Date.now();
    if (now < this.pausedUntil) {
      if (this.queue.length && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, this.pausedUntil - now);
      }
      return;
    }
    while (this.queue.length && this.active < this.limit) {
      const w = this.queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      this.active++;
      w.resolve({ seq: ++this.seq });
    }
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
}
