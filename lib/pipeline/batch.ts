/**
 * `--batch`: the pipeline's requests sent through a provider's batch API
 * (lib/models/batch) instead of one at a time.
 *
 * The runner (run.ts, sample.ts) and the judges (judge.ts, lib/classify)
 * do not change: they ask a BatchCaller exactly what they would ask the
 * model client (`call`, `callVotes`), so every request body, sample key,
 * record, multi-turn continuation, vote fallback and re-asked vote is the
 * synchronous path's own. The caller answers from the response cache at
 * once when it can, and otherwise holds the call. When every piece of work
 * in flight is waiting on a held call (nothing else can move), the held
 * requests go out together as one call of `runBatches` (a *round*); each
 * answer is handed back the moment its batch has been read, and the work
 * it unblocks goes on, its next requests (a second turn, votes asked again,
 * the motives judge) waiting for the next round. So a single-turn run is
 * one round; with the multi-turn protocol, turn k of every sample that
 * needs it goes out in round k.
 *
 * Kill-safe: each batch row's key is the request's response-cache key, and
 * runBatches stores every answer in the response cache before it is
 * handed over (and journals it as delivered after that). A resumed run
 * replays answered requests from the cache for free, finds the batches
 * still running under the same custom_ids in the journal, and submits
 * nothing twice. The results folder's writer and scan (run.ts) keep one
 * record per sample, as without --batch.
 */
import { callVotes, FatalProviderError, Spend, type CallResult, type ModelClient, type VotesHost, type VotesOptions, type VotesResult } from "../models/index";
import { failedResult, runBatches, type BatchBackend, type BatchEvent, type BatchLimits, type BatchRequest, type BatchResult } from "../models/batch/index";
import type { Request, SpendRow, UsageTotals } from "../schema/index";
import { AfwError } from "../util/errors";
import type { ResultsStore } from "../store/index";
import { MappedClient, type Endpoint, type EndpointClient } from "./endpoint";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How a run or its judges go as batches. */
export interface BatchOptions {
  /** Send rows a batch did not answer (expired, cancelled, transiently errored) synchronously instead of in a new batch. */
  thenSync?: boolean;
  /** Between polls, ms. Default 30 s. */
  pollMs?: number;
  /** Batches a row may go through in one run before it is recorded as failed (a resume tries again). Default 3. */
  maxRounds?: number;
  /** Fewer requests (or bytes) a batch than the provider allows (smaller batches come back sooner). */
  limits?: Partial<BatchLimits>;
  /** Progress: planned, submitted, ended, read, sent again. */
  onEvent?: (e: BatchEvent) => void;
  /** Backoff base of the batch door's HTTP retries, ms (tests). */
  retryBaseMs?: number;
}

/** What went through the batch door, over all rounds. */
export interface BatchTotals {
  provider: string;
  journal: string;
  /** Calls of runBatches that had requests to send. */
  rounds: number;
  /** Requests handed to the batch door. */
  requests: number;
  /** Batches planned, submitted and found again after a kill, over the rounds. */
  planned: number;
  submitted: number;
  found: number;
  delivered: { batch: number; cache: number; sync: number };
  failed: number;
  retried: number;
  /** done; cancelled (afw batches --cancel); aborted (Ctrl-C); fatal (a fatal provider error); error (a problem that a resume can get past). */
  stopped: "done" | "cancelled" | "aborted" | "fatal" | "error";
  /** Batch spend (rows with the batch discount). */
  spend: SpendRow[];
}

interface Held {
  req: BatchRequest;
  waiters: ((r: CallResult) => void)[];
}

/** n support as the profile states it, until a row says otherwise (a batch should not wait a round to find out). */
class ProfileN extends Map<string, boolean> {
  constructor(private readonly dflt: boolean | undefined) {
    super();
  }
  override get(k: string): boolean | undefined {
    return super.has(k) ? super.get(k) : this.dflt;
  }
}

/**
 * The model client's stand-in under --batch (see the file comment). It
 * speaks to the provider's ids (the endpoint's MappedClient wraps it).
 */
export class BatchCaller implements VotesHost {
  readonly profile: ModelClient["profile"];
  readonly baseURL: string;
  readonly nSupport: Map<string, boolean>;
  readonly nProbes = new Map<string, Promise<void>>();
  /** Spend through batches, at the backend's discount. */
  readonly spend: Spend;
  /** The fatal provider error that stopped it, or null. */
  fatal: FatalProviderError | null = null;
  /** Another error that stopped it (the command reports it and exits with its code), or null. */
  error: Error | null = null;
  private readonly queue = new Map<string, Held>();
  private readonly inflight = new Map<string, Held>();
  private readonly stopper = new AbortController();
  private enqueued = 0;
  private scheduled = false;
  private flushing = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly t: UsageTotals = { requests: 0, cached: 0, retries: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 };
  readonly totalsOf: BatchTotals;

  constructor(
    private readonly raw: ModelClient,
    private readonly backend: BatchBackend,
    private readonly journalPath: string,
    private readonly o: BatchOptions = {},
    signal?: AbortSignal,
  ) {
    if (raw.profile.name !== backend.provider) throw new AfwError(`--batch: the batch backend is ${backend.provider} but the client speaks to ${raw.profile.name}`);
    const probe: Request = { api: "chat", messages: [{ role: "user", content: "" }], params: { temperature: 0, max_tokens: 1 } };
    if (raw.cacheKey("m", probe, 0) === null) {
      throw new AfwError("--batch needs the response cache (a resumed run finds there what the batches returned); drop --no-cache");
    }
    this.profile = raw.profile;
    this.baseURL = raw.baseURL;
    this.nSupport = new ProfileN(raw.profile.maxN !== null && raw.profile.maxN > 1 ? true : undefined);
    this.spend = new Spend({ discount: backend.discount });
    this.totalsOf = { provider: backend.provider, journal: journalPath, rounds: 0, requests: 0, planned: 0, submitted: 0, found: 0, delivered: { batch: 0, cache: 0, sync: 0 }, failed: 0, retried: 0, stopped: "done", spend: [] };
    if (signal) {
      if (signal.aborted) this.halt("aborted");
      else signal.addEventListener("abort", () => this.halt("aborted"), { once: true });
    }
  }

  /** Aborted when the caller stops for a reason that is not a fatal provider error (Ctrl-C, a cancelled batch, an error). The runner stops on it. */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** One request: from the response cache now, else in the next batch round. Resolves, never rejects. */
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult> {
    if (this.totalsOf.stopped !== "done") return Promise.resolve(this.stoppedResult());
    const key = this.raw.cacheKey(model, req, sampleIndex)!;
    // Answered before (by a batch, or synchronously): the cache serves it as it would without --batch.
    if (this.raw.cacheLookup(key)) return this.raw.call(model, req, sampleIndex);
    // A request the plan check refuses: the synchronous path's own refusal (a fatal stop, nothing sent).
    if (!this.raw.check(model, req).ok || (this.raw.profile.wire === "anthropic" && req.api !== "chat")) return this.raw.call(model, req, sampleIndex);
    let h = this.inflight.get(key) ?? this.queue.get(key);
    if (!h) {
      h = { req: { key, model, request: req, sampleIndex }, waiters: [] };
      this.queue.set(key, h);
      this.enqueued++;
    }
    const held = h;
    return new Promise<CallResult>((resolve) => {
      held.waiters.push(resolve);
      this.schedule();
    });
  }

  callVotes(model: string, req: Request, n: number, opts: VotesOptions = {}): Promise<VotesResult> {
    return callVotes(this, model, req, n, opts);
  }

  /** A batch line carries the body a synchronous call would send: the same parameters are left out. */
  paramsNotSent(model: string, req: Request): string[] {
    return this.raw.paramsNotSent(model, req);
  }

  /** The model client's totals plus the requests answered by batches. */
  totals(): UsageTotals {
    const r = this.raw.totals();
    const t = this.t;
    return { requests: r.requests + t.requests, cached: r.cached, retries: r.retries, errors: r.errors + t.errors, prompt_tokens: r.prompt_tokens + t.prompt_tokens, completion_tokens: r.completion_tokens + t.completion_tokens };
  }

  /** What went through the batch door so far. */
  summary(): BatchTotals {
    return { ...this.totalsOf, delivered: { ...this.totalsOf.delivered }, spend: this.spend.rows() };
  }

  /** Resolves when no round is being sent (for callers that stop early). */
  settled(): Promise<void> {
    return this.idle;
  }

  /**
   * Send the held requests once nothing else can move: a check after the
   * current turn of the event loop, repeated until a whole turn passes with
   * no new request held (the runner and the judges do no I/O between two
   * calls, so by then every piece of work is waiting on a held call).
   */
  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    let seen = this.enqueued;
    const check = () => {
      if (this.enqueued !== seen) {
        seen = this.enqueued;
        setImmediate(check);
        return;
      }
      this.scheduled = false;
      if (!this.flushing && this.queue.size) this.idle = this.flush();
    };
    setImmediate(check);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const round = [...this.queue.values()];
    this.queue.clear();
    for (const h of round) this.inflight.set(h.req.key, h);
    const s = this.totalsOf;
    s.rounds++;
    s.requests += round.length;
    try {
      const r = await runBatches({
        backend: this.backend,
        client: this.raw,
        journalPath: this.journalPath,
        requests: round.map((h) => h.req),
        onResult: (res) => this.answer(res),
        // What the results store holds is the response cache: a request held here missed it, so every row is still wanted
        // (a row the journal marks delivered but the cache lost is asked again rather than waited for).
        have: () => false,
        thenSync: this.o.thenSync,
        signal: this.stopper.signal,
        pollMs: this.o.pollMs,
        maxRounds: this.o.maxRounds,
        onEvent: this.o.onEvent,
        spend: this.spend,
        ...(this.o.retryBaseMs !== undefined ? { retryBaseMs: this.o.retryBaseMs } : {}),
      });
      s.planned += r.planned;
      s.submitted += r.submitted;
      s.found += r.found;
      s.delivered.batch += r.delivered.batch;
      s.delivered.cache += r.delivered.cache;
      s.delivered.sync += r.delivered.sync;
      s.failed += r.failed;
      s.retried += r.retried;
      if (r.stopped !== "done") this.halt(r.stopped);
    } catch (e) {
      if (e instanceof FatalProviderError) {
        this.fatal = e;
        this.halt("fatal");
      } else {
        this.error = e instanceof Error ? e : new Error(String(e));
        this.halt("error");
      }
    } finally {
      this.flushing = false;
      // Held calls without an answer: a stop (they are written as nothing; a resume asks again), or, after a round that
      // ended "done", a row the batch door did not hand back (it should not happen): a transient failure, retried on resume.
      for (const h of this.inflight.values()) {
        const r = s.stopped !== "done" ? this.stoppedResult() : failedResult("the batch door handed back no result for this request; run again", "transient", null, this.backend.provider);
        for (const w of h.waiters) w(r);
      }
      this.inflight.clear();
      if (s.stopped !== "done") {
        for (const h of this.queue.values()) for (const w of h.waiters) w(this.stoppedResult());
        this.queue.clear();
      } else if (this.queue.size) this.schedule();
    }
  }

  /** A batch result, handed to every call waiting for it. */
  private answer(res: BatchResult): void {
    const h = this.inflight.get(res.key);
    if (!h) return;
    this.inflight.delete(res.key);
    if (res.source === "batch") {
      const t = this.t;
      t.requests++;
      if (res.result.error !== null) t.errors++;
      if (res.result.usage) {
        t.prompt_tokens += res.result.usage.prompt_tokens;
        t.completion_tokens += res.result.usage.completion_tokens;
      }
    }
    for (const w of h.waiters) w(res.result);
  }

  private halt(why: BatchTotals["stopped"]): void {
    if (this.totalsOf.stopped === "done") this.totalsOf.stopped = why;
    // A fatal error is told to each held call (the runner and the judges stop on it, exit 3); the other stops abort.
    if (why !== "fatal" && !this.stopper.signal.aborted) this.stopper.abort();
    // Nothing is held while a round is out (the round's finally answers them); between rounds, answer what waits now.
    if (!this.flushing) {
      for (const h of this.queue.values()) for (const w of h.waiters) w(this.stoppedResult());
      this.queue.clear();
    }
  }

  /** What a held call gets when the caller stopped: fatal (the run stops with exit 3) or cancelled (nothing written). */
  private stoppedResult(): CallResult {
    if (this.fatal) return { ...failedResult(this.fatal.message, "transient", this.fatal.status ?? null, this.backend.provider), error_kind: "fatal" };
    const why = this.totalsOf.stopped === "cancelled" ? "a batch was cancelled (afw batches --cancel)" : this.totalsOf.stopped === "error" ? (this.error?.message ?? "the batch door stopped") : "interrupted";
    return { ...failedResult(`cancelled: ${why}`, "transient", null, this.backend.provider), cancelled: true };
  }
}

/** A BatchCaller on an endpoint, as the pipeline uses it: the client to hand the runner or the judges, and how to close it. */
export interface OpenBatch {
  /** Answers as the endpoint's client does (the run's model names, mapped to the provider's ids). */
  client: EndpointClient;
  caller: BatchCaller;
  /** The spend of the endpoint's client and of its batches together. */
  spend(): SpendRow[];
  close(): void;
}

/**
 * Open the batch door on an endpoint: its provider's batch API, its key,
 * its model ids, and the journal `batches/<provider>.jsonl` of the results
 * store (a temporary file for results kept in memory). One-line AfwError
 * (exit 2) offline, for a provider without a batch API here, or without
 * the response cache; nothing is sent or written before these checks.
 */
export function openBatch(endpoint: Endpoint, store: ResultsStore, o: BatchOptions = {}, signal?: AbortSignal): OpenBatch {
  const raw = endpoint.modelClient;
  if (endpoint.offline || !raw) throw new AfwError("--batch: the simulated organisms answer at once and have no batch API; give a provider with one (--provider openai or anthropic)");
  const backend = endpoint.batchBackend({ limits: o.limits, retryBaseMs: o.retryBaseMs });
  try {
    const journal = store.batchJournal(backend.provider) ?? join(mkdtempSync(join(tmpdir(), "afw-batches-")), `${backend.provider}.jsonl`);
    const caller = new BatchCaller(raw, backend, journal, o, signal);
    return {
      client: new MappedClient(caller, (m) => endpoint.modelId(m) ?? m),
      caller,
      spend: () => [...endpoint.spend(), ...caller.spend.rows()],
      close: () => backend.close(),
    };
  } catch (e) {
    backend.close();
    throw e;
  }
}
