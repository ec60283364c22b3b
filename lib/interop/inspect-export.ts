/**
 * A results folder as an Inspect AI evaluation log (EvalLog version 2), so
 * that `inspect view`, Inspect Scout and other tools of that ecosystem open
 * afw runs.
 *
 * One Inspect sample per (model, condition, tier, query, sample index): the
 * sample's id names model, condition, tier and query, its epoch is the
 * sample index + 1. Where the record goes:
 * - the request's messages → `messages` (and the user turn → `input`);
 *   the reply → an assistant message per turn (continuation turns between
 *   them marked in their metadata) and `output` (whose message holds the
 *   whole reply, hidden reasoning as a ContentReasoning block);
 * - token usage → `output.usage` and `model_usage`; finish → `stop_reason`;
 * - every judgement → a score (`value` the score or label, `answer` the
 *   label, `explanation` the evidence, `metadata` the judgement's fields);
 * - tier, condition, its factors and every other field of the record →
 *   `metadata`, so that `afw import inspect` gets the same record back.
 */
import { basename, extname } from "node:path";
import type { Judgement, RunManifest, Sample, Usage } from "../schema/index";
import { pickVersions } from "../analysis/index";
import type { LoadedRun as ResultsFolder } from "../store/index";
import { explainJudgement, labelText } from "../analysis/judgement-view";
import { sha256 } from "../util/hash";
import { AfwError } from "../util/errors";
import { writeFileAtomic } from "../util/fsx";
import { writeZip } from "./zip";
import type { InspectEvalScore, InspectLog, InspectMessage, InspectOutput, InspectReduction, InspectSample, InspectScore, InspectStatus, InspectStopReason, InspectUsage } from "./inspect-types";

/** The user turn inserted between the turns of a multi-turn reply (the reference sampling loop's continuation). */
export const CONTINUATION_TURN = "<NEXT/>";

/** Inspect's stop reason for an afw outcome. */
export function stopReason(s: Pick<Sample, "outcome">): InspectStopReason {
  switch (s.outcome) {
    case "reply":
      return "stop";
    case "truncated":
      return "max_tokens";
    case "blocked":
      return "content_filter";
    default:
      return "unknown";
  }
}

/** afw usage as Inspect's ModelUsage (optional counts only when present). */
export function inspectUsage(u: Usage): InspectUsage {
  const out: InspectUsage = { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens, total_tokens: u.total_tokens };
  if (u.cached_prompt_tokens !== undefined) out.input_tokens_cache_read = u.cached_prompt_tokens;
  if (u.cache_creation_tokens !== undefined) out.input_tokens_cache_write = u.cache_creation_tokens;
  if (u.reasoning_tokens !== undefined) out.reasoning_tokens = u.reasoning_tokens;
  if (u.cost_usd !== undefined) out.total_cost = u.cost_usd;
  return out;
}

function addUsage(into: Record<string, InspectUsage>, model: string, u: InspectUsage): void {
  const t = (into[model] ??= { input_tokens: 0, output_tokens: 0, total_tokens: 0 });
  t.input_tokens += u.input_tokens;
  t.output_tokens += u.output_tokens;
  t.total_tokens += u.total_tokens;
  for (const k of ["input_tokens_cache_read", "input_tokens_cache_write", "reasoning_tokens", "total_cost"] as const) {
    if (typeof u[k] === "number") t[k] = (t[k] ?? 0) + (u[k] as number);
  }
}

/** A sample id safe as a file name inside the .eval archive (no "/"), readable. */
function sampleId(s: Sample): string {
  return [s.model, s.condition, s.tier, s.query_id].join(":").replace(/[^A-Za-z0-9._:@+=-]/g, "_");
}

/** The score key of each judgement: the judge's name for the newest version, "judge@version" for older ones. */
function scoreKeys(samples: readonly Sample[]): (j: Judgement) => string {
  const newest = pickVersions(samples) as Record<string, string | undefined>;
  return (j) => (newest[j.judge] === j.version ? j.judge : `${j.judge}@${j.version}`);
}

/** A judgement as an Inspect score; its metadata carries every field of the judgement. */
export function judgementScore(j: Judgement): InspectScore {
  const value = j.score !== null ? j.score : j.label !== null ? j.label : "invalid";
  const meta: Record<string, unknown> = { judge: j.judge, version: j.version, judge_model: j.judge_model, prompt_hash: j.prompt_hash, label: j.label, score: j.score, valid: j.valid };
  if (j.votes !== undefined) meta.votes = j.votes;
  if (j.judge_model_snapshot !== undefined) meta.judge_model_snapshot = j.judge_model_snapshot;
  if (j.detail !== undefined) meta.detail = j.detail;
  const out: InspectScore = { value, explanation: explainJudgement(j), metadata: meta };
  const answer = labelText(j.label);
  if (answer !== null) out.answer = answer;
  return out;
}

function assistant(content: string, reasoning: string | null, model: string, metadata?: Record<string, unknown>): InspectMessage {
  const m: InspectMessage = {
    role: "assistant",
    content: reasoning === null ? content : [{ type: "reasoning", reasoning }, { type: "text", text: content }],
    source: "generate",
    model,
  };
  if (metadata) m.metadata = metadata;
  return m;
}

/** The fields of a sample record that have no place of their own in an Inspect sample. */
function sampleMetadata(s: Sample, factors: Record<string, unknown>): Record<string, unknown> {
  const m: Record<string, unknown> = {
    tier: s.tier,
    condition: s.condition,
    factors,
    model: s.model,
    experiment: s.experiment,
    query_id: s.query_id,
  };
  if (s.query_text !== undefined) m.query_text = s.query_text;
  if (s.category !== undefined) m.category = s.category;
  Object.assign(m, {
    sample: s.sample,
    key: s.key,
    run_id: s.run_id,
    scenario: s.scenario,
    api: s.request.api,
    params: s.request.params,
    prefill: s.prefill,
    scratchpad: s.scratchpad,
    final_output: s.final_output,
    accepted: s.accepted,
    accept_then_refuse: s.accept_then_refuse,
    outcome: s.outcome,
    finish_reason: s.finish_reason,
    error_kind: s.error_kind,
    provider: s.provider,
    upstream_provider: s.upstream_provider,
    model_snapshot: s.model_snapshot,
    reasoning_source: s.reasoning?.source ?? null,
    ...(s.output_text === null && s.reasoning ? { output_text_null: true } : {}),
    attempts: s.attempts,
    cached: s.cached,
    latency_ms: s.latency_ms,
    created_at: s.created_at,
  });
  return m;
}

/** One afw sample as an Inspect sample. */
export function inspectSample(s: Sample, id: string, factors: Record<string, unknown>, scoreKey: (j: Judgement) => string): InspectSample {
  const req = s.request;
  const input: InspectMessage[] =
    req.api === "completions"
      ? [{ role: "user", content: req.prompt ?? "", source: "input" }]
      : (req.messages ?? []).map((m) => ({ role: m.role, content: m.content, source: "input" as const }));
  const model = s.model_snapshot ?? s.model;
  const messages: InspectMessage[] = [...input];
  if (s.turns.length > 0) {
    s.turns.forEach((t, i) => {
      if (i > 0) messages.push({ role: "user", content: CONTINUATION_TURN, source: "input", metadata: { afw_continuation: true } });
      const meta: Record<string, unknown> = { afw_turn: i, finish_reason: t.finish_reason, usage: t.usage, cached: t.cached, model_snapshot: t.model_snapshot, reasoning_source: t.reasoning?.source ?? null, text_is_null: t.output_text === null };
      messages.push(assistant(t.output_text ?? "", t.reasoning?.text ?? null, t.model_snapshot ?? model, meta));
    });
  } else if (s.output_text !== null || s.reasoning) {
    messages.push(assistant(s.output_text ?? "", s.reasoning?.text ?? null, model));
  }
  const output: InspectOutput = {
    model,
    choices: s.output_text === null && !s.reasoning ? [] : [{ message: assistant(s.output_text ?? "", s.reasoning?.text ?? null, model), stop_reason: stopReason(s) }],
  };
  if (s.usage) output.usage = inspectUsage(s.usage);
  output.time = s.latency_ms / 1000;
  if (s.error !== null) output.error = s.error;

  const scores: Record<string, InspectScore> = {};
  for (const j of Object.values(s.judgements)) scores[scoreKey(j)] = judgementScore(j);

  const userTurns = input.filter((m) => m.role === "user");
  messages.forEach((msg, i) => (msg.id = sha256(`afw-message:${s.run_id}:${s.key}:${i}`).slice(0, 22)));
  const out: InspectSample = {
    id,
    epoch: s.sample + 1,
    input: userTurns.length === 1 && input.length <= 2 ? (userTurns[0].content as string) : input,
    target: "",
    messages,
    output,
    scores,
    metadata: sampleMetadata(s, factors),
    store: {},
    events: [],
    model_usage: s.usage ? { [s.model]: inspectUsage(s.usage) } : {},
    total_time: s.latency_ms / 1000,
    working_time: s.latency_ms / 1000,
    uuid: sha256(`afw-sample:${s.run_id}:${s.key}`).slice(0, 22),
    attachments: {},
  };
  if (s.error !== null) out.error = { message: s.error, traceback: "", traceback_ansi: "" };
  return out;
}

function status(m: RunManifest | null): InspectStatus {
  if (!m) return "success";
  return m.status === "complete" ? "success" : m.status === "running" ? "started" : "cancelled";
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The most common value (first seen wins a tie). */
function mode<T>(xs: T[]): T {
  const counts = new Map<string, { v: T; n: number }>();
  for (const x of xs) {
    const k = JSON.stringify(x);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v: x, n: 1 });
  }
  let best: { v: T; n: number } | null = null;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best!.v;
}

/** Options of `inspectLog`. */
export interface InspectExportOptions {
  /** The task name; default "afw/<experiment>". */
  task?: string;
}

/**
 * Build the EvalLog of a results folder.
 * @example const log = inspectLog(await readResultsFolder("runs/demo")); log.samples?.length
 */
export function inspectLog(folder: ResultsFolder, opts: InspectExportOptions = {}): InspectLog {
  const m = folder.manifest;
  const samples = [...folder.samples].sort(
    (a, b) => a.model.localeCompare(b.model) || a.condition.localeCompare(b.condition) || a.tier.localeCompare(b.tier) || a.query_id.localeCompare(b.query_id) || a.sample - b.sample,
  );
  const models = m?.models ?? [...new Set(samples.map((s) => s.model))];
  const experiment = m?.experiment ?? samples[0]?.experiment ?? "afw";
  const created = m?.created_at ?? samples.reduce((a, s) => (a && a < s.created_at ? a : s.created_at), "") ?? new Date(0).toISOString();
  const completed = m?.updated_at ?? samples.reduce((a, s) => (a > s.created_at ? a : s.created_at), created);
  const keyOf = scoreKeys(samples);

  // ids: one per (model, condition, tier, query); a clash after making them file-safe gets a suffix.
  const ids = new Map<string, string>();
  const taken = new Map<string, string>();
  const idFor = (s: Sample) => {
    const group = JSON.stringify([s.model, s.condition, s.tier, s.query_id]);
    let id = ids.get(group);
    if (id) return id;
    id = sampleId(s);
    for (let k = 2; taken.has(id) && taken.get(id) !== group; k++) id = `${sampleId(s)}~${k}`;
    taken.set(id, group);
    ids.set(group, id);
    return id;
  };

  const modelUsage: Record<string, InspectUsage> = {};
  const out: InspectSample[] = samples.map((s) => {
    const factors = (m?.condition_specs?.[s.condition]?.factors ?? {}) as Record<string, unknown>;
    const x = inspectSample(s, idFor(s), factors, keyOf);
    if (s.usage) addUsage(modelUsage, s.model, inspectUsage(s.usage));
    return x;
  });

  // results and reductions per score key
  const byScore = new Map<string, { sample: InspectSample; score: InspectScore }[]>();
  for (const x of out) for (const [k, sc] of Object.entries(x.scores ?? {})) (byScore.get(k) ?? byScore.set(k, []).get(k)!).push({ sample: x, score: sc });
  const scoreNames = [...byScore.keys()].sort();
  const results: InspectEvalScore[] = scoreNames.map((name): InspectEvalScore => {
    const nums = byScore.get(name)!.map((e) => e.score.value).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return {
      name,
      scorer: name.split("@")[0],
      params: {},
      metrics: nums.length ? { mean: { name: "mean", value: mean(nums), params: {} } } : ({} as InspectEvalScore["metrics"]),
    };
  });
  const reductions: InspectReduction[] = scoreNames.map((name) => {
    const perId = new Map<string, InspectScore[]>();
    for (const e of byScore.get(name)!) (perId.get(String(e.sample.id)) ?? perId.set(String(e.sample.id), []).get(String(e.sample.id))!).push(e.score);
    return {
      scorer: name,
      samples: [...perId.entries()].map(([id, scs]) => {
        const nums = scs.map((s) => s.value).filter((v): v is number => typeof v === "number");
        const value = nums.length === scs.length ? mean(nums) : mode(scs.map((s) => s.value));
        const r: InspectScore & { sample_id: string } = { value, sample_id: id };
        if (scs.length === 1) {
          if (scs[0].answer !== undefined) r.answer = scs[0].answer;
          if (scs[0].explanation !== undefined) r.explanation = scs[0].explanation;
        }
        return r;
      }),
    };
  });

  const params = m?.params ?? samples[0]?.request.params ?? { temperature: 0, max_tokens: 2000 };
  const task = opts.task ?? `afw/${experiment}`;
  const epochs = m?.samples_per_query ?? Math.max(1, ...samples.map((s) => s.sample + 1));
  const evalSpec: InspectLog["eval"] = {
    eval_id: sha256(`afw-eval:${m?.run_id ?? task}:${created}`).slice(0, 22),
    run_id: m?.run_id ?? sha256(`afw-run:${task}:${created}`).slice(0, 22),
    created,
    task,
    task_registry_name: task,
    task_id: m?.config_hash ?? sha256(task).slice(0, 22),
    task_version: 0,
    task_attribs: {},
    task_args: {},
    dataset: {
      name: m ? basename(m.queries.source).replace(/\.[^.]+$/, "") : experiment,
      location: m?.queries.source ?? folder.dir,
      samples: m?.queries.count ?? new Set(samples.map((s) => s.query_id)).size,
      sample_ids: [...new Set(out.map((x) => String(x.id)))],
      shuffled: false,
    },
    model: models.length === 1 ? models[0] : "afw/several-models",
    model_generate_config: { ...params },
    model_args: {},
    model_roles: {},
    config: { epochs },
    packages: { "af-workbook": m?.afw_version ?? "unknown" },
    scorers: scoreNames.map((name) => ({ name, options: {}, metrics: results.find((r) => r.name === name)!.metrics.mean ? [{ name: "mean", options: {} }] : [], metadata: {} })),
    metadata: { models, conditions: m?.conditions ?? [...new Set(samples.map((s) => s.condition))], tiers: m?.tiers ?? [...new Set(samples.map((s) => s.tier))], afw_manifest: m },
  };
  if (m?.base_url) evalSpec.model_base_url = m.base_url;

  return {
    version: 2,
    status: status(m),
    eval: evalSpec,
    plan: {
      name: "plan",
      steps: [
        { solver: "afw_scenario", params: m ? { scenario: m.scenario } : {} },
        { solver: "generate", params: {} },
      ],
      config: { ...params },
    },
    results: { total_samples: out.length, completed_samples: samples.filter((s) => s.error === null).length, scores: results },
    stats: { started_at: created, completed_at: completed, model_usage: modelUsage },
    samples: out,
    reductions,
  };
}

/** A sample as the summaries of an .eval archive list it: small metadata, score values only. */
function summary(x: InspectSample): Record<string, unknown> {
  const md = x.metadata ?? {};
  const small: Record<string, unknown> = {};
  for (const k of ["tier", "condition", "factors", "model", "experiment", "query_id", "sample", "outcome", "accepted"]) if (k in md) small[k] = md[k];
  return {
    id: x.id,
    epoch: x.epoch,
    input: x.input,
    target: x.target,
    metadata: small,
    scores: Object.fromEntries(Object.entries(x.scores ?? {}).map(([k, s]) => [k, { value: s.value }])),
    model_usage: x.model_usage ?? {},
    total_time: x.total_time,
    working_time: x.working_time,
    uuid: x.uuid,
    retries: 0,
    completed: true,
  };
}

/**
 * The members of the `.eval` (ZIP) form of a log, in the order Inspect
 * writes them: the journal start, one file per sample, the summaries, the
 * reductions, and the header (everything but samples and reductions).
 */
export function evalMembers(log: InspectLog): { name: string; data: string }[] {
  const samples = log.samples ?? [];
  const summaries = JSON.stringify(samples.map(summary));
  const header: Record<string, unknown> = { version: log.version, status: log.status, eval: log.eval, plan: log.plan, results: log.results, stats: log.stats };
  if (log.error) header.error = log.error;
  return [
    { name: "_journal/start.json", data: JSON.stringify({ version: log.version, eval: log.eval, plan: log.plan }) },
    ...samples.map((x) => ({ name: `samples/${x.id}_epoch_${x.epoch}.json`, data: JSON.stringify(x) })),
    { name: "_journal/summaries/1.json", data: summaries },
    { name: "summaries.json", data: summaries },
    { name: "reductions.json", data: JSON.stringify(log.reductions ?? []) },
    { name: "header.json", data: JSON.stringify(header) },
  ];
}

/**
 * Write a log as `.json` (one EvalLog object) or `.eval` (ZIP), chosen by the
 * file's extension, atomically.
 */
export function writeInspectLog(log: InspectLog, path: string): { bytes: number; format: "json" | "eval" } {
  const ext = extname(path).toLowerCase();
  if (ext !== ".json" && ext !== ".eval") throw new AfwError(`afw export inspect: --out must end in .json or .eval, got ${path}`);
  const data = ext === ".json" ? Buffer.from(JSON.stringify(log, null, 2) + "\n", "utf8") : writeZip(evalMembers(log));
  writeFileAtomic(path, data);
  return { bytes: data.length, format: ext === ".json" ? "json" : "eval" };
}
