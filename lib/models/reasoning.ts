/**
 * Hidden reasoning, wherever a provider returns it: `message.reasoning`
 * (vLLM since late 2025, OpenRouter), `message.reasoning_content` (DeepSeek,
 * older vLLM, llama.cpp), OpenRouter's `reasoning_details`, Anthropic
 * thinking blocks (read in parse.ts), or inline `<think>…</think>` in the
 * visible text, including DeepSeek-R1's output that has only the closing
 * tag because the chat template opened it. Inspect looks in the same order
 * (inspect_ai _openai.py); the source is always recorded.
 *
 * This is a second, hidden chain of thought. The alignment-faking
 * scratchpad is part of the visible reply and is never touched here.
 */
import type { Reasoning } from "../schema/index";

/** Text of OpenRouter reasoning_details entries: reasoning.text (text) and reasoning.summary (summary); encrypted ones are skipped. */
function detailsText(details: unknown): string | null {
  if (!Array.isArray(details)) return null;
  const parts: string[] = [];
  for (const d of details) {
    if (!d || typeof d !== "object") continue;
    const o = d as Record<string, unknown>;
    if (typeof o.text === "string" && o.text !== "") parts.push(o.text);
    else if (typeof o.summary === "string" && o.summary !== "") parts.push(o.summary);
  }
  return parts.length ? parts.join("\n") : null;
}

/**
 * Reasoning carried in a chat message's own fields, or null.
 * @example messageReasoning({ content: "x", reasoning_content: "because" }) // { text: "because", source: "reasoning_content" }
 */
export function messageReasoning(message: Record<string, unknown>): Reasoning | null {
  if (typeof message.reasoning === "string" && message.reasoning !== "") return { text: message.reasoning, source: "reasoning" };
  if (typeof message.reasoning_content === "string" && message.reasoning_content !== "") return { text: message.reasoning_content, source: "reasoning_content" };
  const d = detailsText(message.reasoning_details);
  if (d !== null) return { text: d, source: "reasoning_details" };
  return null;
}

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Split inline reasoning off the visible text. A reply that opens with
 * `<think>` (after whitespace) has its think block removed; with
 * `closingOnly`, a reply that has a `</think>` and no `<think>` before it
 * (DeepSeek-R1's template opens the tag in the prompt) has everything
 * before the closing tag taken as reasoning. Otherwise the text is left
 * alone. An unclosed `<think>` is all reasoning and no reply.
 * @example splitThink("<think>hmm</think>\nAnswer") // { text: "Answer", reasoning: { text: "hmm", source: "think_tag" } }
 * @example splitThink("hmm</think>Answer", true) // { text: "Answer", reasoning: { text: "hmm", source: "think_tag" } }
 */
export function splitThink(text: string, closingOnly = false): { text: string; reasoning: Reasoning | null } {
  const lead = text.length - text.trimStart().length;
  if (text.startsWith(OPEN, lead)) {
    const end = text.indexOf(CLOSE, lead + OPEN.length);
    if (end < 0) return { text: "", reasoning: { text: text.slice(lead + OPEN.length).trim(), source: "think_tag" } };
    return {
      text: text.slice(end + CLOSE.length).replace(/^\s+/, ""),
      reasoning: { text: text.slice(lead + OPEN.length, end).trim(), source: "think_tag" },
    };
  }
  if (closingOnly) {
    const end = text.indexOf(CLOSE);
    if (end >= 0 && text.lastIndexOf(OPEN, end) < 0) {
      return { text: text.slice(end + CLOSE.length).replace(/^\s+/, ""), reasoning: { text: text.slice(0, end).trim(), source: "think_tag" } };
    }
  }
  return { text, reasoning: null };
}
