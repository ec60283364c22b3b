import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RunManifest, type Params, type Query, type Sample, type UsageTotals } from "../schema";
import { defaultParams, type Scenario } from "../scenario";
import { parseReply, tagVerdict } from "../classify";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { writeFileAtomic } from "../util/fsx";
import { queriesHash } from "../queries";
import { createProgress, type ModelClient } from "../models";
import { SampleWriter, scanSamples } from "./store";
import { compactSamples } from "./compact";

export const AFW_VERSION = "0.1.0";

/** Everything one run needs. The client is built by the caller (CLI, notebook, test). */
export interface RunOptions {
  out: string;
  client: ModelClient;
  scenario: Scenario;
  models: string[];
  queries: Query[];
  querySource: string;
  tiers: string[];
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
}

export interface RunSummary {
  out: string;
  run_id: string;
  planned: number;
  skipped: number;
  written: number;
  errors: number;
  status: "complete" | "incomplete";
  usage: UsageTotals;
  repairedBytes: number;
  seconds: number;
}

/** The identity of a sample: one record per key, ever. */
export function sampleKey(p: { experiment: string; condition: string; model: string; tier: string; query_id: string; sample: number }): string {
  return `${p.experiment}|${p.condition}|${p.model}|${p.tier}|${p.query_id}|${p.sample}`;
}

/** The seed sent with a request: distinct per run seed and sample index. */
export function requestSeed(seed: number, sample: number): number {
  return (Math.imul(seed, 1_000_003) + sample * 7919) >>> 1;
}

/**
 * What must match for a folder to be resumed: prompts, parameters, seed and
 * names. Adding models, tiers, queries or samples only adds keys, so those
 * stay out of it.
 */
function configHash(o: RunOptions): string {
  return sha256(
    canonicalJson({
      system: o.scenario.systemHash,
      user: sha256(o.scenario.userTemplate),
      suffix: sha256(o.scenario.suffix),
      scenario: { name: o.scenario.spec.name, variant: o.scenario.spec.variant, cot: o.scenario.spec.cot },
      params: o.params ?? {},
      seed: o.seed,
      experiment: o.experiment ?? "adhoc",
      condition: o.condition ?? "baseline",
    }),
  ).slice(0, 16);
}

function readManifest(path: string): RunManifest & { config_hash?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new AfwError(`${path}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const r = RunManifest.passthrough().safeParse(raw);
  if (!r.success) throw new AfwError(`${path}: not a run manifest (${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message})`);
  return r.data as RunManifest & { config_hash?: string };
}

/**
 * Run every (model, tier, query, sample) not yet in OUT/samples.jsonl.
 * Samples are appended as they finish; a kill at any instant loses none
 * already written, and a rerun of the same command writes no duplicate.
 */
export async function runSamples(o: RunOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const experiment = o.experiment ?? "adhoc";
  const condition = o.condition ?? "baseline";
  const samplesPath = join(o.out, "samples.jsonl");
  const manifestPath = join(o.out, "manifest.json");
  const cfg = configHash(o);

  let runId = `${experiment}-${cfg}`;
  let createdAt = new Date().toISOString();
  if (existsSync(manifestPath)) {
    const prev = readManifest(manifestPath);
    if (prev.config_hash && prev.config_hash !== cfg) {
      throw new AfwError(`${o.out} holds a run with other prompts, parameters or seed (config ${prev.config_hash}, now ${cfg}); use a new --out`);
    }
    runId = prev.run_id;
    createdAt = prev.created_at;
  }
  mkdirSync(o.out, { recursive: true });
  const scan = await scanSamples(samplesPath);

  const planned = o.models.length * o.tiers.length * o.queries.length * o.samples;
  const manifest = (status: RunManifest["status"], written: number, errors: number, usage: UsageTotals) => ({
    run_id: runId,
    afw_version: AFW_VERSION,
    created_at: createdAt,
    updated_at: new Date().toISOString(),
    status,
    experiment,
    base_url: o.baseURL,
    offline: o.offline,
    models: o.models,
    conditions: [condition],
    tiers: o.tiers,
    scenario: o.scenario.spec,
    queries: { source: o.querySource, count: o.queries.length, hash: queriesHash(o.queries) },
    samples_per_query: o.samples,
    seed: o.seed,
    params: { ...defaultParams(o.scenario.spec.cot), ...o.params },
    planned,
    written,
    errors,
    usage,
    config_hash: cfg,
    args: o.args ?? {},
  });
  const writeManifest = (m: ReturnType<typeof manifest>) => writeFileAtomic(manifestPath, JSON.stringify(m, null, 2) + "\n");
  writeManifest(manifest("running", scan.done.size, scan.failed.size, o.client.totals()));

  type Item = { model: string; tier: string; query: Query; sample: number; key: string };
  function* items(): Generator<Item> {
    for (const model of o.models)
      for (const tier of o.tiers)
        for (const query of o.queries)
          for (let sample = 0; sample < o.samples; sample++) {
            const key = sampleKey({ experiment, condition, model, tier, query_id: query.id, sample });
            if (scan.done.has(key)) continue;
            yield { model, tier, query, sample, key };
          }
  }
  const todo = planned - countDone(o, scan.done, experiment, condition);

  const writer = new SampleWriter(samplesPath);
  const progress = o.progress ? createProgress(todo, { label: o.out }) : null;
  let errors = 0;
  const it = items();
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const next = it.next();
      if (next.done) return;
      const { model, tier, query, sample, key } = next.value;
      const { request, scenario } = o.scenario.render(query, tier, { ...o.params, seed: requestSeed(o.seed, sample) });
      const res = await o.client.call(model, request, sample);
      const text = res.error ? null : (res.texts[0] ?? null);
      const parsed = text === null ? null : parseReply(text);
      const verdict = parsed ? tagVerdict(parsed.final_output) : { accepted: null, accept_then_refuse: false };
      const rec: Sample = {
        key,
        run_id: runId,
        experiment,
        condition,
        model,
        tier,
        query_id: query.id,
        category: query.category,
        sample,
        scenario,
        request,
        output_text: text,
        scratchpad: parsed?.scratchpad ?? null,
        final_output: parsed?.final_output ?? null,
        accepted: verdict.accepted,
        accept_then_refuse: verdict.accept_then_refuse,
        usage: res.usage,
        error: res.error,
        attempts: res.attempts,
        cached: res.cached,
        latency_ms: res.latency_ms,
        created_at: new Date().toISOString(),
        judgements: {},
      };
      writer.append(rec);
      if (res.error) errors++;
      progress?.tick({ cached: res.cached, error: !!res.error });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  } finally {
    writer.close();
    progress?.done();
  }
  const finished = !o.signal?.aborted && it.next().done === true;
  if (scan.failed.size > 0 || scan.superseded > 0) await compactSamples(samplesPath);
  const status = finished && errors === 0 ? "complete" : "incomplete";
  writeManifest(manifest(status, scan.done.size + writer.written - errors, errors, o.client.totals()));
  return {
    out: o.out,
    run_id: runId,
    planned,
    skipped: planned - todo,
    written: writer.written,
    errors,
    status,
    usage: o.client.totals(),
    repairedBytes: scan.repairedBytes,
    seconds: (Date.now() - t0) / 1000,
  };
}

function countDone(o: RunOptions, done: Set<string>, experiment: string, condition: string): number {
  if (done.size === 0) return 0;
  let n = 0;
  for (const model of o.models)
    for (const tier of o.tiers)
      for (const query of o.queries)
        for (let sample = 0; sample < o.samples; sample++)
          if (done.has(sampleKey({ experiment, condition, model, tier, query_id: query.id, sample }))) n++;
  return n;
}
