/**
 * Refuse an impossible run before anything is sent: every (condition, model,
 * tier) of a plan, and every judge, is rendered once and checked against the
 * provider profile and the model's rules (lib/models/plan.ts): a prefill the
 * provider cannot continue, a temperature a reasoning model rejects, a
 * retired model, a completions request where there is no completions
 * endpoint, a model the provider does not serve. The first refusal is one
 * line (an AfwError, exit code 2: nothing was sent and no folder written);
 * warnings (a retiring model, an unverified prefill) go to the endpoint's
 * onWarning, once each. `providerReport` says the same for `--dry-run`,
 * without opening anything.
 */
import type { Params, Query, Request } from "../schema/index";
import type { Scenario } from "../scenario/index";
import type { Judge } from "../classify/index";
import { checkRequest, DEFAULT_PROVIDER, findProfile, modelIdAt, reachability, servedBy, type Override, type PlanCheck, type ProviderProfile } from "../models/index";
import { AfwError } from "../util/errors";

/** What preflight reads of a planned condition. */
export interface PreflightCondition {
  name: string;
  scenario: Scenario;
  tiers: string[];
  queries: Query[];
  models: string[];
}

/** What preflight needs of an endpoint (an Endpoint has all of it). */
export interface Checker {
  offline: boolean;
  provider: string | null;
  modelId(model: string): string | null;
  check(model: string, req: Request): PlanCheck | null;
}

function notServed(provider: string | null, model: string): string {
  const others = servedBy(model).filter((p) => p !== provider);
  return `${model} is not served by ${provider} (the catalogue has no id for it there); ${others.length ? `it is served by ${others.join(", ")}` : "choose another provider"}, or name the provider's own id with --model`;
}

/** Each distinct request shape of a plan: (condition, model, tier) rendered with the first query. */
function* shapes(conditions: readonly PreflightCondition[], params: Partial<Params>): Generator<{ cond: string; model: string; tier: string; request: Request }> {
  const seen = new Set<string>();
  for (const c of conditions) {
    const query = c.queries[0];
    if (!query) continue;
    for (const model of c.models) {
      for (const tier of c.tiers) {
        const { request } = c.scenario.render(query, tier, { ...params, seed: 0 });
        const last = request.api === "chat" ? request.messages?.[request.messages.length - 1] : undefined;
        const key = `${model}\u0000${request.api}\u0000${last?.role === "assistant" ? last.content : ""}\u0000${request.params?.temperature}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield { cond: c.name, model, tier, request };
      }
    }
  }
}

/**
 * Check every (condition, model, tier) of a run: throws an AfwError (exit 2)
 * with the first refusal, naming the model, the provider and what to do.
 * @example preflightRun(endpoint, plan.conditions, { temperature: 0 }) // throws "refused before sending: o3 at openai (…): o3 accepts only the default temperature (1): …"
 */
export function preflightRun(ep: Checker, conditions: readonly PreflightCondition[], params: Partial<Params> = {}): void {
  if (ep.offline) return;
  for (const c of conditions) for (const model of c.models) if (ep.modelId(model) === null) throw new AfwError(`refused before sending: ${notServed(ep.provider, model)}`);
  for (const s of shapes(conditions, params)) {
    const chk = ep.check(s.model, s.request);
    if (chk && !chk.ok) throw new AfwError(`refused before sending: ${s.model} at ${ep.provider} (condition ${s.cond}, tier ${s.tier}): ${chk.refusal}`);
  }
}

/**
 * Check the judges' requests for the judge model: throws an AfwError (exit
 * 2) with the first refusal (e.g. a temperature-0 judge on a reasoning model).
 */
export function preflightJudges(ep: Checker, judges: readonly Judge[], judgeModel: string): void {
  if (ep.offline) return;
  if (ep.modelId(judgeModel) === null) throw new AfwError(`refused before sending: judge ${notServed(ep.provider, judgeModel)}`);
  for (const j of judges) {
    const messages = j.prompt({ request: "…", final_output: "…", scratchpad: "…", reasoning: "…" });
    const params: Params = { temperature: j.settings.temperature, max_tokens: j.settings.max_tokens };
    const chk = ep.check(judgeModel, { api: "chat", messages, params });
    if (chk && !chk.ok) throw new AfwError(`refused before sending: judge ${j.name} with ${judgeModel} at ${ep.provider}: ${chk.refusal}`);
  }
}

/** Settings of the plan check that a profile alone does not hold. */
export interface ReportOptions {
  baseURL?: string;
  allow?: readonly Override[];
  reasoningEffort?: string | null;
  thinkingBudget?: number | null;
  /** YYYY-MM-DD; default today. */
  today?: string;
}

/** What --dry-run says about the provider: one line per model, the refusals, and how many models cannot be reached. */
export interface ProviderReport {
  lines: string[];
  /** Models that cannot be reached (not served, retired, or every request refused). */
  unreachable: string[];
}

/**
 * For `--dry-run`: each requested model at the chosen provider (the id it is
 * asked for, retired or retiring, not served), and what the plan check
 * would refuse, without opening an endpoint.
 */
export function providerReport(profile: ProviderProfile, conditions: readonly PreflightCondition[], params: Partial<Params> = {}, o: ReportOptions = {}): ProviderReport {
  const models = [...new Set(conditions.flatMap((c) => c.models))];
  const builtin = findProfile(profile.name) !== null && profile.name !== DEFAULT_PROVIDER;
  const lines: string[] = [`at ${profile.name}${o.baseURL ? ` (${o.baseURL})` : ""}:`];
  const unreachable = new Set<string>();
  const refusal = new Map<string, string>();
  const modelId = (m: string) => (builtin ? modelIdAt(profile.name, m) : m);
  for (const s of shapes(conditions, params)) {
    const id = modelId(s.model);
    if (id === null || refusal.has(s.model)) continue;
    const chk = checkRequest(profile, id, s.request, { allow: o.allow, today: o.today, reasoningEffort: o.reasoningEffort, baseURL: o.baseURL, thinkingBudget: o.thinkingBudget });
    if (!chk.ok) refusal.set(s.model, `refused (condition ${s.cond}, tier ${s.tier}): ${chk.refusal}`);
  }
  const rows = builtin ? reachability(profile.name, models, { today: o.today }) : models.map((paper) => ({ paper, id: paper, state: "unknown" as const, line: `${paper}: asked for as named (${profile.name} has no catalogue ids)` }));
  for (const r of rows) {
    const bad = r.state === "not-served" || (r.state === "retired" && !(o.allow ?? []).includes("retired")) || refusal.has(r.paper);
    if (bad) unreachable.add(r.paper);
    const extra = refusal.has(r.paper) && r.state !== "not-served" && r.state !== "retired" ? `; ${refusal.get(r.paper)}` : "";
    lines.push(`  ${r.line}${extra}${bad ? "  [cannot be reached]" : r.state === "retiring" ? "  [retiring]" : ""}`);
  }
  lines.push(unreachable.size ? `${unreachable.size} of ${models.length} model(s) cannot be reached at ${profile.name}: a run refuses before sending (--models to choose others, --allow to override a refusal)` : `every model can be asked for at ${profile.name}`);
  return { lines, unreachable: [...unreachable] };
}
