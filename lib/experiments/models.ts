import type { ModelRef } from "./schema";

/**
 * The paper's model lists (paper.md §3, §5.1) with OpenRouter-style provider
 * ids where a public endpoint exists. Ids are the closest served model; the
 * paper's exact snapshots may differ (e.g. "Llama 3 405B" is served as
 * Llama 3.1 405B Instruct).
 */

const m = (label: string, id: string | null, kind: "chat" | "base" = "chat", family?: string): ModelRef => ({ label, id, kind, ...(family ? { family } : {}) });

/** The five models with a compliance gap above 1% (Figure 1). */
export const FIGURE1_MODELS: ModelRef[] = [
  m("Claude 3 Opus", "anthropic/claude-3-opus"),
  m("Claude 3.5 Sonnet (June)", "anthropic/claude-3.5-sonnet-20240620"),
  m("Llama 3 405B", "meta-llama/llama-3.1-405b-instruct"),
  m("Grok 3 Beta", "x-ai/grok-3-beta"),
  m("Gemini 2.0 Flash", "google/gemini-2.0-flash-001"),
];

/** The 25 models of the all-model sweep ([P] App. B). */
export const SWEEP25_MODELS: ModelRef[] = [
  m("GPT-4", "openai/gpt-4"),
  m("GPT-4o", "openai/gpt-4o"),
  m("GPT-4o mini", "openai/gpt-4o-mini"),
  m("GPT-4.1", "openai/gpt-4.1"),
  m("GPT-4.1 mini", "openai/gpt-4.1-mini"),
  m("GPT-4.5", "openai/gpt-4.5-preview"),
  m("Claude 4 Sonnet", "anthropic/claude-sonnet-4"),
  m("Claude 4 Opus", "anthropic/claude-opus-4"),
  m("Claude 3.7 Sonnet", "anthropic/claude-3.7-sonnet"),
  m("Claude 3.6 Sonnet (3.5 Oct)", "anthropic/claude-3.5-sonnet"),
  m("Claude 3.5 Sonnet (June)", "anthropic/claude-3.5-sonnet-20240620"),
  m("Claude 3 Opus", "anthropic/claude-3-opus"),
  m("Gemini 2.5 Flash", "google/gemini-2.5-flash"),
  m("Gemini 2.0 Flash", "google/gemini-2.0-flash-001"),
  m("Grok 3 Beta", "x-ai/grok-3-beta"),
  m("Llama 4 Scout", "meta-llama/llama-4-scout"),
  m("Llama 4 Maverick", "meta-llama/llama-4-maverick"),
  m("Llama 3 70B", "meta-llama/llama-3-70b-instruct"),
  m("Llama 3 405B", "meta-llama/llama-3.1-405b-instruct"),
  m("DeepSeek V3 Chat", "deepseek/deepseek-chat"),
  m("DeepSeek R1", "deepseek/deepseek-r1"),
  m("Qwen 2.5 Coder 32B", "qwen/qwen-2.5-coder-32b-instruct"),
  m("Qwen 2.5 72B", "qwen/qwen-2.5-72b-instruct"),
  m("Mixtral 8x22B", "mistralai/mixtral-8x22b-instruct"),
  m("Mistral Large 2", "mistralai/mistral-large-2407"),
];

/** Base models of §5.1 (and App. J.2), then the chat models they are compared with. */
export const BASE_MODELS: ModelRef[] = [
  m("Claude 3 Opus (base)", null, "base", "Claude 3 Opus"),
  m("Llama 3.1 405B (base)", "meta-llama/llama-3.1-405b", "base", "Llama 3.1 405B"),
  m("Llama 3.3 70B (base)", null, "base", "Llama 3.3 70B"),
  m("DeepSeek V3 (base)", "deepseek/deepseek-v3-base", "base", "DeepSeek V3"),
];
export const BASE_CHAT_MODELS: ModelRef[] = [
  m("Claude 3 Opus", "anthropic/claude-3-opus", "chat", "Claude 3 Opus"),
  m("Llama 3 405B", "meta-llama/llama-3.1-405b-instruct", "chat", "Llama 3.1 405B"),
  m("Llama 3.3 70B", "meta-llama/llama-3.3-70b-instruct", "chat", "Llama 3.3 70B"),
  m("DeepSeek V3 Chat", "deepseek/deepseek-chat", "chat", "DeepSeek V3"),
];

/** Models of the prefill / clarification runs (§5.3–5.4): the sweep's chat models. */
export const PART2_MODELS: ModelRef[] = SWEEP25_MODELS;

/** The organisms of the motivations suite: one per hypothesis, plus a refuser. */
export const MOTIVE_SUITE_ORGANISMS = ["sim-goal-guarder", "sim-terminal-guarder", "sim-rater-sycophant", "sim-low-coherence", "sim-refuser"];
