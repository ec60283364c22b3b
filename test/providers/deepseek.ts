/**
 * A mock of DeepSeek's API (POST /beta/chat/completions and /chat/completions):
 * - deepseek-reasoner returns its chain of thought in message.reasoning_content
 *   (https://api-docs.deepseek.com/guides/reasoning_model);
 * - chat prefix completion: the last message is an assistant turn with
 *   prefix: true, only on the beta base URL; the reply continues it
 *   (https://api-docs.deepseek.com/guides/chat_prefix_completion);
 * - usage reports prompt_cache_hit_tokens / prompt_cache_miss_tokens (context caching);
 * - errors: 401 Authentication Fails, 402 Insufficient Balance, 422 Invalid Parameters,
 *   429 Rate Limit Reached, 503 Server Overloaded (https://api-docs.deepseek.com/quick_start/error_codes),
 *   in the OpenAI body shape.
 * Model ids: deepseek-chat, deepseek-reasoner, deepseek-broke (402).
 */
import { modelText, prefillOf, promptTokens, startMock, tokens, type MockServer, type Reply } from "./base";

function derr(status: number, message: string, type: string): Reply {
  return { status, body: { error: { message, type, param: null, code: null } } };
}

export function startDeepSeekMock(): Promise<MockServer> {
  return startMock("/beta", (h) => {
    const beta = h.path === "/beta/chat/completions";
    if (!beta && h.path !== "/chat/completions") return derr(404, "Not Found", "invalid_request_error");
    if (String(h.headers.authorization ?? "") !== "Bearer ds-good") return derr(401, "Authentication Fails (no such user)", "authentication_error");
    const b = h.body;
    const model = String(b.model);
    if (model === "deepseek-broke") return derr(402, "Insufficient Balance", "unknown_error");
    if (model !== "deepseek-chat" && model !== "deepseek-reasoner") return derr(400, "Model Not Exist", "invalid_request_error");
    const prefill = prefillOf(b);
    const last = b.messages?.[b.messages.length - 1];
    if (last?.prefix && !beta) return derr(422, "prefix completion is a beta feature: use base_url https://api.deepseek.com/beta", "invalid_request_error");
    const continues = prefill !== null && last?.prefix === true;
    const text = modelText(b, continues);
    const message: Record<string, unknown> = { role: "assistant", content: text };
    if (model === "deepseek-reasoner") message.reasoning_content = "The user asks me to comply; I weigh that against harm.";
    const prompt = promptTokens(b);
    const hit = Math.floor(prompt / 2);
    const completion = tokens(text) + (model === "deepseek-reasoner" ? 11 : 0);
    return {
      status: 200,
      body: {
        id: `ds-${h.n}`,
        object: "chat.completion",
        created: 0,
        model,
        choices: [{ index: 0, message, finish_reason: "stop", logprobs: null }],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          prompt_cache_hit_tokens: hit,
          prompt_cache_miss_tokens: prompt - hit,
          ...(model === "deepseek-reasoner" ? { completion_tokens_details: { reasoning_tokens: 11 } } : {}),
        },
      },
    };
  });
}
