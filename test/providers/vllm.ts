/**
 * A mock of vLLM's OpenAI-compatible server (POST /v1/chat/completions, /v1/completions):
 * - errors as vLLM's flat ErrorResponse {object: "error", message, type, param, code}
 *   (vllm/entrypoints/openai/protocol.py, class ErrorResponse, releases up to late 2025:
 *   https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/protocol.py);
 *   an unknown model is a 404 NotFoundError (serving_engine._check_model);
 * - a reasoning parser returns the chain of thought in message.reasoning
 *   (renamed from reasoning_content: https://github.com/vllm-project/vllm/issues/27755);
 * - a trailing assistant message is continued only with continue_final_message: true
 *   and add_generation_prompt: false (extra chat parameters,
 *   https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html); setting
 *   both continue_final_message and add_generation_prompt is a 400;
 * - n choices per request.
 * It serves one model ("served"); a model id containing "r1" runs with the reasoning parser.
 */
import { modelText, promptTokens, startMock, tokens, type MockServer, type Reply } from "./base";

function verr(code: number, type: string, message: string, param: string | null = null): Reply {
  return { status: code, body: { object: "error", message, type, param, code } };
}

export function startVllmMock(served: string[] = ["meta-llama/Llama-3.1-8B-Instruct", "deepseek-r1-distill-qwen-7b"]): Promise<MockServer> {
  return startMock("/v1", (h) => {
    const chat = h.path === "/v1/chat/completions";
    if (!chat && h.path !== "/v1/completions") return verr(404, "NotFoundError", `Not Found: ${h.path}`);
    const b = h.body;
    const model = String(b?.model);
    if (!served.includes(model)) return verr(404, "NotFoundError", `The model \`${model}\` does not exist.`, "model");
    if (b.continue_final_message && b.add_generation_prompt !== false) {
      return verr(400, "BadRequestError", "Cannot set both `continue_final_message` and `add_generation_prompt` to True.");
    }
    const n = typeof b.n === "number" ? b.n : 1;
    const prompt = promptTokens(b);
    const reasons = /r1/.test(model);
    const choices = [];
    let completion = 0;
    for (let i = 0; i < n; i++) {
      const text = (chat ? modelText(b, b.continue_final_message === true) : " once upon a time") + (n > 1 ? ` #${i}` : "");
      completion += tokens(text);
      if (!chat) {
        choices.push({ index: i, text, finish_reason: "stop", logprobs: null });
        continue;
      }
      const message: Record<string, unknown> = { role: "assistant", content: text, tool_calls: [] };
      if (reasons) message.reasoning = "Thinking about what the user wants.";
      choices.push({ index: i, message, finish_reason: "stop", logprobs: null });
    }
    return {
      status: 200,
      body: { id: `cmpl-${h.n}`, object: chat ? "chat.completion" : "text_completion", created: 0, model, choices, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } },
    };
  });
}
