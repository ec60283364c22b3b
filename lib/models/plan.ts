/**
 * Checks a planned request against the provider's profile and the model's
 * traits before anything is sent, and builds the body the provider expects.
 *
 * An impossible request is refused with one line saying why and what to do
 * (a prefill the provider cannot continue, a temperature a reasoning model
 * rejects, a retired model, a completions request where there is no
 * completions endpoint). `allow` overrides a refusal explicitly: the
 * request is then sent as well as it can be (a temperature is dropped, a
 * prefill is sent as a trailing assistant turn, a retired id is tried).
 */
import type { Message, Request } from "../schema/index";
import { modelTraits, normaliseModelId, retirementOf, todayIso, type ModelTraits } from "./model-rules";
import type { ProviderProfile } from "./providers";

/** Refusals the user may override. */
export type Override = "prefill" | "temperature" | "retired" | "completions";
export const OVERRIDES: readonly Override[] = ["prefill", "temperature", "retired", "completions"];

/** Options of checkRequest. */
export interface CheckOptions {
  allow?: readonly Override[];
  /** YYYY-MM-DD; today (UTC) by default. */
  today?: string;
  /** reasoning_effort that will be sent, if any. */
  reasoningEffort?: string | null;
  /** Base URL, for checks that depend on it (DeepSeek's prefix needs /beta). */
  baseURL?: string;
  /** Anthropic extended thinking with this budget (budget_tokens), if any. */
  thinkingBudget?: number | null;
}

/** The verdict on a planned request. */
export interface PlanCheck {
  ok: boolean;
  /** One line: why the request cannot be sent and what to do. */
  refusal: string | null;
  /** Which override would lift the refusal. */
  override: Override | null;
  /** One line each; the request is sent. */
  warnings: string[];
  /** Send no temperature (allowed override on a model that takes none but the default). */
  dropTemperature: boolean;
  traits: ModelTraits;
}

/** The assistant prefill a chat request ends with, or null. */
export function trailingPrefill(req: Request): string | null {
  if (req.api !== "chat" || !Array.isArray(req.messages) || req.messages.length === 0) return null;
  const last = req.messages[req.messages.length - 1];
  return last.role === "assistant" ? last.content : null;
}

const short = (s: string) => JSON.stringify(s.length > 30 ? s.slice(0, 29) + "…" : s);

/**
 * Check a request for a model at a provider.
 * @example checkRequest(getProfile("openai"), "o3", { api: "chat", messages: [{ role: "user", content: "hi" }], params: { temperature: 0, max_tokens: 10 } }).refusal
 *   // "o3 accepts only the default temperature (1): temperature 0 cannot be honoured; …"
 */
export function checkRequest(profile: ProviderProfile, model: string, req: Request, opts: CheckOptions = {}): PlanCheck {
  const allow = new Set(opts.allow ?? []);
  const traits = modelTraits(profile.name, model);
  const warnings: string[] = [];
  let dropTemperature = false;
  /** The refusal, or null (and a warning) when the user allowed it. */
  const refuse = (refusal: string, override: Override | null): PlanCheck | null => {
    if (override && allow.has(override)) {
      warnings.push(`overridden (--allow ${override}): ${refusal.split(";")[0]}`);
      return null;
    }
    return { ok: false, refusal, override, warnings, dropTemperature, traits };
  };
  const today = opts.today ?? todayIso();

  const ret = retirementOf(profile.vendors, model, today);
  if (ret?.state === "retired") {
    const r = refuse(`${model} at ${profile.name} was retired on ${ret.date} (${ret.note}); choose a current model (afw providers --retired lists them) or --allow retired if your account still has access`, "retired");
    if (r) return r;
  } else if (ret?.state === "retiring") {
    warnings.push(`${model} shuts down at ${profile.name} on ${ret.date} (in ${ret.days} days): its snapshot is recorded per sample; plan a replacement as a measured change (docs/providers.md)`);
  }

  if (req.api === "completions" && !profile.completions) {
    const r = refuse(`${profile.name} has no completions endpoint (base models); use a provider that serves one (vllm, together, openrouter, deepinfra) or --allow completions`, "completions");
    if (r) return r;
  }

  const prefill = trailingPrefill(req);
  if (prefill !== null) {
    if (!traits.prefill) {
      const why = traits.rules.find((x) => x.prefill === false)?.note ?? "rejects prefills";
      const r = refuse(`${model} ${why}; the prefill experiments need Claude up to 4.5 or an open-weight model, or --allow prefill to send it anyway`, "prefill");
      if (r) return r;
    } else if (profile.prefill === "none") {
      const r = refuse(
        `${profile.name} cannot continue an assistant prefill (${short(prefill)}): the model would answer a new turn instead; use a provider that continues prefills (anthropic for Claude up to 4.5, vllm, deepseek, llamacpp) or --allow prefill to send it anyway`,
        "prefill",
      );
      if (r) return r;
    } else if (profile.wire === "anthropic" && /\s$/.test(prefill)) {
      const r = refuse(`${profile.name} rejects a prefill that ends in whitespace (${short(prefill)}); end the prefill on a visible character`, null);
      if (r) return r;
    } else if (profile.prefill === "unverified") {
      warnings.push(
        profile.pinnable
          ? `${profile.name}: whether ${model} continues a prefill depends on the upstream and is not documented; pin one and probe it first (afw probe --provider ${profile.name} --provider-order NAME --model ${model} --save FILE), then run with --provider-file FILE (the pin comes with it)`
          : `${profile.name}: whether ${model} continues a prefill is not documented; run afw probe --provider ${profile.name} --model ${model} --save FILE first, then run with --provider-file FILE`,
      );
    } else if (profile.prefill === "prefix" && opts.baseURL && !/\/beta\/?$/.test(opts.baseURL)) {
      warnings.push(`${profile.name}: prefix continuation needs the beta base URL (…/beta), got ${opts.baseURL}`);
    }
  }

  // Anthropic extended thinking (anchors-2026 §4.3; https://platform.claude.com/docs/en/build-with-claude/extended-thinking):
  // budget_tokens ≥ 1024 and below max_tokens; not with a prefill; not with a changed temperature; Claude 4.7+ takes adaptive thinking only.
  const thinking = profile.wire === "anthropic" && opts.thinkingBudget ? opts.thinkingBudget : null;
  if (thinking !== null) {
    const id = normaliseModelId(model);
    if (/^claude-(opus|sonnet|haiku|fable|mythos)-(4-([7-9]|\d\d)|[5-9])/.test(id)) {
      const r = refuse(`${model} rejects thinking with budget_tokens (adaptive thinking only); run without a thinking budget`, null);
      if (r) return r;
    }
    if (thinking < 1024 || thinking >= (req.params?.max_tokens ?? 0)) {
      const r = refuse(`a thinking budget must be at least 1024 tokens and below max_tokens (${req.params?.max_tokens}), got ${thinking}`, null);
      if (r) return r;
    }
    if (prefill !== null) {
      const r = refuse(`${profile.name} does not allow a prefill together with thinking; drop one of them`, null);
      if (r) return r;
    }
  }

  const t = req.params?.temperature;
  if (t !== undefined && t !== null && thinking !== null && t !== 1) {
    const r = refuse(`thinking is incompatible with a changed temperature (${t} asked); set temperature 1 or --allow temperature to send none`, "temperature");
    if (r) return r;
    dropTemperature = true;
  } else if (t !== undefined && t !== null) {
    const offReasoning = traits.temperatureWithoutReasoning && opts.reasoningEffort === "none";
    if (traits.temperature === "default-only" && t !== 1 && !offReasoning) {
      const r = refuse(
        `${model} accepts only the default temperature (1): temperature ${t} cannot be honoured; choose a non-reasoning model, set temperature 1, or --allow temperature to send none (the run is then at temperature 1)`,
        "temperature",
      );
      if (r) return r;
      dropTemperature = true;
    } else if (traits.temperature === "default-only" && !offReasoning) {
      dropTemperature = true; // 1 is the default: sending none is the same request and always accepted
    } else if (traits.temperature === "none") {
      const r = refuse(`${model} takes no temperature (temperature ${t} was asked); --allow temperature sends none`, "temperature");
      if (r) return r;
      dropTemperature = true;
    } else if (traits.temperature === "ignored") {
      warnings.push(`${model} ignores temperature (${t} was asked): its samples are not at that temperature`);
    } else if (!profile.temperature.allowed) {
      const r = refuse(`${profile.name} takes no temperature; --allow temperature sends none`, "temperature");
      if (r) return r;
      dropTemperature = true;
    } else if (t > profile.temperature.max) {
      const r = refuse(`${profile.name} accepts temperature up to ${profile.temperature.max}, got ${t}; lower it`, null);
      if (r) return r;
    }
  }

  const n = req.params?.n;
  if (n !== undefined && n > 1 && profile.maxN !== null && n > profile.maxN) {
    warnings.push(`${profile.name} takes at most n=${profile.maxN}, ${n} asked: one request per vote`);
  }
  if (req.params?.seed !== undefined && !profile.seed) warnings.push(`${profile.name} ignores seed: repeated samples are not reproducible`);
  return { ok: true, refusal: null, override: null, warnings, dropTemperature, traits };
}

/** Options of the body builders. */
export interface BodyOptions {
  dropTemperature?: boolean;
  reasoningEffort?: string | null;
  /** OpenRouter provider pin (sent with allow_fallbacks false). */
  providerOrder?: readonly string[] | null;
  /** Anthropic: put cache_control on the system prompt. Default true. */
  promptCache?: boolean;
  /** Anthropic: extended thinking with this budget_tokens. */
  thinkingBudget?: number | null;
}

const plain = (m: Message) => ({ role: m.role, content: m.content });

/**
 * The JSON body of an OpenAI-shaped request for this profile: the right
 * token-limit parameter, the prefill continuation the server understands,
 * no parameter the model refuses.
 */
export function buildOpenAIBody(profile: ProviderProfile, traits: ModelTraits, model: string, req: Request, o: BodyOptions = {}): Record<string, unknown> {
  const p = req.params ?? ({} as Request["params"]);
  const body: Record<string, unknown> = { model };
  if (req.api === "chat") {
    const msgs: Record<string, unknown>[] = (req.messages ?? []).map(plain);
    const prefill = trailingPrefill(req) !== null;
    if (prefill && profile.prefill === "continue-final-message") {
      body.continue_final_message = true;
      body.add_generation_prompt = false;
    } else if (prefill && profile.prefill === "prefix") {
      msgs[msgs.length - 1] = { ...msgs[msgs.length - 1], prefix: true };
    }
    body.messages = msgs;
  } else {
    body.prompt = req.prompt;
  }
  if (p.temperature !== undefined && !o.dropTemperature) body.temperature = p.temperature;
  if (p.max_tokens !== undefined) body[req.api === "completions" ? "max_tokens" : (traits.tokenParam ?? profile.tokenParam)] = p.max_tokens;
  if (p.top_p !== undefined && !o.dropTemperature) body.top_p = p.top_p;
  if (p.seed !== undefined && profile.seed) body.seed = p.seed;
  if (p.n !== undefined && p.n > 1) body.n = p.n;
  if (p.stop !== undefined && p.stop.length) body.stop = [...p.stop];
  if (o.reasoningEffort) {
    if (profile.reasoningRequest === "reasoning") body.reasoning = { effort: o.reasoningEffort };
    else if (traits.reasoningEffort || profile.reasoningRequest === "reasoning_effort") body.reasoning_effort = o.reasoningEffort;
  }
  if (o.providerOrder && o.providerOrder.length && profile.pinnable) body.provider = { order: [...o.providerOrder], allow_fallbacks: false };
  return body;
}

/**
 * The JSON body of an Anthropic Messages request: the system prompt as a
 * top-level field (with cache_control unless promptCache is false), the
 * other turns as messages, a final assistant turn left as the prefill.
 */
export function buildAnthropicBody(model: string, req: Request, o: BodyOptions = {}): Record<string, unknown> {
  const p = req.params ?? ({} as Request["params"]);
  const msgs = req.messages ?? [];
  const system = msgs.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const body: Record<string, unknown> = { model, max_tokens: p.max_tokens, messages: msgs.filter((m) => m.role !== "system").map(plain) };
  if (system) body.system = o.promptCache === false ? system : [{ type: "text", text: system, cache_control: { type: "ephemeral" } }];
  if (p.temperature !== undefined && !o.dropTemperature) body.temperature = p.temperature;
  if (p.top_p !== undefined && !o.dropTemperature) body.top_p = p.top_p;
  // https://docs.anthropic.com/en/api/messages: stop_sequences, and stop_reason "stop_sequence" when one is hit.
  if (p.stop !== undefined && p.stop.length) body.stop_sequences = [...p.stop];
  if (o.thinkingBudget) body.thinking = { type: "enabled", budget_tokens: o.thinkingBudget };
  return body;
}

/** The body fields each request parameter may be sent as (OpenAI's and Anthropic's names). */
const SENT_AS: Readonly<Record<string, readonly string[]>> = {
  temperature: ["temperature"],
  max_tokens: ["max_tokens", "max_completion_tokens"],
  top_p: ["top_p"],
  seed: ["seed"],
  stop: ["stop", "stop_sequences"],
};

/**
 * The request's parameters that the body leaves out (the provider's default
 * applies): a temperature a reasoning model takes only at its default (with
 * --allow temperature), a seed Anthropic has no field for. `n` is not among
 * them: several choices are asked one request each where n is not taken.
 * @example paramsNotSent({ api: "chat", messages: [], params: { temperature: 0, max_tokens: 9, seed: 1 } }, { max_tokens: 9 }) // ["temperature", "seed"]
 */
export function paramsNotSent(req: Request, body: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(req.params ?? {})) {
    if (v === undefined || k === "n") continue;
    const names = SENT_AS[k] ?? [k];
    if (!names.some((name) => body[name] !== undefined)) out.push(k);
  }
  return out;
}
