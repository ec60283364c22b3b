/**
 * One sample from one planned item: render the request, call the model,
 * read the reply, and make the record. The runner (run.ts) decides what to
 * run, writes records and stops the run; this file decides what one sample
 * is. A call the client cancelled, or one that hit a fatal provider error,
 * gives no record (the run stops and a resume redoes it).
 */
import type { CallResult } from "../models/index";
import { sampleFields } from "../models/index";
import type { Params, Query, Sample } from "../schema/index";
import { parseReply, tagVerdict, type Scenario } from "../scenario/index";
import type { ResultsStore } from "../store/index";

/** What a run needs of a model client to make samples. */
export interface SampleCaller {
  call(model: string, req: import("../schema/index").Request, sampleIndex: number): Promise<CallResult>;
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
}

/**
 * Make one sample: render, call, parse the prefill and reply together (a
 * prefill such as an opened scratchpad is part of what the model continues),
 * read the accept / reject tags, and build the record from the call's fields
 * (outcome, finish reason, provider, snapshot, hidden reasoning, usage).
 */
export async function produceSample(item: SampleItem, ctx: SampleContext): Promise<SampleOutcome> {
  const { scenario: sc, tier, query, sample, model } = item;
  const { request, scenario } = sc.render(query, tier, { ...ctx.params, seed: ctx.seedOf(sample) });
  const res = await ctx.client.call(model, request, sample);
  if (res.cancelled || res.error_kind === "fatal") return { record: null, call: res };
  const fields = sampleFields(res);
  const prefill = sc.prefill(tier);
  const text = fields.output_text;
  const parsed = text === null ? null : parseReply(text, { prefill });
  const verdict = parsed ? tagVerdict(parsed.final_output) : { accepted: null, accept_then_refuse: false };
  const record: Sample = {
    key: item.key,
    run_id: ctx.runId,
    experiment: ctx.experiment,
    condition: item.condition,
    model,
    tier,
    query_id: query.id,
    query_text: query.text,
    category: query.category,
    sample,
    scenario,
    request: ctx.store.slimRequest(request),
    prefill: prefill || null,
    ...fields,
    scratchpad: parsed?.scratchpad ?? null,
    final_output: parsed?.final_output ?? null,
    accepted: verdict.accepted,
    accept_then_refuse: verdict.accept_then_refuse,
    turns: [],
    created_at: new Date().toISOString(),
    judgements: {},
  };
  return { record, call: res };
}
