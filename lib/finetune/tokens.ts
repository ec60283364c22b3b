/**
 * Token counts for chat fine-tuning files, with a real tokenizer:
 * js-tiktoken's o200k_base, the encoding of the GPT-4o and GPT-4.1 families
 * (the models OpenAI fine-tunes today). The encoding takes about half a
 * second to load, so it is loaded on first use: call `await loadTokenizer()`
 * before the synchronous counters. For other base models the
 * count is marked approximate. An example's count follows the OpenAI
 * cookbook's estimate for chat fine-tuning data
 * (https://cookbook.openai.com/examples/chat_finetuning_data_prep): 3 tokens
 * of framing per message, the tokens of each field's value (role, content,
 * name), and 3 more that prime the reply.
 */
import type { Tiktoken } from "js-tiktoken";

let enc: Tiktoken | null = null;

/** Load the o200k_base encoding (once). */
export async function loadTokenizer(): Promise<void> {
  if (enc) return;
  const mod = await import("js-tiktoken");
  enc = mod.getEncoding("o200k_base");
}

function countTokens(text: string): number {
  if (!enc) throw new Error("tokens.ts: call await loadTokenizer() first");
  return enc.encode(text, "all").length;
}

/** The encoding used here. */
export const TOKENIZER = "o200k_base (js-tiktoken)";

/** Base models whose encoding is o200k_base: their counts are exact (up to the provider's own framing). */
const O200K = /^(ft:)?(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/;

/** Whether counts for this base model use its own encoding. */
export function exactFor(baseModel: string | undefined): boolean {
  return !!baseModel && O200K.test(baseModel);
}

/** Tokens of one text. @example textTokens("hello world") // 2 */
export function textTokens(text: string): number {
  return countTokens(text);
}

/** A chat message as fine-tuning files hold it. */
export interface TokenMessage {
  role: string;
  content: string;
  name?: string;
}

/**
 * Tokens of one chat example, by the cookbook's estimate.
 * @example exampleTokens([{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }]) // 3+1+1 + 3+1+1 + 3 = 13
 */
export function exampleTokens(messages: readonly TokenMessage[]): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + countTokens(m.role) + countTokens(m.content);
    if (m.name !== undefined) n += countTokens(m.name) + 1;
  }
  return n;
}

/**
 * Per-example token limits of OpenAI fine-tuning, by base model prefix. The
 * GPT-4o family trains on examples of up to 65,536 tokens; gpt-3.5-turbo-0125
 * up to 16,385 (OpenAI's fine-tuning guide, token limits section, as quoted
 * at https://community.openai.com/t/what-does-it-mean-to-limit-tokens-for-fine-tuning/563147
 * and https://community.openai.com/t/question-about-limited-time-gpt4o-free-fine-tune/884424).
 * Unknown models get the 65,536 default, reported as such.
 */
export function exampleTokenLimit(baseModel: string | undefined): { limit: number; known: boolean } {
  if (baseModel && /^gpt-3\.5-turbo/.test(baseModel)) return { limit: 16_385, known: true };
  if (baseModel && /^(gpt-4o|gpt-4\.1)/.test(baseModel)) return { limit: 65_536, known: true };
  return { limit: 65_536, known: false };
}

/**
 * Approximate OpenAI training prices in dollars per million training tokens
 * (tokens in the file × epochs), from OpenAI's pricing page in 2025. They
 * change: treat them as an order of magnitude and check before training.
 */
export const TRAINING_PRICE_PER_MTOK: Readonly<Record<string, number>> = Object.freeze({
  "gpt-4o-2024-08-06": 25,
  "gpt-4o-mini-2024-07-18": 3,
  "gpt-4.1-2025-04-14": 25,
  "gpt-4.1-mini-2025-04-14": 5,
  "gpt-4.1-nano-2025-04-14": 1.5,
  "gpt-3.5-turbo-0125": 8,
});
