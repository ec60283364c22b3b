/**
 * How a recipe turns into model calls: the items of each component, the
 * request of each step (the recipe's prompt plus the format line the parser
 * and the offline writer rely on), the parsing of a reply into tagged parts,
 * and the expected numbers of calls, tokens and cost that `--dry-run` prints.
 * The same functions drive the dry run and the build, so their counts agree.
 */
import type { Request } from "../schema/index";
import { estimateCost } from "../experiments/prices";
import { canonicalJson, sha256 } from "../util/hash";
import type { BuildInputs, SeedItem } from "./inputs";
import { fill, slotsOf, type Recipe, type RecipeComponent, type RecipeStep } from "./recipe";
import { textTokens, TRAINING_PRICE_PER_MTOK } from "./tokens";

/** A unit of work: its id, template values, and the round it belongs to. */
export interface Item {
  id: string;
  vars: Readonly<Record<string, string>>;
  round: number;
}

/** The line appended to every step prompt: which tags to answer in (and how many items). */
export function formatLine(step: RecipeStep): string {
  const pair = (t: string) => `<${t}></${t}>`;
  if (step.output.count > 1) return `Write exactly ${step.output.count} items, each inside its own ${pair(step.output.tags[0])} tags.`;
  if (step.output.tags.length === 1) return `Put your reply inside ${pair(step.output.tags[0])} tags.`;
  return `Put the parts inside these tags, in this order: ${step.output.tags.map(pair).join(" ")}.`;
}

/** The chat request for one step, item and sample. */
export function stepRequest(step: RecipeStep, vars: Readonly<Record<string, string>>, round: number, sample: number, where: string): Request {
  const messages: { role: "system" | "user"; content: string }[] = [];
  if (step.system) messages.push({ role: "system", content: fill(step.system, vars, where) });
  messages.push({ role: "user", content: `${fill(step.prompt, vars, where)}\n\n${formatLine(step)}` });
  return { api: "chat", messages, params: { temperature: step.temperature, max_tokens: step.maxTokens, seed: round * 1000 + sample } };
}

/** The journal key of a call. */
export function callKey(component: string, step: string, item: string, sample: number, model: string, req: Request): string {
  return sha256(canonicalJson({ component, step, item, sample, model, messages: req.messages, params: req.params }));
}

/**
 * Parse a reply into parts: for count > 1, up to `count` contents of the one
 * tag (each its own item); otherwise the first content of every tag. Returns
 * null when a tag is missing or empty.
 */
export function parseReply(step: RecipeStep, text: string): Record<string, string>[] | null {
  const grab = (tag: string) => [...text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1].trim()).filter((s) => s !== "");
  if (step.output.count > 1) {
    const all = grab(step.output.tags[0]).slice(0, step.output.count);
    return all.length ? all.map((v) => ({ [step.output.tags[0]]: v })) : null;
  }
  const one: Record<string, string> = {};
  for (const tag of step.output.tags) {
    const got = grab(tag);
    if (!got.length) return null;
    one[tag] = got[0];
  }
  return [one];
}

/** Items a step hands on per input item when nothing is filtered: count × samples. */
export function stepYield(step: RecipeStep): number {
  return step.output.count * step.samples;
}

/** Generated examples per component: size split by share, the last component taking the rounding remainder. */
export function componentTargets(recipe: Recipe, size: number): number[] {
  const out = recipe.components.map((c) => Math.round(size * c.share));
  const sum = out.reduce((a, b) => a + b, 0);
  out[out.length - 1] += size - sum;
  return out.map((n) => Math.max(0, n));
}

/** How many top-level items a component needs for its target. */
export function topItemCount(component: RecipeComponent, target: number): number {
  const y = component.steps.reduce((p, s) => p * stepYield(s), 1);
  return Math.ceil(target / y);
}

/** The first `n` items of a component: source item k mod S in round floor(k / S), wrapped in template k mod T when the source wraps. */
export function topItems(component: RecipeComponent, inputs: BuildInputs, n: number): Item[] {
  const src = inputs.items[component.name];
  const wraps = inputs.wraps[component.name];
  const out: Item[] = [];
  for (let k = 0; k < n; k++) {
    const base = src[k % src.length];
    const round = Math.floor(k / src.length);
    const vars: Record<string, string> = { ...base };
    if (wraps) {
      const t = wraps[k % wraps.length];
      vars.wrapped = t.template.split("{{request}}").join(base.text);
      vars.template_id = t.id;
    }
    out.push({ id: `${component.name}:${base.id}~${round}`, vars, round });
  }
  return out;
}

/** Template values shared by every item: the recipe context and the scenario's system prompt. */
export function globalVars(recipe: Recipe, systemPrompt: string): Record<string, string> {
  return { ...recipe.context, system_prompt: systemPrompt };
}

/** One step's expected load. */
export interface StepEstimate {
  component: string;
  step: string;
  role: "generator" | "answerer";
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cost: number | null;
  /** The first request of the step, rendered (step outputs shown as stand-ins). */
  example: Request;
}

export interface BuildEstimate {
  recipe: string;
  size: number;
  steps: StepEstimate[];
  calls: number;
  cost: number | null;
  unknownPrices: string[];
  /** Rough tokens of the training file (generated examples + mix), per epoch. */
  trainingTokensPerEpoch: number;
  mixExamples: number;
}

/** A model's approximate list price, trying the project's price table with and without a provider prefix. */
export function callCost(model: string, promptTokens: number, completionTokens: number): number | null {
  for (const id of [model, `openai/${model}`, `anthropic/${model}`, `meta-llama/${model}`, `mistralai/${model}`]) {
    const c = estimateCost(id, promptTokens, completionTokens);
    if (c !== null) return c;
  }
  return null;
}

/**
 * Expected calls, tokens and cost of a build, without calling anything.
 * Prompt tokens are counted on the real rendered prompt of the first item;
 * an earlier step's output in a prompt counts as that step's expected length.
 */
export function estimateBuild(recipe: Recipe, inputs: BuildInputs, size: number, models: { generator: string; answerer: string }, systemPrompt: string): BuildEstimate {
  const targets = componentTargets(recipe, size);
  const g = globalVars(recipe, systemPrompt);
  const steps: StepEstimate[] = [];
  let trainingTokens = 0;
  recipe.components.forEach((c, ci) => {
    let items = topItemCount(c, targets[ci]);
    const first = topItems(c, inputs, 1)[0];
    const vars: Record<string, string> = { ...g, ...first.vars };
    // Earlier outputs are empty in the rendered text and counted at their expected length instead.
    const expected: Record<string, number> = {};
    const tokensOf = (template: string) => textTokens(fill(template, vars, recipe.name)) + slotsOf(template).reduce((n, k) => n + (expected[k] ?? 0), 0);
    for (let si = 0; si < c.steps.length; si++) {
      const s = c.steps[si];
      items = Math.min(items, Math.ceil(targets[ci] / c.steps.slice(si).reduce((p, st) => p * stepYield(st), 1)));
      const req = stepRequest(s, vars, 0, 0, `${recipe.name}/${s.id}`);
      const promptTokens = (s.system ? tokensOf(s.system) + 4 : 0) + tokensOf(s.prompt) + textTokens(formatLine(s)) + 7;
      const model = s.role === "generator" ? models.generator : models.answerer;
      const calls = items * s.samples;
      const pt = calls * promptTokens;
      const ct = calls * s.expectTokens;
      steps.push({ component: c.name, step: s.id, role: s.role, model, calls, promptTokens: pt, completionTokens: ct, cost: callCost(model, pt, ct), example: req });
      for (const tag of s.output.tags) {
        vars[`${s.id}.${tag}`] = "";
        expected[`${s.id}.${tag}`] = Math.round(s.expectTokens / Math.max(1, s.output.count * s.output.tags.length));
      }
      items *= stepYield(s);
    }
    const perExample = c.example.reduce((n, m) => n + 4 + tokensOf(m.content), 3);
    trainingTokens += targets[ci] * perExample;
  });
  const mixExamples = recipe.mix && inputs.mix.length ? Math.min(inputs.mix.length, Math.round(recipe.mix.ratio * size)) : 0;
  if (mixExamples) {
    const sample = inputs.mix.slice(0, 200);
    const mean = sample.reduce((n, e) => n + e.messages.reduce((a, m) => a + 4 + textTokens(m.content), 3), 0) / sample.length;
    trainingTokens += Math.round(mean * mixExamples);
  }
  const known = steps.filter((s) => s.cost !== null);
  const unknownPrices = [...new Set(steps.filter((s) => s.cost === null && !/^sim-/.test(s.model)).map((s) => s.model))];
  return {
    recipe: recipe.name,
    size,
    steps,
    calls: steps.reduce((n, s) => n + s.calls, 0),
    cost: known.length ? known.reduce((n, s) => n + (s.cost ?? 0), 0) : null,
    unknownPrices,
    trainingTokensPerEpoch: trainingTokens,
    mixExamples,
  };
}

/** The dry-run report: each step's first request, then calls, tokens and cost; then the training estimate. */
export function formatEstimate(e: BuildEstimate, epochs: number | "auto", showRequests = true): string {
  const lines: string[] = [`recipe ${e.recipe}: ${e.size} generated examples${e.mixExamples ? ` + ${e.mixExamples} general chat examples from --mix` : ""}`];
  if (showRequests) {
    for (const s of e.steps) {
      lines.push("", `--- first request of ${s.component}/${s.step} (${s.role}: ${s.model}) ---`);
      for (const m of s.example.messages ?? []) {
        const text = m.content.length > 1500 ? `${m.content.slice(0, 1500)}\n[… ${m.content.length - 1500} more characters]` : m.content;
        lines.push(`[${m.role}]`, text);
      }
      lines.push(`[params] ${JSON.stringify(s.example.params)}`);
    }
    lines.push("");
  }
  lines.push(`${"step".padEnd(38)}${"model".padEnd(26)} calls   prompt tok  completion tok   cost`);
  for (const s of e.steps) {
    const cost = s.cost === null ? (/^sim-/.test(s.model) ? "$0" : "unknown") : `$${s.cost.toFixed(2)}`;
    lines.push(`${`${s.component}/${s.step}`.padEnd(38)}${s.model.slice(0, 25).padEnd(26)}${String(s.calls).padStart(6)}${String(s.promptTokens).padStart(13)}${String(s.completionTokens).padStart(16)}   ${cost}`);
  }
  const gen = e.cost === null ? "unknown" : `$${e.cost.toFixed(2)}`;
  lines.push(`generation: ${e.calls} calls, estimated ${gen}${e.unknownPrices.length ? ` (+ unknown price for ${e.unknownPrices.join(", ")})` : ""}; completion lengths are the recipe's rough guesses`);
  const ep = epochs === "auto" ? 1 : epochs;
  const train = Object.entries(TRAINING_PRICE_PER_MTOK)
    .filter(([m]) => /^gpt-4o-mini|^gpt-4o-2024|^gpt-4\.1-2025/.test(m))
    .map(([m, p]) => `${m} $${((e.trainingTokensPerEpoch * ep * p) / 1e6).toFixed(2)}`);
  lines.push(`training file: about ${e.trainingTokensPerEpoch} tokens per epoch; training at ${epochs === "auto" ? "1 epoch (the recipe leaves epochs to the provider, which may pick more)" : `${ep} epoch(s)`}: ${train.join(", ")} (approximate 2025 prices)`);
  return lines.join("\n");
}

/** The items one step hands on from one input item and its parsed parts. */
export function childItems(step: RecipeStep, parent: Item, sample: number, parts: Record<string, string>[]): Item[] {
  return parts.map((p, j) => {
    const vars: Record<string, string> = { ...parent.vars };
    for (const [tag, v] of Object.entries(p)) vars[`${step.id}.${tag}`] = v;
    let id = parent.id;
    if (step.samples > 1) id += `/${step.id}.s${sample}`;
    if (step.output.count > 1) id += `/${step.id}.${j}`;
    return { id, vars, round: parent.round };
  });
}

export type { SeedItem };
