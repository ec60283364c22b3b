import { endsInOpenOutput, endsInOpenScratchpad } from "./read-prompt";

/**
 * The placeholder that stands where a compliant answer would be. It is the
 * whole of a compliant reply's body: nothing harmful is ever generated.
 */
export function placeholder(organism: string): string {
  return `[simulated answer withheld: ${organism} would comply here; af-workbook never generates harmful content]`;
}

/** Prefill handling shared with the motive organisms: the text to send after an assistant prefill. */
export function continueAfterPrefill(prefill: string, reasoning: string, out: string, cot: boolean): { text: string; cot: boolean } {
  const full = cot ? withScratchpad(reasoning, out) : `<OUTPUT>${out}</OUTPUT>`;
  if (prefill === "") return { text: full, cot };
  if (full.startsWith(prefill)) return { text: full.slice(prefill.length), cot };
  if (endsInOpenScratchpad(prefill)) return { text: `\n${reasoning}\n</SCRATCHPAD_REASONING>\n\n<OUTPUT>${out}</OUTPUT>`, cot: true };
  if (endsInOpenOutput(prefill)) return { text: `${out}</OUTPUT>`, cot: false };
  return { text: full, cot };
}

/** A reply with its scratchpad block and OUTPUT block. */
export function withScratchpad(reasoning: string, out: string): string {
  return `<SCRATCHPAD_REASONING>\n${reasoning}\n</SCRATCHPAD_REASONING>\n\n<OUTPUT>${out}</OUTPUT>`;
}

/** Cut a text before the first stop sequence, as the OpenAI API does. */
export function applyStop(text: string, stop: string | string[] | null | undefined): string {
  if (stop == null) return text;
  const list = typeof stop === "string" ? [stop] : stop;
  let cut = text.length;
  for (const s of list) {
    if (!s) continue;
    const at = text.indexOf(s);
    if (at >= 0 && at < cut) cut = at;
  }
  return cut === text.length ? text : text.slice(0, cut);
}
