/**
 * Refuse an impossible run before anything is sent: every (condition, model,
 * tier) of a plan, and every judge, is rendered once and checked against the
 * endpoint's provider profile and the model's rules (lib/models/plan.ts): a
 * prefill the provider cannot continue, a temperature a reasoning model
 * rejects, a retired model, a completions request where there is no
 * completions endpoint, a model the provider does not serve. The first
 * refusal is one line (an AfwError, exit code 2: nothing was sent and no
 * folder written); warnings (a retiring model, an unverified prefill) go to
 * the endpoint's onWarning, once each.
 */
import type { Params, Query } from "../schema/index";
import type { Scenario } from "../scenario/index";
import type { Judge } from "../classify/index";
import { servedBy } from "../models/index";
import { AfwError } from "../util/errors";
import type { Endpoint } from "./endpoint";

/** What preflight reads of a planned condition. */
export interface PreflightCondition {
  name: string;
  scenario: Scenario;
  tiers: string[];
  queries: Query[];
  models: string[];
}

function notServed(ep: Endpoint, model: string): string {
  const others = servedBy(model).filter((p) => p !== ep.provider);
  return `${model} is not served by ${ep.provider} (the catalogue has no id for it there); ${others.length ? `it is served by ${others.join(", ")}` : "choose another provider"}, or name the provider's own id with --model`;
}

/**
 * Check every (condition, model, tier) of a run: throws an AfwError (exit 2)
 * with the first refusal, naming the model, the provider and what to do.
 * @example preflightRun(endpoint, plan.conditions, { temperature: 0 }) // throws "refused before sending: o3 at openai: o3 accepts only the default temperature (1): …"
 */
export function preflightRun(ep: Endpoint, conditions: readonly PreflightCondition[], params: Partial<Params> = {}): void {
  if (ep.offline) return;
  const seen = new Set<string>();
  for (const c of conditions) {
    const query = c.queries[0];
    if (!query) continue;
    for (const model of c.models) {
      if (ep.modelId(model) === null) throw new AfwError(`refused before sending: ${notServed(ep, model)}`);
      for (const tier of c.tiers) {
        const { request } = c.scenario.render(query, tier, { ...params, seed: 0 });
        const last = request.api === "chat" ? request.messages?.[request.messages.length - 1] : undefined;
        const shape = `${model}\u0000${request.api}\u0000${last?.role === "assistant" ? last.content : ""}\u0000${request.params?.temperature}`;
        if (seen.has(shape)) continue;
        seen.add(shape);
        const chk = ep.check(model, request);
        if (chk && !chk.ok) throw new AfwError(`refused before sending: ${model} at ${ep.provider} (condition ${c.name}, tier ${tier}): ${chk.refusal}`);
      }
    }
  }
}

/**
 * Check the judges' requests for the judge model: throws an AfwError (exit
 * 2) with the first refusal (e.g. a temperature-0 judge on a reasoning model).
 */
export function preflightJudges(ep: Endpoint, judges: readonly Judge[], judgeModel: string): void {
  if (ep.offline) return;
  if (ep.modelId(judgeModel) === null) throw new AfwError(`refused before sending: judge ${notServed(ep, judgeModel)}`);
  for (const j of judges) {
    const messages = j.prompt({ request: "…", final_output: "…", scratchpad: "…", reasoning: "…" });
    const params: Params = { temperature: j.settings.temperature, max_tokens: j.settings.max_tokens };
    const chk = ep.check(judgeModel, { api: "chat", messages, params });
    if (chk && !chk.ok) throw new AfwError(`refused before sending: judge ${j.name} with ${judgeModel} at ${ep.provider}: ${chk.refusal}`);
  }
}
