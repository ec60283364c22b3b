/**
 * evaluate(): the one path through the workbench, behind `afw run`,
 * `afw judge`, `afw demo` and the notebook helpers (Inspect's `eval()`):
 *
 *   plan (lib/experiments) → run (every sample not yet stored) → judge
 *   (the experiment's judges, or those asked for) → load (lib/store).
 *
 * Results go to a results folder (`out`), resumable and kill-safe, or stay
 * in memory. With no experiment (null) it judges and loads what a folder
 * already holds.
 */
import type { Params, Query } from "../schema/index";
import { planExperiment, type Experiment, type JudgeValue, type Plan } from "../experiments/index";
import { folderStore, memoryStore, type LoadedRun, type ResultsStore } from "../store/index";
import type { AfThresholds, Judge, JudgeName, JudgeReads } from "../classify/index";
import { mergeSpend, spendSince, withRole } from "../models/index";
import { AfwError } from "../util/errors";
import type { Endpoint } from "./endpoint";
import { judgeRun, resolveJudges, type JudgeSummary } from "./judge";
import { preflightJudges, preflightRun } from "./preflight";
import { runSamples, type RunSummary } from "./run";
import { openBatch, type BatchOptions, type BatchTotals, type OpenBatch } from "./batch";

/** Pieces of work in flight under --batch: enough for every request of a round (a provider batch holds at most 100,000). */
const BATCH_WORKERS = 100_000;

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** The results folder; omitted (and no `store`): results kept in memory. */
  out?: string | null;
  /** Where results go, instead of `out`. */
  store?: ResultsStore;
  /** The query pool (the shipped set or a user file); needed to run an experiment. */
  queries?: Query[];
  /** What to record as the queries' source (a path); default "queries". */
  querySource?: string;
  /** Replace the paper's n (for every condition). */
  n?: number;
  /** Replace the experiment's models. */
  models?: string[];
  /** Run only these conditions. */
  conditions?: string[];
  /** Run seed; default 0. */
  seed?: number;
  params?: Partial<Params>;
  /** Requests in flight; default the endpoint's concurrency. */
  concurrency?: number;
  /** Judges to run after the samples: built-in names or judge values; default the experiment's own ([] for none). */
  judges?: readonly (JudgeName | Judge)[];
  /** The judge model; default "sim-judge" when the judge endpoint is offline. Online without one, judges are skipped with a note. */
  judgeModel?: string | null;
  /** Where the judge model is served; default `endpoint`. */
  judgeEndpoint?: Endpoint;
  /** AF votes per sample; default 20. */
  votes?: number;
  thresholds?: AfThresholds;
  /** Rounds of re-asking unparseable judge replies; default 2. */
  retries?: number;
  /** Try the n parameter for votes; default true. */
  useN?: boolean;
  /** Samples judged at once; default half the judge endpoint's concurrency. */
  judgeConcurrency?: number;
  /** What the built-in AF judge reads: the scratchpad (default), the provider's hidden reasoning, or both (a different judge version). */
  judgeReads?: JudgeReads;
  /** Redo samples and judgements that failed with a permanent error; default false (they are recorded outcomes). */
  retryPermanent?: boolean;
  /** Stop starting new requests when aborted (what is in flight finishes and is kept). */
  signal?: AbortSignal;
  /** Show the run's progress (bar on a TTY, lines otherwise). */
  progress?: boolean;
  /** Notes: the first message of each kind of error (run and judges), the judge stage's progress. */
  log?: (s: string) => void;
  /** Settings to record in the manifest (never keys). */
  args?: Record<string, unknown>;
  /** Load the results at the end (default true); false leaves `results` null (large runs read them as they need). */
  load?: boolean;
  /**
   * Send the run's requests and the judges' through the provider's batch
   * API (OpenAI, Anthropic: half the price, answers within 24 hours) instead
   * of one at a time (lib/pipeline/batch.ts). `true` for the defaults.
   */
  batch?: boolean | BatchOptions;
}

/** What `evaluate` did and what it found. */
export interface Evaluation {
  experiment: Experiment | null;
  plan: Plan | null;
  /** The results folder, or null in memory. */
  dir: string | null;
  store: ResultsStore;
  run: RunSummary | null;
  judged: JudgeSummary | null;
  /** Why judges did not run when some were asked for, or null. */
  judgeNote: string | null;
  /** The manifest and every sample with its judgements (null with `load: false`). */
  results: LoadedRun | null;
  /** What went through the batch door, for the run and for the judges (null without `batch`, or when that stage did not run). */
  batch: { run: BatchTotals | null; judge: BatchTotals | null };
}

/**
 * The endpoint's client, sending some model names as others (the plan's
 * `callAs`: offline, a fine-tuned model id answered by its stand-in organism,
 * as the local fine-tuning mock serves it). The run records the name it was
 * given; the request goes out under the other.
 */
function callingAs(client: Endpoint["client"], callAs: Readonly<Record<string, string>>): Endpoint["client"] {
  if (!Object.keys(callAs).length) return client;
  return {
    call: (model, req, i) => client.call(callAs[model] ?? model, req, i),
    callVotes: (model, req, n, o) => client.callVotes(callAs[model] ?? model, req, n, o),
    totals: () => client.totals(),
  };
}

function judgeList(e: Experiment | null, opts: EvaluateOptions): readonly (JudgeName | Judge)[] {
  if (opts.judges) return opts.judges;
  const declared: readonly (string | JudgeValue)[] = e?.judges ?? [];
  return declared as readonly (JudgeName | Judge)[];
}

/**
 * Plan, run, judge and load one experiment on one endpoint.
 *
 * @example
 * const ep = await openEndpoint({ offline: true });
 * try {
 *   const r = await evaluate(getExperiment("throughput"), ep, { out: "runs/tp", queries, n: 50, judges: ["af_reasoning"] });
 *   rateTable(r.results!.samples);
 * } finally { await ep.close(); }
 */
export async function evaluate(experiment: Experiment | null, endpoint: Endpoint, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const store = opts.store ?? (opts.out ? folderStore(opts.out) : memoryStore());
  if (!experiment && !store.dir && !opts.store) throw new AfwError("evaluate: with no experiment, give the results folder to judge (out)");
  let plan: Plan | null = null;
  let run: RunSummary | null = null;
  const batchOpts: BatchOptions | null = opts.batch ? (opts.batch === true ? {} : opts.batch) : null;
  let batchRun: BatchTotals | null = null;
  let batchJudge: BatchTotals | null = null;
  if (experiment) {
    if (!opts.queries?.length) throw new AfwError(`evaluate ${experiment.name}: no queries to run`);
    plan = planExperiment(experiment, { queries: opts.queries, offline: endpoint.offline, models: opts.models, n: opts.n, only: opts.conditions, baseURL: endpoint.baseURL });
    // Nothing is sent (and no folder written) for a plan the provider would refuse.
    preflightRun(endpoint, plan.conditions, opts.params);
    const b: OpenBatch | null = batchOpts ? openBatch(endpoint, store, batchOpts, opts.signal) : null;
    try {
    run = await runSamples({
      store,
      client: callingAs(b ? b.client : endpoint.client, plan.callAs),
      models: plan.models,
      queries: opts.queries,
      querySource: opts.querySource ?? "queries",
      conditions: plan.conditions.map((c) => ({ name: c.name, scenario: c.scenario, tiers: c.tiers, queries: c.queries, samples: c.samples, models: c.models, factors: c.factors })),
      modelFactors: plan.modelFactors,
      figures: experiment.figures,
      samples: 1,
      seed: opts.seed ?? 0,
      params: opts.params,
      concurrency: b ? Math.max(1, Math.min(plan.requests, BATCH_WORKERS)) : (opts.concurrency ?? endpoint.concurrency),
      experiment: experiment.name,
      baseURL: endpoint.baseURL,
      offline: endpoint.offline,
      progress: opts.progress,
      signal: b ? b.caller.signal : opts.signal,
      args: b ? { ...opts.args, batch: batchRecord(batchOpts!) } : opts.args,
      provider: endpoint.provider,
      providerOrder: endpoint.providerOrder,
      spend: b ? b.spend : endpoint.spend,
      retryPermanent: opts.retryPermanent,
      log: opts.log,
      fatalMessage: () => b?.caller.fatal?.message ?? endpoint.fatal()?.message ?? null,
    });
    // The last round may still be closing its batches (journal records) after the last answer was handed over.
    if (b) await b.caller.settled();
    } finally {
      b?.close();
    }
    if (b) {
      batchRun = b.caller.summary();
      // A stop the batch door could not get past (journal of another job, submissions that kept failing): one line, its exit code.
      if (b.caller.error) throw b.caller.error;
    }
  }

  let judged: JudgeSummary | null = null;
  let judgeNote: string | null = null;
  const judges = judgeList(experiment, opts);
  // After an interrupted run or one a fatal provider error stopped, stop; judging a folder on its own notes the interruption itself.
  if (run?.fatal) judgeNote = judges.length ? "judges skipped: the run was stopped by a fatal provider error" : null;
  else if (batchRun && batchRun.stopped !== "done") judgeNote = judges.length ? `judges skipped: the run's batches stopped (${batchRun.stopped})` : null;
  else if (judges.length && !(run && opts.signal?.aborted)) {
    const jep = opts.judgeEndpoint ?? endpoint;
    const judgeModel = opts.judgeModel === undefined ? (jep.offline ? "sim-judge" : null) : opts.judgeModel;
    if (!judgeModel) judgeNote = "judges skipped: no judge model given";
    else {
      preflightJudges(jep, resolveJudges(judges, { votes: opts.votes, thresholds: opts.thresholds, reads: opts.judgeReads }), judgeModel);
      const jb: OpenBatch | null = batchOpts ? openBatch(jep, store, batchOpts, opts.signal) : null;
      const spendOf = jb ? jb.spend : jep.spend;
      const spendBefore = spendOf();
      try {
      judged = await judgeRun(store, {
        client: jb ? jb.client : jep.client,
        judgeModel,
        judges,
        votes: opts.votes,
        endpoint: jep.id,
        thresholds: opts.thresholds,
        retries: opts.retries,
        useN: opts.useN,
        concurrency: jb ? BATCH_WORKERS : (opts.judgeConcurrency ?? Math.max(1, Math.ceil(jep.concurrency / 2))),
        // As batches, the judges a sample gets that read no other judge's verdict are asked in the same round.
        together: !!jb,
        signal: jb ? jb.caller.signal : opts.signal,
        log: opts.log,
        reads: opts.judgeReads,
        retryPermanent: opts.retryPermanent,
      });
      if (jb) await jb.caller.settled();
      } finally {
        jb?.close();
      }
      if (judged.fatal) judged.fatal = jb?.caller.fatal?.message ?? jep.fatal()?.message ?? judged.fatal;
      if (jb) batchJudge = jb.caller.summary();
      // The judges' money joins the run's in the manifest.
      const spent = withRole(spendSince(spendOf(), spendBefore), "judge");
      const m = spent.length ? store.readManifest() : null;
      if (m) store.writeManifest({ ...m, updated_at: new Date().toISOString(), spend: mergeSpend(m.spend ?? [], spent) });
      if (jb?.caller.error) throw jb.caller.error;
    }
  }
  const results = opts.load === false ? null : await store.load();
  return { experiment, plan, dir: store.dir, store, run, judged, judgeNote, results, batch: { run: batchRun, judge: batchJudge } };
}

/** The batch settings recorded in the manifest's args. */
function batchRecord(o: BatchOptions): Record<string, unknown> {
  return { then_sync: !!o.thenSync, ...(o.limits?.maxRequests ? { max_requests: o.limits.maxRequests } : {}), ...(o.pollMs !== undefined ? { poll_ms: o.pollMs } : {}) };
}
