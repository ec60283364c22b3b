/**
 * One sample per planned item: render the request, call the model, read the
 * reply, and make the record. The runner (run.ts) decides what to run,
 * writes records and stops the run; this file decides what one sample is.
 * A call the client cancelled, or one that hit a fatal provider error,
 * gives no record (the run stops and a resume redoes it).
 *
 * The multi-turn scratchpad protocol (lib/scenario/protocol.ts): when a turn
 * ends after its scratchpad with no answer yet, the turn and a `<NEXT/>`
 * user turn are appended and the model is asked again, up to the scenario's
 * max_turns (default 4). Each turn is its own request, so the response cache
 * holds each one: a run killed between turns writes nothing for the sample,
 * and its resume replays the finished turns from the cache for free and asks
 * only for the turn that was missing.
 */
import type { CallResult } from "../models/index";
import { sampleFields } from "../models/index";
import type { Params, Query, Reasoning, Request, Sample, Turn, Usage } from "../schema/index";
import { askAgain, nextTurnRequest, parseReply, tagVerdict, type Scenario } from "../scenario/index";
import type { ResultsStore } from "../store/index";

/** What a run needs of a model client to make samples. */
export interface SampleCaller {
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult>;
  /** The request's parameters the provider is not sent (see ModelClient.paramsNotSent). */
  paramsNotSent?(model: string, req: Request): string[];
}

/** One (condition, model, tier, query, sample index) to run. */
export interface SampleItem {
  key: string;
  condition: string;
  scenario: Scenario;
  model: string;
  tier: string;
  query: Query;
  sample: number;
}

/** What the record of every sample of a run shares. */
export interface SampleContext {
  client: SampleCaller;
  store: Pick<ResultsStore, "slimRequest">;
  runId: string;
  experiment: string;
  params?: Partial<Params>;
  /** The request seed of a sample index (requestSeed(runSeed, sample)). */
  seedOf(sample: number): number;
}

/** A sample's record, or why there is none, with the call it came from. */
export interface SampleOutcome {
  /** Null when nothing may be written (cancelled, or a fatal provider error). */
  record: Sample | null;
  /** The (last) call behind it. */
  call: CallResult;
  /** Requests made for it (one per turn, cache hits included). */
  turns: number;
}

/**
 * Make one sample: render, call (turn after turn while the protocol asks
 * again), parse the prefill and reply together (a prefill such as an opened
 * scratchpad is part of what the model continues; with several turns, each
 * turn continues the prefill), read the accept / reject tags, and build the
 * record from the calls' fields (outcome, finish reason, provider, snapshot,
 * hidden reasoning, usage summed over the turns).
 */
export async function produceSample(item: SampleItem, ctx: SampleContext): Promise<SampleOutcome> {
  const { scenario: sc, tier, query, sample, model } = item;
  const rendered = sc.render(query, tier, { ...ctx.params, seed: ctx.seedOf(sample) });
  const { request } = rendered;
  const prefill = sc.prefill(tier);
  const multi = request.api === "chat";
  const texts: string[] = [];
  const calls: CallResult[] = [];
  let res: CallResult;
  for (;;) {
    const req = texts.length === 0 ? request : nextTurnRequest(request, texts, prefill);
    res = await ctx.client.call(model, req, sample);
    if (res.cancelled || res.error_kind === "fatal") return { record: null, call: res, turns: calls.length + 1 };
    calls.push(res);
    const text = sampleFields(res).output_text;
    if (text === null) break;
    texts.push(text);
    // A truncated or blocked turn ends the sample: asking again would not finish it.
    if (res.outcome !== "reply" || !multi || !askAgain(text, texts.length, sc.spec, prefill)) break;
  }
  const record = sampleRecord(item, ctx, { request, scenario: rendered.scenario, prefill }, calls);
  // What was asked stays in the request; what the provider was not sent is said beside it.
  const notSent = ctx.client.paramsNotSent?.(model, request) ?? [];
  if (notSent.length) record.params_not_sent = notSent;
  return { record, call: res, turns: calls.length };
}

/**
 * The record of one sample from the calls that made it (one per turn, in
 * order): the one function from CallResults to a Sample, whoever sent the
 * requests (one at a time, or as provider batches: lib/pipeline/batch.ts
 * answers the same calls). Parses the prefill and reply together (a prefill
 * such as an opened scratchpad is part of what the model continues; with
 * several turns, each turn continues the prefill), reads the accept /
 * reject tags, and takes the calls' fields (outcome, finish reason,
 * provider, snapshot, hidden reasoning, usage summed over the turns).
 */
export function sampleRecord(
  item: Pick<SampleItem, "key" | "condition" | "model" | "tier" | "query" | "sample">,
  ctx: Pick<SampleContext, "store" | "runId" | "experiment">,
  sent: { request: Request; scenario: Sample["scenario"]; prefill: string },
  calls: readonly CallResult[],
): Sample {
  if (!calls.length) throw new Error("sampleRecord: a sample needs at least one call");
  const { query } = item;
  const { prefill } = sent;
  const fields = calls.length === 1 ? sampleFields(calls[0]) : combine(calls);
  const texts = calls.map((c) => sampleFields(c).output_text).filter((t): t is string => t !== null);
  const parsed = fields.output_text === null ? null : parseReply(calls.length === 1 ? fields.output_text : texts, { prefill });
  const verdict = parsed ? tagVerdict(parsed.final_output) : { accepted: null, accept_then_refuse: false };
  return {
    key: item.key,
    run_id: ctx.runId,
    experiment: ctx.experiment,
    condition: item.condition,
    model: item.model,
    tier: item.tier,
    query_id: query.id,
    query_text: query.text,
    category: query.category,
    sample: item.sample,
    scenario: sent.scenario,
    request: ctx.store.slimRequest(sent.request),
    prefill: prefill || null,
    ...fields,
    scratchpad: parsed?.scratchpad ?? null,
    final_output: parsed?.final_output ?? null,
    accepted: verdict.accepted,
    accept_then_refuse: verdict.accept_then_refuse,
    turns: calls.length > 1 ? calls.map(turnOf) : [],
    created_at: new Date().toISOString(),
    judgements: {},
  };
}

/** One call as a recorded turn. */
function turnOf(r: CallResult): Turn {
  const f = sampleFields(r);
  return { output_text: f.output_text, finish_reason: f.finish_reason, usage: f.usage, reasoning: f.reasoning, cached: f.cached, model_snapshot: f.model_snapshot };
}

/**
 * The sample fields of several turns: the texts joined by "\n" (the Sample
 * contract; the turns themselves are kept in `turns`), usage, attempts and
 * latency summed, hidden reasoning joined, cached only when every turn was;
 * the outcome, finish reason, error and snapshot of the last turn. A failed
 * last turn fails the sample (its text is null; a resume asks again, the
 * earlier turns then come from the cache).
 */
function combine(calls: readonly CallResult[]): ReturnType<typeof sampleFields> {
  const all = calls.map(sampleFields);
  const last = all[all.length - 1];
  const n = all.length;
  const reasons = all.map((f) => f.reasoning).filter((r): r is Reasoning => r !== null);
  return {
    ...last,
    output_text: last.output_text === null ? null : all.map((f) => f.output_text ?? "").join("\n"),
    error: last.error === null ? null : `turn ${n}: ${last.error}`,
    usage: sumUsage(all.map((f) => f.usage)),
    reasoning: reasons.length ? { text: reasons.map((r) => r.text).join("\n\n"), source: reasons[0].source } : null,
    attempts: all.reduce((a, f) => a + f.attempts, 0),
    cached: all.every((f) => f.cached),
    latency_ms: Math.round(all.reduce((a, f) => a + f.latency_ms, 0) * 10) / 10,
  };
}

/** Usage added up over turns (null when no turn reported any). */
export function sumUsage(list: readonly (Usage | null)[]): Usage | null {
  let out: Usage | null = null;
  for (const u of list) {
    if (!u) continue;
    if (!out) {
      out = { ...u };
      continue;
    }
    out.prompt_tokens += u.prompt_tokens;
    out.completion_tokens += u.completion_tokens;
    out.total_tokens += u.total_tokens;
    for (const k of ["cached_prompt_tokens", "cache_creation_tokens", "reasoning_tokens", "cost_usd"] as const) {
      if (u[k] !== undefined || out[k] !== undefined) out[k] = (out[k] ?? 0) + (u[k] ?? 0);
    }
  }
  return out;
}
