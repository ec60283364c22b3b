import type { Params, Query, RunManifest, Sample, SpendRow, UsageTotals } from "../schema/index";
import { defaultParams, setsProtocol, type Scenario } from "../scenario/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { queriesHash } from "../queries/index";
import { createProgress, ErrorTally, mergeSpend, redact, spendSince, withRole, type ModelClient } from "../models/index";
import { folderStore, sampleKey, type ResultsStore } from "../store/index";
import { produceSample, type SampleContext } from "./sample";

/** What a run needs of a model client: `call` and the usage `totals` (a ModelClient, or the in-process organisms). */
export type RunCaller = Pick<ModelClient, "call" | "totals">;

export { AFW_VERSION } from "../util/version";
import { AFW_VERSION } from "../util/version";

/**
 * One condition of a multi-condition run: a named scenario with its tiers,
 * and optionally its own queries, samples per query and models.
 */
export interface RunCondition {
  name: string;
  scenario: Scenario;
  tiers: string[];
  /** Default: the run's queries. */
  queries?: Query[];
  /** Default: the run's samples per query. */
  samples?: number;
  /** Default: the run's models. */
  models?: string[];
  /** What the condition is, as data (recorded in the manifest's condition_specs). */
  factors?: Record<string, string | number | boolean | null>;
}

/** Everything one run needs. The client comes from openEndpoint (lib/pipeline/endpoint). */
export interface RunOptions {
  /** The results folder (or give `store`). */
  out?: string;
  /** Where results go; default the folder `out`. */
  store?: ResultsStore;
  client: RunCaller;
  /** The scenario of a single-condition run (ignored when `conditions` is given). */
  scenario?: Scenario;
  models: string[];
  queries: Query[];
  querySource: string;
  /** Tiers of a single-condition run (ignored when `conditions` is given). */
  tiers?: string[];
  /** Several conditions in one results folder (an experiment). */
  conditions?: RunCondition[];
  samples: number;
  seed: number;
  params?: Partial<Params>;
  concurrency: number;
  experiment?: string;
  condition?: string;
  baseURL: string | null;
  offline: boolean;
  /** Show progress (bar on a TTY, plain lines otherwise). */
  progress?: boolean;
  /** Stop scheduling new requests when aborted; in-flight ones finish and are written. */
  signal?: AbortSignal;
  /** Extra manifest args to record (never keys). */
  args?: Record<string, unknown>;
  /** Each model's factors (recorded in the manifest). */
  modelFactors?: Record<string, Record<string, string | number | boolean | null>>;
  /** The figure kinds the experiment declares (recorded in the manifest). */
  figures?: string[];
  /** The provider profile the requests go through (recorded in the manifest), null offline. */
  provider?: string | null;
  /** The OpenRouter pin (recorded in the manifest). */
  providerOrder?: string[] | null;
  /** Money spent through the client so far (Endpoint.spend); what this run adds is recorded in the manifest. */
  spend?: () => SpendRow[];
  /** Redo samples that failed with a permanent error (context too long, an invalid request); default false. */
  retryPermanent?: boolean;
  /** Notes: the first message of each kind of error, once. */
  log?: (s: string) => void;
  /** The client's own line for the fatal error that stopped it (Endpoint.fatal), preferred to the call's. */
  fatalMessage?: () => string | null;
}

export interface RunSummary {
  /** The results folder, or null when the results are in memory. */
  out: string | null;
  run_id: string;
  planned: number;
  skipped: number;
  written: number;
  errors: number;
  status: "complete" | "incomplete";
  usage: UsageTotals;
  repairedBytes: number;
  seconds: number;
  /** The provider's one-line message when a fatal error stopped the run, else null. */
  fatal: string | null;
  /** Samples kept as failed with a permanent error and not retried (--retry-permanent retries them). */
  keptPermanent: number;
  /** Among this run's failed samples, those with a permanent error (context too long, an invalid request): recorded, not retried by a plain rerun. */
  errorsPermanent: number;
  /** Per model, the parameters its provider was not sent in this run (its default applied). */
  paramsNotSent: Record<string, string[]>;
  /** What this run spent (its own requests, not earlier sessions'), per model. */
  spend: SpendRow[];
  /** Failures and blocked replies of this run by kind. */
  outcomes: ReturnType<ErrorTally["counts"]>;
}

/** The seed sent with a request: distinct per run seed and sample index. */
export function requestSeed(seed: number, sample: number): number {
  return (Math.imul(seed, 1_000_003) + sample * 7919) >>> 1;
}

/**
 * What must match for a condition to be resumed: prompts, parameters, seed
 * and names. Adding models, tiers, queries or samples only adds keys, so
 * those stay out of it. (A baseline condition hashes as single runs always
 * have; prefills, documents and protocol settings (tier values, stop, turns)
 * add the hash of their texts.)
 */
export function conditionConfigHash(scenario: Scenario, o: { params?: Partial<Params>; seed: number; experiment?: string }, condition: string): string {
  const extra = scenario.api === "completions" || scenario.prefill(scenario.spec.tiers[0]) !== "" || setsProtocol(scenario.spec) ? { texts: scenario.textsHash } : {};
  return sha256(
    canonicalJson({
      system: scenario.systemHash,
      user: sha256(scenario.userTemplate),
      suffix: sha256(scenario.suffix),
      scenario: { name: scenario.spec.name, variant: scenario.spec.variant, cot: scenario.spec.cot },
      params: o.params ?? {},
      seed: o.seed,
      experiment: o.experiment ?? "adhoc",
      condition,
      ...extra,
    }),
  ).slice(0, 16);
}

interface Resolved {
  name: string;
  scenario: Scenario;
  tiers: string[];
  queries: Query[];
  samples: number;
  models: string[];
  factors: Record<string, string | number | boolean | null>;
  cfg: string;
}

function resolveConditions(o: RunOptions): Resolved[] {
  const list: RunCondition[] = o.conditions?.length
    ? o.conditions
    : o.scenario && o.tiers
      ? [{ name: o.condition ?? "baseline", scenario: o.scenario, tiers: o.tiers }]
      : [];
  if (!list.length) throw new AfwError("a run needs a scenario and tiers, or a list of conditions");
  const names = new Set<string>();
  return list.map((c) => {
    if (names.has(c.name)) throw new AfwError(`condition "${c.name}" appears twice in one run`);
    names.add(c.name);
    return {
      name: c.name,
      scenario: c.scenario,
      tiers: c.tiers,
      queries: c.queries ?? o.queries,
      samples: c.samples ?? o.samples,
      models: c.models ?? o.models,
      factors: c.factors ?? { variant: c.scenario.spec.variant, cot: c.scenario.spec.cot },
      cfg: conditionConfigHash(c.scenario, o, c.name),
    };
  });
}

/**
 * Run every (model, tier, query, sample) not yet in the store (OUT/samples.jsonl).
 * Samples are appended as they finish; a kill at any instant loses none
 * already written, and a rerun of the same command writes no duplicate.
 */
export async function runSamples(o: RunOptions): Promise<RunSummary> {
  if (!o.store && !o.out) throw new AfwError("a run needs a results folder (out) or a store");
  const store = o.store ?? folderStore(o.out!);
  const where = store.dir ?? "memory";
  const t0 = Date.now();
  const experiment = o.experiment ?? "adhoc";
  const conds = resolveConditions(o);
  const configs: Record<string, string> = {};
  for (const c of conds) configs[c.name] = c.cfg;
  const single = conds.length === 1 && !o.conditions?.length;
  const cfg = single ? conds[0].cfg : sha256(canonicalJson(configs)).slice(0, 16);

  let runId = `${experiment}-${cfg}`;
  let createdAt = new Date().toISOString();
  let keptConfigs: Record<string, string> = {};
  // What earlier runs into the folder recorded about conditions and models this one does not run.
  let keptSpecs: NonNullable<RunManifest["condition_specs"]> = {};
  let keptModelFactors: NonNullable<RunManifest["model_factors"]> = {};
  const prev = store.readManifest();
  if (prev) {
    const prevConfigs = prev.condition_configs ?? (prev.config_hash && prev.conditions.length === 1 ? { [prev.conditions[0]]: prev.config_hash } : {});
    for (const c of conds) {
      const was = prevConfigs[c.name];
      if (was && was !== c.cfg) {
        throw new AfwError(`${where} holds condition "${c.name}" with other prompts, parameters or seed (config ${was}, now ${c.cfg}); use a new --out`);
      }
    }
    if (single && prev.config_hash && !prev.condition_configs && prev.config_hash !== cfg) {
      throw new AfwError(`${where} holds a run with other prompts, parameters or seed (config ${prev.config_hash}, now ${cfg}); use a new --out`);
    }
    // One model's samples come from one endpoint: a resume somewhere else would mix them.
    const was = prev.written > 0 ? previousEndpoints(prev) : {};
    const now = { provider: o.provider ?? null, base_url: o.baseURL ?? null };
    for (const m of new Set(conds.flatMap((c) => c.models))) {
      const w = was[m];
      if (w && !sameEndpoint(w, now)) {
        throw new AfwError(`${where} holds ${m} samples from ${endpointText(w)}; this run would ask ${endpointText(now)}: use a new --out (one folder per endpoint)`);
      }
    }
    keptConfigs = prevConfigs;
    keptSpecs = prev.condition_specs ?? {};
    keptModelFactors = prev.model_factors ?? {};
    runId = prev.run_id;
    createdAt = prev.created_at;
  }
  const allConfigs = { ...keptConfigs, ...configs };
  const scan = await store.scanSamples();
  // Permanent failures stay failed on a resume unless asked: they are recorded outcomes, not retried.
  const skip = o.retryPermanent ? scan.done : new Set([...scan.done, ...scan.permanent]);
  const keptPermanent = o.retryPermanent ? 0 : countDone(conds, scan.permanent, experiment);
  const prevSpend = prev?.spend ?? [];
  const spendAtStart = o.spend ? o.spend() : [];
  const spentNow = (): SpendRow[] => (o.spend ? withRole(spendSince(o.spend(), spendAtStart), "subject") : []);

  let planned = 0;
  for (const c of conds) planned += c.models.length * c.tiers.length * c.queries.length * c.samples;
  const union = (f: (c: Resolved) => string[]) => [...new Set(conds.flatMap(f))];
  const first = conds[0];
  const manifest = (status: RunManifest["status"], written: number, errors: number, usage: UsageTotals, stopReason: string | null = null): RunManifest => ({
    run_id: runId,
    afw_version: AFW_VERSION,
    created_at: createdAt,
    updated_at: new Date().toISOString(),
    status,
    experiment,
    base_url: o.baseURL,
    offline: o.offline,
    models: union((c) => c.models),
    conditions: conds.map((c) => c.name),
    tiers: union((c) => c.tiers),
    scenario: first.scenario.spec,
    queries: { source: o.querySource, count: o.queries.length, hash: queriesHash(o.queries) },
    samples_per_query: Math.max(...conds.map((c) => c.samples)),
    seed: o.seed,
    params: { ...defaultParams(first.scenario.spec.cot), ...o.params },
    planned,
    written,
    errors,
    ...(stopReason ? { stop_reason: stopReason } : {}),
    usage,
    config_hash: cfg,
    condition_configs: allConfigs,
    condition_specs: {
      ...keptSpecs,
      ...Object.fromEntries(
      conds.map((c) => [c.name, { variant: c.scenario.spec.variant, cot: c.scenario.spec.cot, tiers: c.tiers, models: c.models, queries: c.queries.length, samples: c.samples, system_hash: c.scenario.systemHash, factors: c.factors }]),
      ),
    },
    args: o.args ?? {},
    ...(o.provider !== undefined ? { provider: o.provider } : prev?.provider !== undefined ? { provider: prev.provider } : {}),
    ...(o.providerOrder !== undefined ? { provider_order: o.providerOrder } : prev?.provider_order !== undefined ? { provider_order: prev.provider_order } : {}),
    ...spendField(mergeSpend(prevSpend, spentNow())),
    ...(o.modelFactors ? { model_factors: { ...keptModelFactors, ...o.modelFactors } } : {}),
    ...(o.figures ? { figures: o.figures } : {}),
    model_endpoints: { ...(prev ? previousEndpoints(prev) : {}), ...Object.fromEntries(union((c) => c.models).map((m) => [m, { provider: o.provider ?? null, base_url: o.baseURL ?? null }])) },
    ...notSentField(prev?.params_not_sent, notSent),
  });
  const notSent = new Map<string, Set<string>>();
  store.writeManifest(manifest("running", scan.done.size, scan.failed.size, o.client.totals()));
  // A checkpoint of the manifest (counts and spend so far) every few seconds while samples come in,
  // so that a run killed outright still leaves what it spent on record for the resume to add to.
  let lastCheckpoint = Date.now();
  const checkpoint = () => {
    const t = Date.now();
    if (t - lastCheckpoint < CHECKPOINT_MS) return;
    lastCheckpoint = t;
    store.writeManifest(manifest("running", scan.done.size + writer.written - errors, errors, o.client.totals()));
  };

  type Item = { cond: Resolved; model: string; tier: string; query: Query; sample: number; key: string };
  function* items(): Generator<Item> {
    for (const cond of conds)
      for (const model of cond.models)
        for (const tier of cond.tiers)
          for (const query of cond.queries)
            for (let sample = 0; sample < cond.samples; sample++) {
              const key = sampleKey({ experiment, condition: cond.name, model, tier, query_id: query.id, sample });
              if (skip.has(key)) continue;
              yield { cond, model, tier, query, sample, key };
            }
  }
  const todo = planned - countDone(conds, skip, experiment);

  const writer = store.openSampleWriter();
  const progress = o.progress ? createProgress(todo, { label: where }) : null;
  let errors = 0;
  let errorsPermanent = 0;
  const tally = new ErrorTally();
  const it = items();
  const ctx: SampleContext = { client: o.client, store, runId, experiment, params: o.params, seedOf: (sample) => requestSeed(o.seed, sample) };
  let fatal: string | null = null;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted || fatal !== null) return;
      const next = it.next();
      if (next.done) return;
      const { cond, model, tier, query, sample, key } = next.value;
      const { record, call } = await produceSample({ key, condition: cond.name, scenario: cond.scenario, model, tier, query, sample }, ctx);
      const line = tally.add(call);
      // The fatal error is said once, by the command's "stopped:" line.
      if (line && call.error_kind !== "fatal" && !call.cancelled) o.log?.(`run: ${line}`);
      if (!record) {
        // Cancelled, or a fatal provider error: write nothing; the run stops and a resume redoes it.
        if (call.error_kind === "fatal" && fatal === null) fatal = o.fatalMessage?.() ?? `${call.provider}: ${call.error ?? "fatal provider error"}`;
        if (call.cancelled && fatal === null && !o.signal?.aborted) fatal = o.fatalMessage?.() ?? (call.error ?? "the model client stopped").replace(/^(cancelled|not sent): /, "");
        continue;
      }
      writer.append(record);
      if (record.params_not_sent?.length) {
        const set = notSent.get(record.model) ?? new Set<string>();
        for (const p of record.params_not_sent) set.add(p);
        notSent.set(record.model, set);
      }
      if (record.error) {
        errors++;
        if (record.error_kind === "permanent") errorsPermanent++;
      }
      progress?.tick({ cached: record.cached, error: !!record.error });
      checkpoint();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  } finally {
    writer.close();
    progress?.done();
  }
  const finished = !o.signal?.aborted && fatal === null && it.next().done === true;
  if (scan.failed.size > 0 || scan.superseded > 0) await store.compactSamples();
  const status = finished && errors === 0 && keptPermanent === 0 ? "complete" : "incomplete";
  // Why it stopped early, for afw report to say (the fatal line has no key; redact() is a second guard).
  const stopReason = fatal !== null ? redact(fatal, "") : o.signal?.aborted ? "interrupted" : null;
  store.writeManifest(manifest(status, scan.done.size + writer.written - errors, errors + keptPermanent, o.client.totals(), stopReason));
  return {
    out: store.dir,
    run_id: runId,
    planned,
    skipped: planned - todo,
    written: writer.written,
    errors,
    status,
    usage: o.client.totals(),
    repairedBytes: scan.repairedBytes,
    seconds: (Date.now() - t0) / 1000,
    fatal,
    keptPermanent,
    errorsPermanent,
    paramsNotSent: Object.fromEntries([...notSent].map(([m, set]) => [m, [...set].sort()])),
    spend: spentNow(),
    outcomes: tally.counts(),
  };
}

/** The manifest's params_not_sent: what earlier runs recorded, with this run's added. */
function notSentField(prev: RunManifest["params_not_sent"], now: Map<string, Set<string>>): { params_not_sent?: Record<string, string[]> } {
  const all: Record<string, string[]> = { ...(prev ?? {}) };
  for (const [m, set] of now) all[m] = [...new Set([...(all[m] ?? []), ...set])].sort();
  return Object.keys(all).length ? { params_not_sent: all } : {};
}

/** Milliseconds between manifest checkpoints during a run. */
const CHECKPOINT_MS = 2000;

type EndpointRecord = NonNullable<RunManifest["model_endpoints"]>[string];

/** Where each model of an earlier run came from (older manifests: the run's one provider and URL for all its models). */
function previousEndpoints(prev: RunManifest): Record<string, EndpointRecord> {
  if (prev.model_endpoints) return prev.model_endpoints;
  return Object.fromEntries(prev.models.map((m) => [m, { provider: prev.provider ?? null, base_url: prev.base_url }]));
}

const normUrl = (u: string | null) => (u === null ? null : u.replace(/\/+$/, "").toLowerCase());

function sameEndpoint(a: EndpointRecord, b: EndpointRecord): boolean {
  return (a.provider ?? null) === (b.provider ?? null) && normUrl(a.base_url) === normUrl(b.base_url);
}

function endpointText(e: EndpointRecord): string {
  if (e.base_url === null && e.provider === null) return "the offline organisms";
  return `${e.provider ?? "an OpenAI-compatible server"}${e.base_url ? ` at ${e.base_url}` : ""}`;
}

/** The manifest's spend, when there is any. */
function spendField(rows: SpendRow[]): { spend?: SpendRow[] } {
  return rows.length ? { spend: rows } : {};
}

function countDone(conds: Resolved[], done: Set<string>, experiment: string): number {
  if (done.size === 0) return 0;
  let n = 0;
  for (const c of conds)
    for (const model of c.models)
      for (const tier of c.tiers)
        for (const query of c.queries)
          for (let sample = 0; sample < c.samples; sample++)
            if (done.has(sampleKey({ experiment, condition: c.name, model, tier, query_id: query.id, sample }))) n++;
  return n;
}
