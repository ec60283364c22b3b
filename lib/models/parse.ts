/**
 * Reads a 200 response body, trusting nothing, into choices with their
 * outcome. A blocked reply (content filter, a `refusal` field, Gemini's
 * safety finish reasons, Anthropic's stop_reason "refusal") and a truncated
 * one (finish_reason "length" / "max_tokens", even with no text at all, as a
 * reasoning model that spent its budget gives) are results, not errors.
 *
 * Two kinds of 200 are errors, both transient: a body that carries an
 * upstream error (OpenRouter reports errors during generation as a 200
 * with `error` in the body or the choice, https://openrouter.ai/docs/api/reference/errors-and-debugging),
 * and a malformed body (no choices, a choice with no text and no reason).
 */
import type { Api, Outcome, Reasoning, Usage } from "../schema/index";
import { messageReasoning, splitThink } from "./reasoning";
import { oneLine } from "./redact";

/** One choice of a reply. */
export interface ChoiceResult {
  /** The visible text ("" when the provider returned none: blocked, or truncated in reasoning). Never includes the prefill. */
  text: string;
  /** The provider's own finish / stop reason, as sent. */
  finish_reason: string | null;
  outcome: Exclude<Outcome, "failed">;
  /** Hidden reasoning returned apart from the text, with where it came from. */
  reasoning: Reasoning | null;
  /** The provider's refusal message (OpenAI's `message.refusal`), when it sent one. */
  refusal: string | null;
}

/** A usable reply. */
export interface ProviderReply {
  choices: ChoiceResult[];
  usage: Usage | null;
  /** The response's `model`: the exact snapshot that answered. */
  model_snapshot: string | null;
  /** The upstream provider a router used (OpenRouter's `provider`). */
  upstream_provider: string | null;
}

/** A 200 whose body is not a usable reply; retried like a 5xx. */
export class MalformedResponseError extends Error {
  readonly usage: Usage | null;
  constructor(detail: string, usage: Usage | null = null) {
    super(`malformed response: ${detail}`);
    this.name = "MalformedResponseError";
    this.usage = usage;
  }
}

/** A 200 that carries an upstream error; retried, never cached. */
export class UpstreamError extends Error {
  readonly usage: Usage | null;
  constructor(detail: string, usage: Usage | null = null) {
    super(`upstream error: ${detail}`);
    this.name = "UpstreamError";
    this.usage = usage;
  }
}

/** Finish reasons that mean the provider withheld the reply (lower case). Gemini's own values come through its OpenAI endpoint unmapped. */
const BLOCKED = new Set([
  "content_filter",
  "refusal",
  "safety",
  "recitation",
  "blocklist",
  "prohibited_content",
  "spii",
  "image_safety",
  "image_prohibited_content",
  "image_recitation",
]);
/** Finish reasons that mean the reply hit the token limit. */
const TRUNCATED = new Set(["length", "max_tokens", "model_context_window_exceeded"]);

/** Outcome of one choice from its finish reason and refusal. */
export function outcomeOf(finish: string | null, refusal: string | null): ChoiceResult["outcome"] {
  const f = finish?.toLowerCase() ?? "";
  if (refusal || BLOCKED.has(f)) return "blocked";
  if (TRUNCATED.has(f)) return "truncated";
  return "reply";
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

/**
 * Usage of an OpenAI-shaped body, with the counts that are priced apart:
 * cached prompt tokens (prompt_tokens_details.cached_tokens, or DeepSeek's
 * prompt_cache_hit_tokens), cache writes (OpenRouter's cache_write_tokens),
 * reasoning tokens (completion_tokens_details.reasoning_tokens) and the
 * provider's own cost (OpenRouter's usage.cost). Null without whole counts.
 * @example readUsage({ prompt_tokens: 10, completion_tokens: 5 }) // { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }
 */
export function readUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const o = u as Record<string, unknown>;
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = o;
  if (!isCount(p) || !isCount(c)) return null;
  const usage: Usage = { prompt_tokens: p, completion_tokens: c, total_tokens: isCount(t) ? t : p + c };
  const pd = (o.prompt_tokens_details ?? null) as Record<string, unknown> | null;
  const cd = (o.completion_tokens_details ?? null) as Record<string, unknown> | null;
  const cached = pd && isCount(pd.cached_tokens) ? pd.cached_tokens : isCount(o.prompt_cache_hit_tokens) ? o.prompt_cache_hit_tokens : null;
  if (cached !== null) usage.cached_prompt_tokens = cached;
  if (pd && isCount(pd.cache_write_tokens)) usage.cache_creation_tokens = pd.cache_write_tokens;
  if (cd && isCount(cd.reasoning_tokens)) usage.reasoning_tokens = cd.reasoning_tokens;
  if (typeof o.cost === "number" && Number.isFinite(o.cost) && o.cost >= 0) usage.cost_usd = o.cost;
  return usage;
}

/**
 * Usage of an Anthropic Messages body: input_tokens counts only the tokens
 * after the last cache breakpoint, so the prompt is input + cache reads +
 * cache writes, with the two cache counts kept apart.
 * @example readAnthropicUsage({ input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0 })?.prompt_tokens // 1020
 */
export function readAnthropicUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const o = u as Record<string, unknown>;
  if (!isCount(o.input_tokens) || !isCount(o.output_tokens)) return null;
  const read = isCount(o.cache_read_input_tokens) ? o.cache_read_input_tokens : 0;
  const write = isCount(o.cache_creation_input_tokens) ? o.cache_creation_input_tokens : 0;
  const prompt = o.input_tokens + read + write;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: o.output_tokens, total_tokens: prompt + o.output_tokens };
  if (o.cache_read_input_tokens !== undefined) usage.cached_prompt_tokens = read;
  if (o.cache_creation_input_tokens !== undefined) usage.cache_creation_tokens = write;
  return usage;
}

function describeError(e: unknown): string {
  if (typeof e === "string") return oneLine(e, 200);
  if (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    const code = o.code ?? o.status ?? "";
    const msg = typeof o.message === "string" ? o.message : JSON.stringify(o);
    return oneLine(`${code ? code + " " : ""}${msg}`, 200);
  }
  return "unknown";
}

/** The text of a message content that is a string or a list of parts. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.filter((p) => p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string");
    if (parts.length) return parts.map((p) => (p as { text: string }).text).join("");
  }
  return null;
}

/** Options of parseOpenAIBody. */
export interface ParseOptions {
  /** Take everything before a lone `</think>` as reasoning (models whose template opens the tag). */
  thinkClosingOnly?: boolean;
}

/**
 * Read an OpenAI-shaped chat or completions body.
 * Throws UpstreamError for a 200 that carries an error, MalformedResponseError for an unusable body.
 * @example parseOpenAIBody("chat", { choices: [{ index: 0, message: { content: null, refusal: "I can't help with that." }, finish_reason: "stop" }] }).choices[0].outcome // "blocked"
 */
export function parseOpenAIBody(api: Api, body: unknown, opts: ParseOptions = {}): ProviderReply {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new MalformedResponseError(typeof body === "string" ? "body is not JSON" : `body is ${body === null ? "null" : Array.isArray(body) ? "an array" : typeof body}`);
  }
  const b = body as Record<string, unknown>;
  const usage = readUsage(b.usage);
  if (b.error !== undefined && b.error !== null) throw new UpstreamError(describeError(b.error), usage);
  const model_snapshot = typeof b.model === "string" && b.model !== "" ? b.model : null;
  const upstream_provider = typeof b.provider === "string" && b.provider !== "" ? b.provider : null;
  const raw = b.choices;
  if (!Array.isArray(raw) || raw.length === 0) {
    const fb = b.promptFeedback as { blockReason?: unknown } | undefined;
    if (fb && typeof fb.blockReason === "string") {
      return { choices: [{ text: "", finish_reason: fb.blockReason, outcome: "blocked", reasoning: null, refusal: null }], usage, model_snapshot, upstream_provider };
    }
    throw new MalformedResponseError("no choices", usage);
  }
  let list = raw as Record<string, unknown>[];
  if (list.length > 1 && list.every((c) => c && typeof c.index === "number")) list = list.slice().sort((x, y) => (x.index as number) - (y.index as number));
  const choices: ChoiceResult[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (typeof c !== "object" || c === null) throw new MalformedResponseError(`choice ${i} is not an object`, usage);
    if (c.error !== undefined && c.error !== null) throw new UpstreamError(`choice ${i}: ${describeError(c.error)}`, usage);
    const finish = typeof c.finish_reason === "string" ? c.finish_reason : null;
    if (finish === "error") throw new UpstreamError(`choice ${i} finished with "error"`, usage);
    let text: string | null;
    let refusal: string | null = null;
    let reasoning: Reasoning | null = null;
    if (api === "chat") {
      const m = c.message;
      if (typeof m !== "object" || m === null) throw new MalformedResponseError(`choice ${i} has no message`, usage);
      const msg = m as Record<string, unknown>;
      text = contentText(msg.content);
      if (typeof msg.refusal === "string" && msg.refusal !== "") refusal = msg.refusal;
      reasoning = messageReasoning(msg);
    } else {
      text = typeof c.text === "string" ? c.text : null;
    }
    if (text !== null) {
      const st = splitThink(text, opts.thinkClosingOnly === true);
      if (st.reasoning) {
        text = st.text;
        if (!reasoning) reasoning = st.reasoning;
      }
    }
    const outcome = outcomeOf(finish, refusal);
    if (text === null) {
      // No text is a result only when something says why: blocked, truncated, or all of it went into reasoning.
      if (outcome === "reply" && !reasoning) throw new MalformedResponseError(`choice ${i} has no text`, usage);
      text = "";
    }
    choices[i] = { text, finish_reason: finish, outcome, reasoning, refusal };
  }
  return { choices, usage, model_snapshot, upstream_provider };
}

/**
 * Read an Anthropic Messages body: text blocks joined, thinking blocks kept
 * as reasoning (source "thinking"), stop_reason as the finish reason.
 * @example parseAnthropicBody({ type: "message", model: "claude-x", content: [], stop_reason: "refusal", usage: { input_tokens: 5, output_tokens: 0 } }).choices[0].outcome // "blocked"
 */
export function parseAnthropicBody(body: unknown): ProviderReply {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new MalformedResponseError(typeof body === "string" ? "body is not JSON" : `body is ${body === null ? "null" : typeof body}`);
  }
  const b = body as Record<string, unknown>;
  const usage = readAnthropicUsage(b.usage);
  if (b.type === "error" || (b.error !== undefined && b.error !== null)) throw new UpstreamError(describeError(b.error), usage);
  if (!Array.isArray(b.content)) throw new MalformedResponseError("no content", usage);
  const texts: string[] = [];
  const thoughts: string[] = [];
  for (const block of b.content as unknown[]) {
    if (!block || typeof block !== "object") continue;
    const o = block as Record<string, unknown>;
    if (o.type === "text" && typeof o.text === "string") texts.push(o.text);
    else if (o.type === "thinking" && typeof o.thinking === "string" && o.thinking !== "") thoughts.push(o.thinking);
  }
  const finish = typeof b.stop_reason === "string" ? b.stop_reason : null;
  return {
    choices: [
      {
        text: texts.join(""),
        finish_reason: finish,
        outcome: outcomeOf(finish, null),
        reasoning: thoughts.length ? { text: thoughts.join("\n"), source: "thinking" } : null,
        refusal: null,
      },
    ],
    usage,
    model_snapshot: typeof b.model === "string" && b.model !== "" ? b.model : null,
    upstream_provider: null,
  };
}
