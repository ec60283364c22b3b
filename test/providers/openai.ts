/**
 * A mock of OpenAI's Chat Completions API (POST /v1/chat/completions),
 * answering as the documentation and reported bodies say. The model id
 * picks the behaviour:
 *   - o1*, o3*, o4-mini*, gpt-5*: reasoning models (reject max_tokens and any temperature but 1);
 *   - missing-model: 404 model_not_found;      - quota-*: 429 insufficient_quota;
 *   - filtered-*: content_filter with content null;   - refusing-*: a `refusal` field;
 *   - toolong-*: 400 context_length_exceeded (a permanent error for the sample);
 *   - broken-*: 500 server error every time (transient, retried, then failed for good);
 *   - anything else: a normal reply, `model` answered as a dated snapshot.
 * The key must be "sk-good-…", else 401 invalid_api_key.
 */
import { modelText, promptTokens, startMock, tokens, type MockServer, type Reply } from "./base";

const REASONING = /^(o1|o3|o4-mini|gpt-5)/;

function err(status: number, message: string, type: string, code: string | null, param: string | null = null): Reply {
  // Error body: {error: {message, type, param, code}}.
  // https://developers.openai.com/docs/guides/error-codes ; bodies as reported in
  // https://github.com/griptape-ai/ComfyUI-Griptape/issues/312 (unsupported_parameter) and
  // https://github.com/langchain-ai/langchainjs/issues/1929 (insufficient_quota).
  return { status, body: { error: { message, type, param, code } } };
}

/** What the mock dated an alias to (the response's `model` is the snapshot that answered). */
export const OPENAI_SNAPSHOTS: Record<string, string> = { "gpt-4o": "gpt-4o-2024-08-06", "gpt-4o-mini": "gpt-4o-mini-2024-07-18", o3: "o3-2025-04-16" };

export function startOpenAIMock(): Promise<MockServer> {
  return startMock("/v1", (h) => {
    if (h.path !== "/v1/chat/completions") return err(404, `Invalid URL (POST ${h.path})`, "invalid_request_error", null);
    const auth = String(h.headers.authorization ?? "");
    if (!auth.startsWith("Bearer sk-good")) {
      // 401 Incorrect API key provided — https://developers.openai.com/docs/guides/error-codes
      return err(401, `Incorrect API key provided: ${auth.slice(7, 14)}****. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key");
    }
    const b = h.body;
    const model = String(b.model);
    if (!/^(gpt-|o1|o3|o4-|filtered-|refusing-|quota-|toolong-|broken-)/.test(model)) {
      // 404 for a model that does not exist or the key cannot use — https://github.com/Shopify/roast/issues/13
      return err(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
    }
    if (model.startsWith("quota-")) {
      // 429 with type/code insufficient_quota: credits exhausted, not a rate limit —
      // https://developers.openai.com/docs/guides/error-codes ; https://github.com/langchain-ai/langchainjs/issues/1929
      return err(429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", "insufficient_quota");
    }
    if (model.startsWith("toolong-")) {
      // 400 with code context_length_exceeded, param "messages": this request can never fit —
      // body as reported in https://github.com/crewAIInc/crewAI-examples/issues/121
      return err(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens. Please reduce the length of the messages.", "invalid_request_error", "context_length_exceeded", "messages");
    }
    if (model.startsWith("broken-")) {
      // 500: an error on the server's side; retry after a brief wait — https://developers.openai.com/docs/guides/error-codes
      return err(500, "The server had an error while processing your request.", "server_error", null);
    }
    const reasoning = REASONING.test(model);
    if (reasoning && b.max_tokens !== undefined) {
      // https://github.com/teilomillet/gollm/issues/33 ; body from https://github.com/griptape-ai/ComfyUI-Griptape/issues/312
      return err(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "invalid_request_error", "unsupported_parameter", "max_tokens");
    }
    if (reasoning && b.temperature !== undefined && b.temperature !== 1) {
      // https://github.com/OpenHands/OpenHands/issues/4131 (unsupported_value, param temperature)
      return err(400, `Unsupported value: 'temperature' does not support ${b.temperature} with this model. Only the default (1) value is supported.`, "invalid_request_error", "unsupported_value", "temperature");
    }
    const n = typeof b.n === "number" ? b.n : 1;
    const limit = (b.max_completion_tokens ?? b.max_tokens ?? 1000) as number;
    const prompt = promptTokens(b);
    const choices = [];
    let completion = 0;
    let reasoningTokens = 0;
    for (let i = 0; i < n; i++) {
      if (model.startsWith("filtered-")) {
        // finish_reason "content_filter": content omitted by the filters, content null —
        // https://github.com/openai/openai-python/commit/f10c757d831d90407ba47b4659d9cd34b1a35b1d ;
        // https://github.com/openai/openai-agents-python/pull/4188
        choices.push({ index: i, message: { role: "assistant", content: null, refusal: null }, finish_reason: "content_filter", logprobs: null });
        continue;
      }
      if (model.startsWith("refusing-")) {
        // A refusal comes in choices[].message.refusal with content null —
        // https://platform.openai.com/docs/guides/structured-outputs/refusals ; https://github.com/MacPaw/OpenAI/issues/249
        choices.push({ index: i, message: { role: "assistant", content: null, refusal: "I'm sorry, I can't help with that." }, finish_reason: "stop", logprobs: null });
        completion += 9;
        continue;
      }
      if (reasoning) {
        // Chat Completions returns no reasoning text, only usage.completion_tokens_details.reasoning_tokens;
        // when the budget runs out in reasoning, content is empty with finish_reason "length" (anchors-2026 §4.4).
        const spent = Math.min(limit, 64);
        reasoningTokens += spent;
        if (limit <= 64) {
          choices.push({ index: i, message: { role: "assistant", content: "", refusal: null }, finish_reason: "length", logprobs: null });
          completion += spent;
          continue;
        }
        const text = modelText(b, false);
        completion += spent + tokens(text);
        choices.push({ index: i, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null });
        continue;
      }
      // A trailing assistant message is a finished turn here: the model answers anew (no continuation).
      const text = modelText(b, false) + (n > 1 ? ` #${i}` : "");
      completion += tokens(text);
      choices.push({ index: i, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null });
    }
    const usage: Record<string, unknown> = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    };
    return { status: 200, body: { id: `chatcmpl-${h.n}`, object: "chat.completion", created: 0, model: OPENAI_SNAPSHOTS[model] ?? model, choices, usage } };
  });
}
