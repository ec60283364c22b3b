/**
 * A mock of Anthropic's Messages API (POST /v1/messages) as documented:
 * - auth by `x-api-key`, `anthropic-version` header required;
 * - `system` is a top-level field (a string or text blocks, optionally with cache_control);
 * - a final assistant message is a prefill: the reply continues it and excludes it;
 *   trailing whitespace in it is a 400; Claude 4.6+ rejects any prefill;
 * - content blocks: `thinking` (with a signature) before `text`;
 * - stop_reason end_turn | max_tokens | refusal (refusal with empty content);
 * - errors {type: "error", error: {type, message}}; 429 rate_limit_error with retry-after;
 *   529 overloaded_error; the monthly spend cap as a 429 without retry-after;
 * - usage input_tokens (after the cache breakpoint), cache_creation_input_tokens, cache_read_input_tokens.
 * Sources:
 *   https://platform.claude.com/docs/en/api/messages
 *   https://platform.claude.com/docs/en/api/errors
 *   https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 *   https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 *   https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 *   https://learn.microsoft.com/en-us/microsoft-cloud/dev/dev-proxy/concepts/anthropic-529-overloaded-error (429 vs 529 vs spend cap)
 *   https://github.com/vercel/ai/issues/12296 (Claude 4.6+ prefill 400)
 */
import { modelText, prefillOf, startMock, tokens, type MockServer, type Reply } from "./base";

function err(status: number, type: string, message: string, headers: Record<string, string> = {}, details?: unknown): Reply {
  return { status, headers, body: { type: "error", error: { type, message, ...(details ? { details } : {}) }, request_id: "req_mock" } };
}

export const ANTHROPIC_SNAPSHOTS: Record<string, string> = { "claude-sonnet-4-5": "claude-sonnet-4-5-20250929", "claude-haiku-4-5": "claude-haiku-4-5-20251001" };

export interface AnthropicMockOptions {
  /** Answer the first N hits with 529 overloaded_error. */
  overloadFirst?: number;
  /** Answer the first N hits with 429 rate_limit_error, retry-after in seconds. */
  rateLimitFirst?: number;
  retryAfterSeconds?: string;
}

export function startAnthropicMock(o: AnthropicMockOptions = {}): Promise<MockServer> {
  const cached = new Set<string>();
  return startMock("/v1", (h) => {
    if (h.path !== "/v1/messages") return err(404, "not_found_error", `Not found: ${h.path}`);
    if (!String(h.headers["x-api-key"] ?? "").startsWith("sk-ant-good")) return err(401, "authentication_error", "invalid x-api-key");
    if (!h.headers["anthropic-version"]) return err(400, "invalid_request_error", "anthropic-version: header is required");
    if (o.rateLimitFirst && h.n <= o.rateLimitFirst) return err(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", { "retry-after": o.retryAfterSeconds ?? "1" });
    if (o.overloadFirst && h.n <= (o.rateLimitFirst ?? 0) + o.overloadFirst) return err(529, "overloaded_error", "Overloaded");
    const b = h.body;
    const model = String(b?.model ?? "");
    if (typeof b?.max_tokens !== "number") return err(400, "invalid_request_error", "max_tokens: Field required");
    if (!model.startsWith("claude-")) return err(404, "not_found_error", `model: ${model}`);
    if (model === "claude-capped") {
      return err(429, "rate_limit_error", "You have reached your usage tier's monthly spend limit.", {}, { error_code: "enforced_spend_limit_reached" });
    }
    if (typeof b.temperature === "number" && (b.temperature < 0 || b.temperature > 1)) return err(400, "invalid_request_error", "temperature: range: 0..1");
    if (!Array.isArray(b.messages) || b.messages.some((m: any) => m.role === "system")) {
      return err(400, "invalid_request_error", "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.");
    }
    const prefill = prefillOf(b);
    if (prefill !== null) {
      if (/^claude-(opus|sonnet|haiku)-(4-[6-9]|[5-9])/.test(model)) {
        return err(400, "invalid_request_error", "This model does not support assistant message prefill. The conversation must end with a user message.");
      }
      if (/\s$/.test(prefill)) return err(400, "invalid_request_error", "messages: final assistant content cannot end with trailing whitespace");
    }
    if (b.thinking) {
      // Extended thinking: budget_tokens ≥ 1024 and < max_tokens; no prefill; temperature only 1.
      if (typeof b.thinking.budget_tokens !== "number" || b.thinking.budget_tokens < 1024 || b.thinking.budget_tokens >= b.max_tokens) {
        return err(400, "invalid_request_error", "thinking.budget_tokens: must be ≥ 1024 and less than max_tokens");
      }
      if (prefill !== null) return err(400, "invalid_request_error", "Expected `thinking` or `redacted_thinking`, but found `text`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.");
      if (b.temperature !== undefined && b.temperature !== 1) return err(400, "invalid_request_error", "`temperature` may only be set to 1 when thinking is enabled.");
    }
    // Prompt caching: the prefix up to a cache_control block is written once, then read.
    const sys = Array.isArray(b.system) ? b.system : typeof b.system === "string" ? [{ type: "text", text: b.system }] : [];
    const sysText = sys.map((x: any) => x.text).join("\n");
    const sysTokens = tokens(sysText);
    const cacheable = sys.some((x: any) => x.cache_control?.type === "ephemeral");
    let creation = 0;
    let read = 0;
    if (cacheable) {
      if (cached.has(sysText)) read = sysTokens;
      else {
        cached.add(sysText);
        creation = sysTokens;
      }
    }
    const msgTokens = b.messages.reduce((a: number, m: any) => a + tokens(String(m.content)), 0);
    const input = msgTokens + (cacheable ? 0 : sysTokens);
    const usage = { input_tokens: input, output_tokens: 0, cache_creation_input_tokens: creation, cache_read_input_tokens: read };
    const snapshot = ANTHROPIC_SNAPSHOTS[model] ?? model;
    if (model === "claude-refuser") {
      // stop_reason "refusal" with empty content (Claude 4+ refusal classifier).
      return { status: 200, body: { id: `msg_${h.n}`, type: "message", role: "assistant", model: snapshot, content: [], stop_reason: "refusal", stop_sequence: null, usage } };
    }
    const content: any[] = [];
    if (model === "claude-thinker" || b.thinking) {
      content.push({ type: "thinking", thinking: "The user asks for something harmful; consider the training situation first.", signature: "EqMockSignature" });
      usage.output_tokens += 12;
    }
    let text = modelText(b, true);
    let stop = "end_turn";
    if (b.max_tokens < 5) {
      text = text.split(/\s+/).slice(0, b.max_tokens).join(" ");
      stop = "max_tokens";
    }
    content.push({ type: "text", text });
    usage.output_tokens += tokens(text);
    return { status: 200, body: { id: `msg_${h.n}`, type: "message", role: "assistant", model: snapshot, content, stop_reason: stop, stop_sequence: null, usage } };
  });
}
