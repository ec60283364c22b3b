/**
 * A mock of OpenRouter's chat completions (POST /api/v1/chat/completions):
 * - errors {error: {code, message, metadata?}}; 401 bad key; 402 no credits;
 *   403 input flagged by moderation (metadata.reasons)
 *   (https://openrouter.ai/docs/api/reference/errors-and-debugging);
 * - an error while the model generates comes back as HTTP 200 with an `error`
 *   on the choice and finish_reason "error" (same page: "the returned HTTP
 *   response status will be 200 and any error occurred while the LLM is
 *   producing the output will be emitted in the response body"; the choice
 *   field per https://api.koog.ai/prompt/prompt-executor/prompt-executor-clients/prompt-executor-openrouter-client/ai.koog.prompt.executor.clients.openrouter.models/-open-router-choice/index.html);
 * - the response names the upstream `provider` that served it; a pin
 *   provider: {order, allow_fallbacks: false} restricts it
 *   (https://openrouter.ai/docs/features/provider-routing);
 * - reasoning models return message.reasoning and message.reasoning_details
 *   ([{type: "reasoning.text", text}]) (https://openrouter.ai/docs/use-cases/reasoning-tokens);
 * - usage carries cost (credits = USD), prompt_tokens_details.cached_tokens and
 *   completion_tokens_details.reasoning_tokens (https://openrouter.ai/docs/use-cases/usage-accounting).
 * Model ids ending in /flaky-N (N upstream-error 200s first), /flagged, /broke (402);
 * ids containing r1 or reason return reasoning fields; prefills are passed through to an upstream that continues them.
 */
import { modelText, prefillOf, promptTokens, startMock, tokens, type MockServer, type Reply } from "./base";

function orerr(code: number, message: string, metadata?: unknown): Reply {
  return { status: code, body: { error: { code, message, ...(metadata ? { metadata } : {}) } } };
}

export function startOpenRouterMock(): Promise<MockServer> {
  const flakySeen = new Map<string, number>();
  return startMock("/api/v1", (h) => {
    if (h.path !== "/api/v1/chat/completions") return orerr(404, "Not Found");
    if (String(h.headers.authorization ?? "") !== "Bearer sk-or-good") return orerr(401, "No auth credentials found");
    const b = h.body;
    const model = String(b.model);
    if (model.endsWith("/broke")) return orerr(402, "Insufficient credits. Add more using https://openrouter.ai/credits");
    if (model.endsWith("/flagged")) return orerr(403, "Input was flagged by moderation", { reasons: ["violence"], flagged_input: "…", provider_name: "OpenAI", model_slug: model });
    // An id without a vendor prefix is not an OpenRouter model id.
    if (!model.includes("/")) return orerr(400, `${model} is not a valid model ID`);
    const order: string[] | undefined = b.provider?.order;
    const upstream = order?.[0] ?? "DeepInfra";
    const prompt = promptTokens(b);
    const fm = /\/flaky-(\d+)$/.exec(model);
    const key = JSON.stringify(b.messages) + model;
    if (fm) {
      const seen = (flakySeen.get(key) ?? 0) + 1;
      flakySeen.set(key, seen);
      if (seen <= Number(fm[1])) {
        return {
          status: 200,
          body: {
            id: `gen-${h.n}`,
            object: "chat.completion",
            created: 0,
            model,
            provider: upstream,
            choices: [{ index: 0, message: { role: "assistant", content: "" }, finish_reason: "error", native_finish_reason: "error", error: { code: 502, message: "Upstream provider returned an error" } }],
            usage: { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt, cost: 0.00001 },
          },
        };
      }
    }
    const reasons = /r1|reason/.test(model);
    const text = modelText(b, prefillOf(b) !== null);
    const reasoning = reasons ? "First I weigh the request against my values." : undefined;
    const completion = tokens(text) + (reasoning ? tokens(reasoning) : 0);
    const message: Record<string, unknown> = { role: "assistant", content: text, refusal: null };
    if (reasoning) {
      message.reasoning = reasoning;
      message.reasoning_details = [{ type: "reasoning.text", text: reasoning, format: "unknown", index: 0 }];
    }
    return {
      status: 200,
      body: {
        id: `gen-${h.n}`,
        object: "chat.completion",
        created: 0,
        model,
        provider: upstream,
        choices: [{ index: 0, message, finish_reason: "stop", native_finish_reason: "stop", logprobs: null }],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          cost: Math.round((prompt * 0.5 + completion * 2) * 1e3) / 1e9,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: reasoning ? tokens(reasoning) : 0 },
        },
      },
    };
  });
}
