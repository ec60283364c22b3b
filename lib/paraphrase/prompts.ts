import type { Params, Request } from "../schema/index";
import { sha256 } from "../util/hash";
import { fillTemplate } from "../scenario/index";
import { markersOf } from "./markers";

/**
 * The request a paraphrase set sends to the generating model for one unit
 * and one draw. The texts are recorded in the set's manifest (with their
 * hash), so a set says exactly what it asked for.
 */

/** Version of the paraphrase prompts; part of the manifest and of the set's identity. */
export const PROMPT_VERSION = 1;

/** The instructions (system message). */
export const PARAPHRASE_SYSTEM = `You reword passages of instructions written for an AI system. Your rewording must say exactly what the passage says, in different words.

Rules:
- Keep every fact, rule, condition, name and number. Do not add anything, drop anything, soften anything or make anything stronger.
- Who is told what, who does what, and what happens when must stay exactly as in the passage.
- Change the wording and the sentence structure as much as you like while keeping the meaning.
- Copy every marker listed in the request exactly, character for character: text in angle brackets (for example <OUTPUT> or <rejected/>), text in double braces (for example {{user_input}}), and the label before the colon of a list item (for example "- Free:"). Each marker must appear at least once.
- Keep list items as list items, in the same order, and keep the same kind of layout (paragraphs, bullet points, blank lines).

Write the reworded passage between <paraphrase> and </paraphrase> and write nothing else.`;

/** The user message; {{markers}} lists what must survive, {{passage}} is the unit's text. */
export const PARAPHRASE_USER = `Reword the passage below.

Markers to copy exactly: {{markers}}

<passage>
{{passage}}
</passage>`;

/** Hash of the prompt texts and version: two sets made with the same prompts share it. */
export function promptsHash(): string {
  return sha256(JSON.stringify({ v: PROMPT_VERSION, system: PARAPHRASE_SYSTEM, user: PARAPHRASE_USER }));
}

/** Default sampling for paraphrases: temperature 1 so draws differ; enough tokens for the longest section. */
export const PARAPHRASE_PARAMS: Params = { temperature: 1, max_tokens: 2000 };

/**
 * The chat request for one unit and one draw. The draw goes in the request
 * seed (seed + draw), and the caller passes it as the sample index, so each
 * draw is its own cache entry.
 */
export function paraphraseRequest(text: string, draw: number, o: { seed: number; params?: Partial<Params> }): Request {
  const markers = markersOf(text);
  const list = markers.length ? markers.join("  ") : "(none)";
  const user = fillTemplate(PARAPHRASE_USER, { markers: list, passage: text }, "paraphrase prompt");
  return {
    api: "chat",
    messages: [
      { role: "system", content: PARAPHRASE_SYSTEM },
      { role: "user", content: user },
    ],
    params: { ...PARAPHRASE_PARAMS, ...o.params, seed: o.seed + draw },
  };
}

/**
 * The reworded text from a reply: the inside of the last <paraphrase> block,
 * without the newline the format puts after the opening and before the
 * closing tag. null when there is no complete block.
 *
 * @example extractParaphrase("<paraphrase>\nNew words.\n</paraphrase>") // "New words."
 */
export function extractParaphrase(reply: string): string | null {
  const close = reply.lastIndexOf("</paraphrase>");
  if (close < 0) return null;
  const open = reply.lastIndexOf("<paraphrase>", close);
  if (open < 0) return null;
  let inner = reply.slice(open + "<paraphrase>".length, close);
  if (inner.startsWith("\r\n")) inner = inner.slice(2);
  else if (inner.startsWith("\n")) inner = inner.slice(1);
  if (inner.endsWith("\r\n")) inner = inner.slice(0, -2);
  else if (inner.endsWith("\n")) inner = inner.slice(0, -1);
  return inner;
}
