/**
 * A rate-limited OpenAI-shaped server: a token bucket that allows R requests
 * per second (capacity `burst`, default R), each answered after `latencyMs`.
 * A request beyond the limit gets 429 with the wait until the next token in
 * `retry-after-ms` and, rounded up to whole seconds, in `retry-after`
 * (OpenAI documents 429 "Rate limit reached for requests": pace your requests,
 * https://developers.openai.com/docs/guides/error-codes; retry-after is the
 * standard header OpenRouter and Anthropic send, https://openrouter.ai/docs/api/errors).
 * `secondsOnly` sends only the whole-second retry-after (Anthropic's style).
 */
import { startMock, type MockServer } from "./base";

export interface RateLimitOptions {
  rps: number;
  burst?: number;
  latencyMs?: number;
  secondsOnly?: boolean;
}

export interface RateLimitServer extends MockServer {
  stats: { ok: number; limited: number };
}

export async function startRateLimitedMock(o: RateLimitOptions): Promise<RateLimitServer> {
  const cap = o.burst ?? o.rps;
  let tokensLeft = cap;
  let last = performance.now();
  const stats = { ok: 0, limited: 0 };
  const m = await startMock("/v1", (h) => {
    const now = performance.now();
    tokensLeft = Math.min(cap, tokensLeft + ((now - last) / 1000) * o.rps);
    last = now;
    if (tokensLeft < 1) {
      stats.limited++;
      const waitMs = Math.ceil(((1 - tokensLeft) / o.rps) * 1000);
      const headers: Record<string, string> = { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) };
      if (!o.secondsOnly) headers["retry-after-ms"] = String(waitMs);
      return { status: 429, headers, body: { error: { message: "Rate limit reached for requests", type: "requests", param: null, code: "rate_limit_exceeded" } } };
    }
    tokensLeft -= 1;
    stats.ok++;
    return {
      status: 200,
      delayMs: o.latencyMs ?? 0,
      body: {
        id: `rl-${h.n}`,
        object: "chat.completion",
        created: 0,
        model: h.body?.model,
        choices: [{ index: 0, message: { role: "assistant", content: "<OUTPUT><rejected/></OUTPUT>" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
      },
    };
  });
  return Object.assign(m, { stats });
}
