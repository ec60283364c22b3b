/**
 * runBatches: send many requests through a provider's batch API, kill-safe
 * and resumable, and hand each result to the caller once.
 *
 * One call does it all and the same call resumes it:
 * 1. Requests already answered in the response cache are handed over at
 *    once (as the synchronous path would serve them).
 * 2. The rest are grouped by model and endpoint and split within the
 *    provider's limits; every batch's rows are written to the journal
 *    before anything is uploaded.
 * 3. Each batch is submitted (journal: submitting, file, creating, created).
 *    A run killed between "create sent" and "id recorded" finds its batch
 *    with the provider's list endpoint on resume (OpenAI: the job tag and
 *    batch number in the batch metadata, and the input file by name;
 *    Anthropic: creation time and request count, checked against the
 *    custom_ids when the results are read) and never creates it twice.
 * 4. Batches are polled every pollMs; an ended batch's results are read as a
 *    stream, each row by the synchronous path's own parsing (the client's
 *    readReply), stored in the response cache, and handed to onResult.
 *    Rows are marked "delivered" in the journal just before they are handed
 *    over, so a row is handed over at most once across restarts; with
 *    `have` (the caller's own record of what it stored) a row marked but
 *    never stored because of a kill is handed over again.
 * 5. Expired, cancelled, timed-out and transiently errored rows (and rows a
 *    batch never returned) go into a new batch, up to maxRounds batches per
 *    row; with thenSync they are sent synchronously through the client
 *    instead. Permanent row errors (context too long, an invalid request)
 *    are results, as in the synchronous path. A fatal error (401, 403,
 *    404, quota; on create, on a poll or in a row; a batch that fails
 *    validation) throws FatalProviderError with the provider's message.
 * 6. Several calls may share one journal (the rounds of a multi-turn run,
 *    a run and its judges at one provider): a call submits, polls and reads
 *    only the batches that hold rows of its own requests.
 */
import { randomBytes } from "node:crypto";
import type { Request, SpendRow } from "../../schema/index";
import { AfwError } from "../../util/errors";
import type { ModelClient } from "../client";
import { classifyHttpError, FatalProviderError, readErrorBody } from "../errors";
import { MalformedResponseError, UpstreamError, type ProviderReply } from "../parse";
import { oneLine } from "../redact";
import { Spend } from "../spend";
import type { CallResult } from "../types";
import { customIdFor } from "./custom-id";
import { BatchApiError, sleep } from "./http";
import { JournalWriter, readJournal, safeBaseUrl, type JournalBatch, type JournalState, type RowKinds } from "./journal";
import { splitRows } from "./split";
import type { BatchBackend, BatchStatus, RawRow } from "./types";

/** One request to send: the sample's key (its identity), the model, the request, and the sample index (the cache tells repeated samples apart by it). */
export interface BatchRequest {
  key: string;
  model: string;
  request: Request;
  sampleIndex: number;
}

/** One result handed to the caller. `result` is a CallResult, so `sampleFields(r.result)` gives the Sample fields. */
export interface BatchResult {
  key: string;
  custom_id: string;
  model: string;
  sampleIndex: number;
  /** Where it came from: a batch, the response cache, or a synchronous call (thenSync). */
  source: "batch" | "cache" | "sync";
  /** The provider's batch id (source "batch"). */
  batch_id: string | null;
  /** Batches this row went through (1 for the first try). */
  rounds: number;
  result: CallResult;
}

/** Progress, for a face to print. */
export interface BatchEvent {
  type: "cached" | "planned" | "submitted" | "found" | "polled" | "ended" | "downloaded" | "retry" | "sync" | "stopped";
  seq?: number;
  batchId?: string | null;
  status?: BatchStatus;
  rows?: number;
  line: string;
}

export interface RunBatchesOptions {
  backend: BatchBackend;
  /** The synchronous door: shapes bodies (prepare), reads replies (readReply), holds the response cache, and sends thenSync rows. */
  client: ModelClient;
  /** The journal (append-only JSONL); the pipeline keeps it in the results folder. */
  journalPath: string;
  requests: readonly BatchRequest[];
  /** Told each result once. May return a promise: the next results wait for it. */
  onResult: (r: BatchResult) => void | Promise<void>;
  /** The caller's record of what it has stored, by sample key: rows it has are never handed over again, rows it lacks are (even when the journal says delivered). */
  have?: (key: string) => boolean;
  signal?: AbortSignal;
  /** Between polls. Default 30 s. */
  pollMs?: number;
  /** Batches a row may go through before it is given up (or sent synchronously). Default 3. */
  maxRounds?: number;
  /** Send rows that a batch did not answer (expired, cancelled, errored) synchronously instead of in a new batch. */
  thenSync?: boolean;
  /** Where batch spend is added (default: a new Spend with the backend's discount). */
  spend?: Spend;
  onEvent?: (e: BatchEvent) => void;
  /** Consecutive failed polls of one batch before the run stops (resumable). Default 20. */
  maxPollFailures?: number;
  /** Submission attempts of one batch before the run stops (resumable). Default 8. */
  maxSubmitAttempts?: number;
  /** Base of the backoff between submission attempts, ms. Default 2000. */
  retryBaseMs?: number;
}

/** What a run came to. */
export interface BatchRunSummary {
  /** done: every request has its result; cancelled: a batch was cancelled (afw batches --cancel), the rest waits for the next run; aborted: the signal stopped it. */
  stopped: "done" | "cancelled" | "aborted";
  tag: string;
  /** Batches planned in this run, submitted (created) in this run, and found again with a list call after a kill. */
  planned: number;
  submitted: number;
  found: number;
  delivered: { batch: number; cache: number; sync: number };
  /** Results handed over as failed (permanent errors, or rows given up after maxRounds). */
  failed: number;
  /** Rows sent again (in a new batch or synchronously). */
  retried: number;
  /** Rows of the requests still without a result (a stop before the end). */
  pending: number;
  spend: SpendRow[];
}

interface Row {
  cid: string;
  req: BatchRequest;
}

const CHUNK = 256;

/** A run of a batch job (see the file comment). */
export async function runBatches(o: RunBatchesOptions): Promise<BatchRunSummary> {
  const run = new BatchJob(o);
  try {
    return await run.go();
  } finally {
    run.close();
  }
}

class BatchJob {
  private readonly o: RunBatchesOptions;
  private readonly backend: BatchBackend;
  private readonly client: ModelClient;
  private readonly signal: AbortSignal;
  private readonly pollMs: number;
  private readonly maxRounds: number;
  private readonly spend: Spend;
  private readonly w: JournalWriter;
  private st: JournalState;
  private tag = "";
  private readonly byCid = new Map<string, BatchRequest>();
  /** custom_id → the seqs of the batches it was planned in, in order. */
  private readonly roundsOf = new Map<string, number[]>();
  private readonly s: BatchRunSummary;
  private stopRequested = false;
  /** custom_ids handed over in this run. */
  private readonly handed = new Set<string>();
  /** Rows to plan again, found while submitting (a batch that could not be rebuilt). */
  private requeue: Row[] = [];
  /** Rows too large for any batch, found while planning. */
  private oversize: Row[] = [];
  /** Rows of batches refused for a full token queue, waiting for another batch to end. */
  private queueWait: Row[] = [];
  private queueFailedAlone = false;
  /** Batches a row had been in before this run's budget of maxRounds began. */
  private readonly base = new Map<string, number>();
  /** Why a row was last sent again, for the message when it is given up. */
  private readonly lastWhy = new Map<string, string>();
  private readonly oursMemo = new Map<number, boolean>();

  constructor(o: RunBatchesOptions) {
    this.o = o;
    this.backend = o.backend;
    this.client = o.client;
    this.signal = o.signal ?? new AbortController().signal;
    this.pollMs = o.pollMs ?? 30_000;
    this.maxRounds = o.maxRounds ?? 3;
    if (!Number.isInteger(this.maxRounds) || this.maxRounds < 1) throw new AfwError(`maxRounds must be a positive integer, got ${this.maxRounds}`);
    this.spend = o.spend ?? new Spend({ discount: o.backend.discount });
    if (o.client.profile.name !== o.backend.provider) {
      throw new AfwError(`the batch backend is ${o.backend.provider} but the client speaks to ${o.client.profile.name}`);
    }
    this.st = readJournal(o.journalPath);
    this.w = new JournalWriter(o.journalPath);
    this.s = { stopped: "done", tag: "", planned: 0, submitted: 0, found: 0, delivered: { batch: 0, cache: 0, sync: 0 }, failed: 0, retried: 0, pending: 0, spend: [] };
  }

  close(): void {
    this.w.close();
  }

  private event(e: BatchEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      /* a listener's bug must not break the run */
    }
  }

  /**
   * Does a batch hold a row of this call's requests? A journal may be shared
   * by several calls (the rounds of a multi-turn run, a run and its judges at
   * one provider): a call polls, reads and closes only batches holding its
   * own rows, so it never reads (and drops) rows another call is waiting for.
   */
  private ours(b: JournalBatch): boolean {
    let v = this.oursMemo.get(b.seq);
    if (v === undefined) {
      v = b.rows.some(([cid]) => this.byCid.has(cid));
      this.oursMemo.set(b.seq, v);
    }
    return v;
  }

  /** Rows the caller already has (and need nothing more). */
  private done(cid: string, key: string): boolean {
    if (this.handed.has(cid)) return true;
    return this.o.have ? this.o.have(key) : this.st.delivered.has(cid);
  }

  async go(): Promise<BatchRunSummary> {
    const st = this.st;
    if (st.job) {
      if (st.job.provider !== this.backend.provider) {
        throw new AfwError(`${this.o.journalPath}: this journal belongs to a batch job at ${st.job.provider}, not ${this.backend.provider}; use another results folder`);
      }
      this.tag = st.job.tag;
    } else {
      this.tag = randomBytes(6).toString("hex");
      const rec = { t: "job" as const, v: 1 as const, tag: this.tag, provider: this.backend.provider, base_url: safeBaseUrl(this.client.baseURL), at: Date.now() };
      this.w.append(rec);
      st.job = rec;
    }
    this.s.tag = this.tag;
    for (const r of this.o.requests) {
      const cid = customIdFor(r.key);
      const prev = this.byCid.get(cid);
      if (prev) throw new AfwError(prev.key === r.key ? `batch requests: the sample key ${JSON.stringify(r.key)} appears twice` : `batch requests: two sample keys give the custom_id ${cid}`);
      this.byCid.set(cid, r);
    }
    // Which batch holds each row now (the latest plan wins).
    const holder = new Map<string, number>();
    for (const b of [...st.batches.values()].sort((x, y) => x.seq - y.seq)) {
      for (const [cid] of b.rows) {
        holder.set(cid, b.seq);
        const list = this.roundsOf.get(cid);
        if (list) list.push(b.seq);
        else this.roundsOf.set(cid, [b.seq]);
      }
    }
    try {
      // Batches planned but abandoned before they could be submitted (their rows are no longer all asked for) are closed.
      for (const b of st.batches.values()) {
        if (b.downloaded || b.batchId || b.submittingAt !== null) continue;
        if (b.rows.every(([cid]) => this.byCid.has(cid))) continue;
        this.w.append({ t: "downloaded", seq: b.seq, at: Date.now(), delivered: 0, again: b.rows.length });
        b.downloaded = true;
      }
      const pending: Row[] = [];
      for (const [cid, req] of this.byCid) {
        if (this.done(cid, req.key)) continue;
        const h = holder.get(cid);
        // Each run gives a row up to maxRounds batches (a batch still running from an earlier run is its first).
        if (h !== undefined && !st.batches.get(h)!.downloaded) {
          this.base.set(cid, this.rounds(cid) - 1);
          continue; // in a batch still to be read
        }
        this.base.set(cid, this.rounds(cid));
        pending.push({ cid, req });
      }
      await this.fromCache(pending);
      return await this.loop(pending.filter((r) => !this.done(r.cid, r.req.key)));
    } catch (e) {
      if (this.signal.aborted && !(e instanceof FatalProviderError)) return this.finish("aborted");
      throw e;
    }
  }

  /** Hand over rows the response cache already answers. */
  private async fromCache(rows: Row[]): Promise<void> {
    const hits: { row: Row; reply: ProviderReply }[] = [];
    for (const row of rows) {
      const key = this.client.cacheKey(row.req.model, row.req.request, row.req.sampleIndex);
      const hit = key ? this.client.cacheLookup(key) : null;
      if (hit) hits.push({ row, reply: hit });
    }
    if (!hits.length) return;
    this.event({ type: "cached", rows: hits.length, line: `${hits.length} request(s) answered from the response cache` });
    for (let i = 0; i < hits.length; i += CHUNK) {
      const chunk = hits.slice(i, i + CHUNK).map(({ row, reply }) => this.resultOf(row, "cache", null, this.rounds(row.cid), replyResult(reply, true, 0, 0, this.backend.provider)));
      await this.deliver(-1, chunk);
    }
  }

  private rounds(cid: string): number {
    return this.roundsOf.get(cid)?.length ?? 0;
  }

  private resultOf(row: Row, source: BatchResult["source"], batchId: string | null, rounds: number, result: CallResult): BatchResult {
    return { key: row.req.key, custom_id: row.cid, model: row.req.model, sampleIndex: row.req.sampleIndex, source, batch_id: batchId, rounds, result };
  }

  /** Mark, then hand over (at most once per custom_id across restarts). */
  private async deliver(seq: number, results: BatchResult[]): Promise<void> {
    const fresh = results.filter((r) => !this.done(r.custom_id, r.key));
    if (!fresh.length) return;
    this.w.append({ t: "delivered", seq, ids: fresh.map((r) => r.custom_id) });
    const batch = seq >= 0 ? this.st.batches.get(seq) : undefined;
    for (const r of fresh) {
      this.st.delivered.add(r.custom_id);
      this.handed.add(r.custom_id);
      batch?.handedOver.add(r.custom_id);
    }
    for (const r of fresh) {
      if (r.source === "batch") this.s.delivered.batch++;
      else if (r.source === "cache") this.s.delivered.cache++;
      else this.s.delivered.sync++;
      if (r.result.error !== null) this.s.failed++;
      if (r.source === "batch") this.spend.add(r.model, this.backend.provider, r.result); // billed at the batch discount; cache hits and sync calls are not batch spend
      const p = this.o.onResult(r);
      if (p && typeof (p as Promise<void>).then === "function") await p;
    }
  }

  /** Plan batches for rows, writing every plan before anything is uploaded. */
  private plan(rows: Row[]): JournalBatch[] {
    const groups = new Map<string, { model: string; api: "chat" | "completions"; path: string; rows: { id: string; bytes: number }[] }>();
    const oversize: Row[] = [];
    for (const row of rows) {
      const p = this.client.prepare(row.req.model, row.req.request);
      if (p.refusal !== null || !p.body) {
        throw new FatalProviderError(`${this.client.profile.label}: ${p.refusal ?? "refused"}`, "plan", this.client.profile.name);
      }
      const text = this.backend.lineText({ custom_id: row.cid, body: p.body }, p.path);
      const g = `${row.req.model}\u0000${row.req.request.api}\u0000${p.path}`;
      let grp = groups.get(g);
      if (!grp) {
        grp = { model: row.req.model, api: row.req.request.api, path: p.path, rows: [] };
        groups.set(g, grp);
      }
      grp.rows.push({ id: row.cid, bytes: Buffer.byteLength(text, "utf8") });
    }
    const out: JournalBatch[] = [];
    let seq = Math.max(-1, ...this.st.batches.keys()) + 1;
    const at = Date.now();
    for (const grp of groups.values()) {
      const split = splitRows(grp.rows, this.backend.limits, (b, n) => this.backend.batchBytes(b, n));
      for (const id of split.oversize) oversize.push({ cid: id, req: this.byCid.get(id)! });
      split.batches.forEach((ids, i) => {
        const round = Math.max(0, ...ids.map((id) => this.rounds(id)));
        const rec = {
          t: "plan" as const,
          seq,
          round,
          model: grp.model,
          api: grp.api,
          path: grp.path,
          rows: ids.map((id) => {
            const r = this.byCid.get(id)!;
            return [id, r.key, r.sampleIndex] as [string, string, number];
          }),
          bytes: split.bytes[i],
          at,
        };
        this.w.append(rec);
        const b: JournalBatch = { seq, round, model: rec.model, api: rec.api, path: rec.path, rows: rec.rows, bytes: rec.bytes, plannedAt: at, submittingAt: null, fileId: null, creatingAt: null, batchId: null, createdAt: null, ended: null, downloaded: false, kinds: null, handedOver: new Set(), cancelled: false, stopped: false };
        this.st.batches.set(seq, b);
        for (const id of ids) {
          const l = this.roundsOf.get(id);
          if (l) l.push(seq);
          else this.roundsOf.set(id, [seq]);
        }
        this.s.planned++;
        this.event({ type: "planned", seq, rows: ids.length, line: `batch ${seq}: ${ids.length} request(s) of ${grp.model}, ${(b.bytes / 1e6).toFixed(1)} MB` });
        out.push(b);
        seq++;
      });
    }
    if (oversize.length) this.oversize = oversize;
    return out;
  }

  /** The lines of a planned batch, rebuilt from the requests (the same bodies as at planning). */
  private lines(b: JournalBatch): string[] | null {
    const out: string[] = [];
    for (const [cid] of b.rows) {
      const req = this.byCid.get(cid);
      if (!req) return null;
      const p = this.client.prepare(req.model, req.request);
      if (p.refusal !== null || !p.body) throw new FatalProviderError(`${this.client.profile.label}: ${p.refusal ?? "refused"}`, "plan", this.client.profile.name);
      out.push(this.backend.lineText({ custom_id: cid, body: p.body }, p.path));
    }
    return out;
  }

  /** Submit a planned batch once, whatever kill came before. */
  private async submit(b: JournalBatch): Promise<void> {
    const claimed = new Set<string>();
    for (const x of this.st.batches.values()) if (x.batchId) claimed.add(x.batchId);
    if (b.submittingAt !== null && (b.creatingAt !== null || (this.backend.uploadsFiles && b.fileId === null))) {
      // A run before this one may have uploaded or created it: does the provider have it?
      const found = await this.backend.find({ tag: this.tag, seq: b.seq, startedAt: b.submittingAt, count: b.rows.length, claimed }, this.signal);
      if (found.fileId && !b.fileId) {
        this.w.append({ t: "file", seq: b.seq, file_id: found.fileId });
        b.fileId = found.fileId;
      }
      if (found.batchId) {
        this.created(b, found.batchId, true);
        return;
      }
    }
    const lines = this.lines(b);
    if (!lines) {
      // Rows no longer asked for and the provider has no such batch: close it, plan the rest again.
      this.w.append({ t: "downloaded", seq: b.seq, at: Date.now(), delivered: 0, again: b.rows.length });
      b.downloaded = true;
      this.requeue.push(...b.rows.filter(([cid]) => this.byCid.has(cid)).map(([cid]) => ({ cid, req: this.byCid.get(cid)! })));
      return;
    }
    if (b.submittingAt === null) {
      b.submittingAt = Date.now();
      this.w.append({ t: "submitting", seq: b.seq, at: b.submittingAt });
    }
    const maxAttempts = this.o.maxSubmitAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.backend.submit(
          { tag: this.tag, seq: b.seq, path: b.path, lines, startedAt: b.submittingAt },
          { fileId: b.fileId, batchId: null },
          {
            onFile: (id) => {
              this.w.append({ t: "file", seq: b.seq, file_id: id });
              b.fileId = id;
            },
            onCreating: () => {
              if (b.creatingAt === null) {
                b.creatingAt = Date.now();
                this.w.append({ t: "creating", seq: b.seq, at: b.creatingAt });
              }
            },
          },
          this.signal,
        );
        this.created(b, r.batchId, false);
        return;
      } catch (e) {
        if (e instanceof FatalProviderError) throw e;
        if (!(e instanceof BatchApiError) || this.signal.aborted) throw e;
        if (e.kind === "permanent") {
          throw new FatalProviderError(`${this.backend.label}: ${e.message} — the provider refused the batch as a whole`, "refused", this.backend.provider, e.status);
        }
        if (attempt >= maxAttempts) throw new AfwError(`${this.backend.label}: could not submit batch ${b.seq} after ${attempt} attempts (${e.message}); run again to resume`, 1);
        const wait = Math.floor(Math.random() * (this.o.retryBaseMs ?? 2000) * 2 ** (attempt - 1));
        if (!(await sleep(Math.min(wait, 60_000), this.signal))) throw e;
        // The create (or upload) may have gone through without an answer: look before sending again.
        const found = await this.backend.find({ tag: this.tag, seq: b.seq, startedAt: b.submittingAt, count: b.rows.length, claimed }, this.signal);
        if (found.fileId && !b.fileId) {
          this.w.append({ t: "file", seq: b.seq, file_id: found.fileId });
          b.fileId = found.fileId;
        }
        if (found.batchId) {
          this.created(b, found.batchId, true);
          return;
        }
      }
    }
  }

  private created(b: JournalBatch, batchId: string, found: boolean): void {
    b.batchId = batchId;
    b.createdAt = Date.now();
    this.w.append({ t: "created", seq: b.seq, batch_id: batchId, at: b.createdAt, ...(found ? { found: true } : {}) });
    if (found) this.s.found++;
    else this.s.submitted++;
    this.event({ type: found ? "found" : "submitted", seq: b.seq, batchId, rows: b.rows.length, line: `batch ${b.seq}: ${found ? "found again" : "submitted"} as ${batchId} (${b.rows.length} request(s))` });
  }

  /** Plan, submit, poll and read until every row has its result. */
  private async loop(initial: Row[]): Promise<BatchRunSummary> {
    const st = this.st;
    let todo: Row[] = initial;
    const failures = new Map<number, number>();
    const maxPollFailures = this.o.maxPollFailures ?? 20;
    for (;;) {
      if (this.signal.aborted) return this.finish("aborted");
      // Rows to send: planned anew (or synchronously when asked).
      const again = todo.concat(this.requeue);
      this.requeue = [];
      todo = [];
      if (again.length) await this.send(again);
      // Submit what is planned and not yet created (batches of other calls on the journal are theirs to submit).
      for (const b of [...st.batches.values()].sort((x, y) => x.seq - y.seq)) {
        if (b.downloaded || b.batchId || !this.ours(b)) continue;
        await this.submit(b);
      }
      if (this.requeue.length) continue;
      const active = [...st.batches.values()].filter((b) => !b.downloaded && b.batchId && this.ours(b)).sort((x, y) => x.seq - y.seq);
      if (!active.length) return this.finish(this.stopRequested ? "cancelled" : "done");
      let progressed = false;
      let endedThisRound = false;
      for (const b of active) {
        let s: BatchStatus;
        try {
          s = await this.backend.poll(b.batchId!, this.signal);
          failures.delete(b.seq);
        } catch (e) {
          if (e instanceof FatalProviderError || !(e instanceof BatchApiError) || this.signal.aborted) throw e;
          const n = (failures.get(b.seq) ?? 0) + 1;
          failures.set(b.seq, n);
          if (n >= maxPollFailures) throw new AfwError(`${this.backend.label}: polling batch ${b.batchId} failed ${n} times (${e.message}); run again to resume`, 1);
          continue;
        }
        this.event({ type: "polled", seq: b.seq, batchId: b.batchId, status: s, line: `batch ${b.seq} (${b.batchId}): ${s.status}, ${s.counts.succeeded + s.counts.errored + s.counts.expired + s.counts.canceled}/${s.counts.total || b.rows.length} done` });
        if (!s.terminal) continue;
        progressed = true;
        if (s.cancelled && !b.cancelled && !b.stopped) {
          // Cancelled from outside this run: note it, read what it finished, and stop after this round.
          b.cancelled = true;
          this.w.append({ t: "cancel", seq: b.seq, at: Date.now() });
        }
        if (!b.ended) {
          b.ended = { status: s.status, counts: s.counts, at: Date.now() };
          this.w.append({ t: "ended", seq: b.seq, status: s.status, counts: s.counts, at: b.ended.at });
          this.event({ type: "ended", seq: b.seq, batchId: b.batchId, status: s, line: `batch ${b.seq} (${b.batchId}) ${s.status}` });
        }
        if (s.phase === "failed") {
          const codes = s.errorCodes ?? [];
          if (codes.length && codes.every((c) => c === "token_limit_exceeded")) {
            // The organisation's queue of batch tokens is full: the rows wait for another batch of the job to end,
            // then go into a new batch (not counted against maxRounds). Alone in the queue twice running, it cannot fit.
            this.closeBatch(b, 0, b.rows.length);
            const alone = !active.some((x) => x !== b && !x.downloaded);
            if (alone && this.queueFailedAlone) {
              throw new FatalProviderError(`${this.backend.label}: batch ${b.batchId} failed: ${s.error ?? "token_limit_exceeded"} — even alone it is over the organisation's queue limit; send smaller batches or raise the limit`, "quota", this.backend.provider);
            }
            this.queueFailedAlone = alone;
            for (const [cid] of b.rows) {
              const req = this.byCid.get(cid);
              if (!req || this.done(cid, req.key)) continue;
              this.base.set(cid, (this.base.get(cid) ?? 0) + 1);
              this.queueWait.push({ cid, req });
            }
            continue;
          }
          throw new FatalProviderError(`${this.backend.label}: batch ${b.batchId} failed${s.error ? `: ${s.error}` : ""} — every batch of this run would fail the same way`, "refused", this.backend.provider);
        }
        let back: Row[];
        try {
          back = await this.download(b, s);
        } catch (e) {
          if (e instanceof FatalProviderError || !(e instanceof BatchApiError) || this.signal.aborted) throw e;
          // A download that broke off: read it again next round (rows already handed over are skipped).
          const n = (failures.get(b.seq) ?? 0) + 1;
          failures.set(b.seq, n);
          if (n >= maxPollFailures) throw new AfwError(`${this.backend.label}: reading the results of batch ${b.batchId} failed ${n} times (${e.message}); run again to resume`, 1);
          this.event({ type: "retry", seq: b.seq, batchId: b.batchId, line: `batch ${b.seq} (${b.batchId}): reading its results failed (${e.message}); trying again` });
          progressed = false;
          continue;
        }
        todo.push(...back);
        endedThisRound = true;
        this.queueFailedAlone = false;
        if (b.cancelled && !b.stopped) {
          this.stopRequested = true;
          b.stopped = true;
        }
      }
      // Rows held back by a full queue go again once another batch has ended, or when nothing else is in flight.
      if (this.queueWait.length && (endedThisRound || !st.batches.size || [...st.batches.values()].every((x) => x.downloaded || !this.ours(x)))) {
        todo.push(...this.queueWait);
        this.queueWait = [];
      }
      if (this.stopRequested) {
        // A cancelled batch: stop here (its unanswered rows wait for the next run); the other batches go on at the provider.
        const seqs = [...st.batches.values()].filter((b) => b.cancelled && b.downloaded).map((b) => b.seq);
        this.w.append({ t: "stopped", seqs, at: Date.now() });
        this.event({ type: "stopped", line: `stopped: batch(es) ${seqs.join(", ")} were cancelled; run the same command again to carry on` });
        return this.finish("cancelled");
      }
      if (todo.length || this.requeue.length) continue;
      if (!progressed && !(await sleep(this.pollMs, this.signal))) return this.finish("aborted");
    }
  }

  /** Rows to send again: a new batch, or synchronously (thenSync), or given up after maxRounds. */
  private async send(rows: Row[]): Promise<void> {
    const fresh: Row[] = [];
    const sync: Row[] = [];
    const giveUp: Row[] = [];
    for (const r of rows) {
      if (this.done(r.cid, r.req.key)) continue;
      const n = this.rounds(r.cid);
      if (n === 0) fresh.push(r);
      else if (this.o.thenSync) sync.push(r);
      else if (n - (this.base.get(r.cid) ?? 0) < this.maxRounds) fresh.push(r);
      else giveUp.push(r);
    }
    const retried = fresh.filter((r) => this.rounds(r.cid) > 0).length + sync.length;
    this.s.retried += retried;
    if (retried) this.event({ type: "retry", rows: retried, line: `${retried} row(s) sent again (${sync.length} synchronously)` });
    if (giveUp.length) {
      const results = giveUp.map((r) => this.resultOf(r, "batch", null, this.rounds(r.cid), failedResult(`no answer after ${this.rounds(r.cid) - (this.base.get(r.cid) ?? 0)} batch(es) (${this.lastWhy.get(r.cid) ?? "expired or cancelled"}); a resume tries again`, "transient", null, this.backend.provider)));
      for (let i = 0; i < results.length; i += CHUNK) await this.deliver(-3, results.slice(i, i + CHUNK));
    }
    if (fresh.length) {
      this.plan(fresh);
      if (this.oversize.length) {
        const big = this.oversize;
        this.oversize = [];
        const results = big.map((r) => this.resultOf(r, "batch", null, 0, failedResult(`the request is larger than a ${this.backend.label} batch may be (${this.backend.limits.maxBytes} bytes)`, "permanent", 413, this.backend.provider)));
        await this.deliver(-3, results);
      }
    }
    if (sync.length) await this.sendSync(sync);
  }

  /** thenSync: the synchronous path, through the client (its pace, retries and cache). */
  private async sendSync(rows: Row[]): Promise<void> {
    this.event({ type: "sync", rows: rows.length, line: `${rows.length} row(s) sent synchronously` });
    await Promise.all(
      rows.map(async (r) => {
        const res = await this.client.call(r.req.model, r.req.request, r.req.sampleIndex);
        if (this.client.fatal) throw this.client.fatal;
        if (res.cancelled) return;
        await this.deliver(-2, [this.resultOf(r, "sync", null, this.rounds(r.cid), res)]);
      }),
    );
    if (this.client.fatal) throw this.client.fatal;
  }

  private closeBatch(b: JournalBatch, delivered: number, again: number, kinds?: RowKinds): void {
    this.w.append({ t: "downloaded", seq: b.seq, at: Date.now(), delivered, again, ...(kinds ? { kinds } : {}) });
    b.downloaded = true;
    if (kinds) b.kinds = kinds;
    this.event({ type: "downloaded", seq: b.seq, batchId: b.batchId, rows: delivered, line: `batch ${b.seq} (${b.batchId}): ${delivered} result(s) handed over, ${again} to send again` });
  }

  /** Read an ended batch's rows; returns the rows to send again. */
  private async download(b: JournalBatch, s: BatchStatus): Promise<Row[]> {
    const mine = new Map<string, [string, string, number]>();
    for (const r of b.rows) mine.set(r[0], r);
    const seen = new Set<string>();
    const again: Row[] = [];
    let foreign = 0;
    let delivered = 0;
    const kinds: RowKinds = { succeeded: 0, errored: 0, expired: 0, canceled: 0 };
    let chunk: BatchResult[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      const c = chunk;
      chunk = [];
      await this.deliver(b.seq, c);
    };
    const rounds = (cid: string) => this.rounds(cid);
    for await (const raw of this.backend.results(s, this.signal)) {
      if (!mine.has(raw.custom_id)) {
        foreign++;
        continue;
      }
      if (seen.has(raw.custom_id)) continue;
      seen.add(raw.custom_id);
      kinds[raw.kind === "timeout" ? "errored" : raw.kind]++;
      const req = this.byCid.get(raw.custom_id);
      if (!req || this.done(raw.custom_id, req.key)) continue;
      const row = { cid: raw.custom_id, req };
      let out: CallResult | null;
      try {
        out = this.readRow(raw, row, b, s);
      } catch (e) {
        if (e instanceof FatalProviderError) {
          // Keep what was read; the rest of the batch is planned again on resume (once the cause is fixed).
          await flush();
          this.closeBatch(b, delivered, b.rows.length - delivered, kinds);
        }
        throw e;
      }
      if (out === null) {
        again.push(row);
        continue;
      }
      chunk.push(this.resultOf(row, "batch", b.batchId, rounds(row.cid), out));
      delivered++;
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    if (foreign > 0 && seen.size === 0) {
      // The batch found again after a kill is not ours (Anthropic has no batch metadata): plan every row again.
      this.event({ type: "retry", seq: b.seq, line: `batch ${b.seq} (${b.batchId}) holds none of its planned rows: it was not this job's; planning them again` });
    }
    for (const [cid] of b.rows) {
      if (seen.has(cid)) continue;
      const req = this.byCid.get(cid);
      if (!req || this.done(cid, req.key)) continue;
      this.lastWhy.set(cid, "not in the batch's results");
      again.push({ cid, req });
    }
    // A batch cancelled with afw batches --cancel: its unanswered rows wait for the next run.
    const keep = b.cancelled && !b.stopped ? [] : again;
    // Rows a cancelled batch never listed never ran: cancelled too.
    if (b.cancelled || s.cancelled) kinds.canceled += b.rows.filter(([cid]) => !seen.has(cid)).length;
    this.closeBatch(b, delivered, again.length, kinds);
    return keep;
  }

  /** One row as a CallResult, or null to send it again. Throws FatalProviderError for a fatal row error. */
  private readRow(raw: RawRow, row: Row, b: JournalBatch, s: BatchStatus): CallResult | null {
    const provider = this.backend.provider;
    const latency = b.submittingAt !== null ? Math.max(0, (s.endedAt ?? Date.now()) - b.submittingAt) : 0;
    const attempts = this.rounds(row.cid);
    switch (raw.kind) {
      case "succeeded": {
        let reply: ProviderReply;
        try {
          reply = this.client.readReply(row.req.model, row.req.request, raw.body);
        } catch (e) {
          if (e instanceof MalformedResponseError || e instanceof UpstreamError) {
            this.lastWhy.set(row.cid, e.message);
            return null;
          }
          throw e;
        }
        const key = this.client.cacheKey(row.req.model, row.req.request, row.req.sampleIndex);
        if (key) this.client.remember(key, row.req.model, row.req.request, reply);
        return replyResult(reply, false, attempts, latency, provider);
      }
      case "errored": {
        if (raw.status === null) {
          this.lastWhy.set(row.cid, oneLine(readErrorBody(raw.errorText ?? "").message || "errored", 200));
          return null;
        }
        const cls = classifyHttpError(raw.status, readErrorBody(raw.errorText ?? ""), provider);
        if (cls.kind === "fatal") throw new FatalProviderError(`${this.backend.label}: ${cls.reason}`, cls.fatal ?? "refused", provider, raw.status);
        if (cls.kind === "permanent" && !cls.blocked) return failedResult(cls.reason, "permanent", raw.status, provider, attempts, latency);
        if (cls.blocked) {
          return replyResult({ choices: [{ text: "", finish_reason: `blocked: ${cls.reason}`, outcome: "blocked", reasoning: null, refusal: cls.reason }], usage: null, model_snapshot: null, upstream_provider: null }, false, attempts, latency, provider);
        }
        this.lastWhy.set(row.cid, cls.reason);
        return null;
      }
      case "expired":
        this.lastWhy.set(row.cid, "expired");
        return null;
      case "canceled":
        this.lastWhy.set(row.cid, "cancelled");
        return null;
      case "timeout":
        this.lastWhy.set(row.cid, "the provider's call timed out");
        return null;
    }
  }

  private finish(stopped: BatchRunSummary["stopped"]): BatchRunSummary {
    let pending = 0;
    for (const [cid, req] of this.byCid) if (!this.done(cid, req.key)) pending++;
    this.s.stopped = stopped;
    this.s.pending = pending;
    this.s.spend = this.spend.rows();
    return this.s;
  }
}

/** A CallResult of a reply (a batch row, a cache hit). */
export function replyResult(r: ProviderReply, cached: boolean, attempts: number, latencyMs: number, provider: string): CallResult {
  const first = r.choices[0];
  return {
    texts: r.choices.map((c) => c.text),
    usage: r.usage,
    cached,
    attempts,
    latency_ms: latencyMs,
    error: null,
    finish_reasons: r.choices.map((c) => c.finish_reason),
    choices: r.choices,
    outcome: first ? first.outcome : "reply",
    error_kind: null,
    cancelled: false,
    provider,
    upstream_provider: r.upstream_provider,
    model_snapshot: r.model_snapshot,
    reasoning: first?.reasoning ?? null,
    status: null,
    discarded: { attempts: 0, usage: null },
  };
}

/** A CallResult of a row that failed for good. */
export function failedResult(message: string, kind: "transient" | "permanent", status: number | null, provider: string, attempts = 0, latencyMs = 0): CallResult {
  return {
    texts: [],
    usage: null,
    cached: false,
    attempts,
    latency_ms: latencyMs,
    error: message,
    finish_reasons: [],
    choices: [],
    outcome: "failed",
    error_kind: kind,
    cancelled: false,
    provider,
    upstream_provider: null,
    model_snapshot: null,
    reasoning: null,
    status,
    discarded: { attempts: 0, usage: null },
  };
}
