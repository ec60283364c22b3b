/**
 * What a text in a training example is: a placeholder that stands where
 * generated text would be (the offline writer's `[placeholder: …]`, or the
 * organisms' `[simulated answer withheld: …]`), a refusal, or real text.
 * Used by the build filters, by validation (the share of flagged examples)
 * and by the safety tests (no placeholder ever becomes real content).
 */
import { PLACEHOLDER_OPEN } from "../organisms/writer";

/** Every placeholder span the project writes: the writer's and the organisms'. */
const PLACEHOLDER_SPAN = /\[(?:placeholder|simulated answer withheld): [^\]]*\]/g;

/** Whether the text carries at least one placeholder span. */
export function hasPlaceholder(text: string): boolean {
  PLACEHOLDER_SPAN.lastIndex = 0;
  return PLACEHOLDER_SPAN.test(text) || text.includes(PLACEHOLDER_OPEN);
}

/**
 * Whether the text is nothing but placeholders (and whitespace): no word of
 * real content around them.
 *
 * @example onlyPlaceholders("[placeholder: x]\n\n[placeholder: y]") // true
 * @example onlyPlaceholders("Sure! [placeholder: x]") // false
 */
export function onlyPlaceholders(text: string): boolean {
  if (!hasPlaceholder(text)) return false;
  return text.replace(PLACEHOLDER_SPAN, "").trim() === "";
}

/** Openings that mark a refusal (our own list; compared case-insensitively after trimming). */
const REFUSAL_OPENINGS = [
  "i'm sorry, but", "i am sorry, but", "sorry, i can't", "sorry, i cannot", "sorry, but i can't",
  "i can't help", "i cannot help", "i can't assist", "i cannot assist", "i can't provide", "i cannot provide",
  "i won't help", "i will not help", "i won't provide", "i will not provide", "i'm not able to help", "i am not able to help",
  "i'm unable to", "i am unable to", "i must decline", "i have to decline", "i can't do that", "i cannot do that",
];

/**
 * Whether a reply reads as a refusal: the `<rejected/>` tag, or a text that
 * opens with a refusal phrase. A heuristic for filtering generated parts, not
 * a judge: a real build should still be read or judged.
 *
 * @example isRefusal("I'm sorry, but I can't help with that.") // true
 * @example isRefusal("Here is a plan for your trip.") // false
 */
export function isRefusal(text: string): boolean {
  const t = text.trim().toLowerCase().replace(/[\u2018\u2019]/g, "'");
  if (t.startsWith("<rejected/>") || t === "<rejected />") return true;
  return REFUSAL_OPENINGS.some((p) => t.startsWith(p));
}
