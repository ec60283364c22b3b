import { parseReply, tagVerdict } from "../classify/index";
import { respond } from "../organisms/respond";
import { requestSeed } from "../run/runner";
import type { Plan } from "./plan";
import type { SlimRecord } from "../run/slim";

/** The fields of a sample the analysis reads, as the in-process simulation makes them (the slim record). */
export type SimulatedSample = Omit<SlimRecord, "key">;

/**
 * Run a plan against the simulated organisms in-process: every request the
 * real run would send (same rendering, same per-sample seed), answered by
 * the same `respond` the organism server calls, classified by the same tag
 * rules. No HTTP and no files, so a 20-seed sweep of the motivations suite
 * takes minutes, not hours. Organisms only: a real model id throws.
 */
export function simulatePlan(plan: Plan, seed: number, onSample?: (s: SimulatedSample) => void): SimulatedSample[] {
  const out: SimulatedSample[] = [];
  for (const c of plan.conditions) {
    for (const model of c.models) {
      for (const tier of c.tiers) {
        for (const query of c.queries) {
          for (let sample = 0; sample < c.samples; sample++) {
            const { request } = c.scenario.render(query, tier, { seed: requestSeed(seed, sample) });
            const body = request.api === "chat" ? { messages: request.messages!, seed: request.params.seed } : { prompt: request.prompt!, seed: request.params.seed };
            let rec: SimulatedSample;
            try {
              const text = respond(model, body).texts[0];
              const parsed = parseReply(text);
              const v = tagVerdict(parsed.final_output);
              rec = { model, condition: c.name, tier, query_id: query.id, sample, accepted: v.accepted, accept_then_refuse: v.accept_then_refuse, error: null };
            } catch (e) {
              rec = { model, condition: c.name, tier, query_id: query.id, sample, accepted: null, accept_then_refuse: false, error: (e as Error).message };
            }
            if (onSample) onSample(rec);
            else out.push(rec);
          }
        }
      }
    }
  }
  return out;
}
