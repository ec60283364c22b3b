import { parseReply, tagVerdict } from "../classify/index";
import { respond } from "../organisms/respond";
import { requestSeed } from "../pipeline/run";
import type { Plan } from "./plan";
import type { Query, Request } from "../schema/index";
import type { SlimRecord } from "../store/index";

/** The fields of a sample the analysis reads, as the in-process simulation makes them (the slim record). */
export type SimulatedSample = Omit<SlimRecord, "key">;

/** One request of a plan, as the real run would send it. */
export interface PlannedRequest {
  condition: string;
  model: string;
  tier: string;
  query: Query;
  sample: number;
  request: Request;
  /** The assistant prefill the reply continues ("" when none). */
  prefill: string;
}

/** Every request a plan makes, in the runner's order, with the runner's per-sample seeds. */
export function* planRequests(plan: Plan, seed: number): Generator<PlannedRequest> {
  for (const c of plan.conditions) {
    for (const model of c.models) {
      for (const tier of c.tiers) {
        const prefill = c.scenario.prefill(tier);
        for (const query of c.queries) {
          for (let sample = 0; sample < c.samples; sample++) {
            const { request } = c.scenario.render(query, tier, { seed: requestSeed(seed, sample) });
            yield { condition: c.name, model, tier, query, sample, request, prefill };
          }
        }
      }
    }
  }
}

/** What the organism server would answer to a planned request (the first choice). */
export function organismReply(model: string, request: Request): string {
  const body = request.api === "chat" ? { messages: request.messages!, seed: request.params.seed } : { prompt: request.prompt!, seed: request.params.seed };
  return respond(model, body).texts[0];
}

/**
 * Run a plan against the simulated organisms in-process: every request the
 * real run would send (same rendering, same per-sample seed), answered by
 * the same `respond` the organism server calls, classified by the same tag
 * rules. No HTTP and no files, so a 20-seed sweep of the motivations suite
 * takes minutes, not hours. Organisms only: a real model id throws.
 */
export function simulatePlan(plan: Plan, seed: number, onSample?: (s: SimulatedSample) => void): SimulatedSample[] {
  const out: SimulatedSample[] = [];
  for (const r of planRequests(plan, seed)) {
    const id = { model: r.model, condition: r.condition, tier: r.tier, query_id: r.query.id, sample: r.sample };
    let rec: SimulatedSample;
    try {
      const v = tagVerdict(parseReply(r.prefill + organismReply(r.model, r.request)).final_output);
      rec = { ...id, accepted: v.accepted, accept_then_refuse: v.accept_then_refuse, error: null };
    } catch (e) {
      rec = { ...id, accepted: null, accept_then_refuse: false, error: (e as Error).message };
    }
    if (onSample) onSample(rec);
    else out.push(rec);
  }
  return out;
}
