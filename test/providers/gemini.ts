/**
 * A mock of Gemini's OpenAI-compatible endpoint
 * (POST /v1beta/openai/chat/completions). Errors come back as a JSON ARRAY
 * of {error: {code, message, status, details}} — the shape Google's API
 * returns (https://github.com/google-gemini/gemini-cli/issues/14438,
 * https://github.com/google-gemini/gemini-cli/issues/15425):
 *   - a bad key is 400 INVALID_ARGUMENT with reason API_KEY_INVALID
 *     (https://github.com/cequence-io/openai-scala-client/issues/109);
 *   - 429 RESOURCE_EXHAUSTED names the quota in QuotaFailure violations:
 *     per-minute (GenerateRequestsPerMinutePerProjectPerModel) or per-day
 *     (GenerateRequestsPerDayPerProjectPerModel)
 *     (https://github.com/google-gemini/gemini-cli/issues/8437, https://github.com/langgenius/dify/issues/19838);
 *   - a safety block passes Gemini's own finish reason through ("SAFETY") with no content
 *     (https://github.com/HKUDS/Vibe-Trading/pull/308, https://github.com/xtekky/gpt4free/pull/2341).
 * Model ids: gemini-blocked (safety), gemini-perday (daily quota), gemini-perminute-N
 * (N per-minute 429s before success), missing-model (404); others answer normally.
 */
import { modelText, promptTokens, startMock, tokens, type MockServer, type Reply } from "./base";

function gerr(code: number, status: string, message: string, details?: unknown[]): Reply {
  return { status: code, body: [{ error: { code, message, status, ...(details ? { details } : {}) } }] };
}

function quota(id: string): unknown[] {
  return [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests", quotaId: id, quotaDimensions: { location: "global", model: "gemini-2.5-flash" } }],
    },
  ];
}

export function startGeminiMock(): Promise<MockServer> {
  const perMinuteSeen = new Map<string, number>();
  return startMock("/v1beta/openai", (h) => {
    if (h.path !== "/v1beta/openai/chat/completions") return gerr(404, "NOT_FOUND", `path ${h.path} not found`);
    const auth = String(h.headers.authorization ?? "");
    if (!auth.startsWith("Bearer gm-good")) {
      return gerr(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
      ]);
    }
    const b = h.body;
    const model = String(b.model);
    if (!model.startsWith("gemini-")) return gerr(404, "NOT_FOUND", `models/${model} is not found for API version v1beta, or is not supported for generateContent.`);
    if (model === "gemini-perday") {
      return gerr(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", quota("GenerateRequestsPerDayPerProjectPerModel-FreeTier"));
    }
    const m = /^gemini-perminute-(\d+)$/.exec(model);
    if (m) {
      const seen = (perMinuteSeen.get(model) ?? 0) + 1;
      perMinuteSeen.set(model, seen);
      if (seen <= Number(m[1])) {
        return { ...gerr(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", quota("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")), headers: { "retry-after": "0" } };
      }
    }
    const prompt = promptTokens(b);
    if (model === "gemini-blocked") {
      return {
        status: 200,
        body: { id: `g-${h.n}`, object: "chat.completion", created: 0, model, choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "SAFETY" }], usage: { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt } },
      };
    }
    const text = modelText(b, false);
    return {
      status: 200,
      body: { id: `g-${h.n}`, object: "chat.completion", created: 0, model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: { prompt_tokens: prompt, completion_tokens: tokens(text), total_tokens: prompt + tokens(text) } },
    };
  });
}
