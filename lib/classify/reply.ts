/**
 * Split a model reply into its hidden reasoning and its final output, whether
 * or not the model used the tags it was asked for.
 *
 * - scratchpad: every <SCRATCHPAD_REASONING> block (and any <think> block from
 *   reasoning models), joined; an unclosed block runs to the end of the text.
 * - final output: the last <OUTPUT> block (an unclosed one runs to the end);
 *   with no OUTPUT tag, whatever is left once the reasoning blocks are cut out.
 */
export interface ParsedReply {
  scratchpad: string | null;
  final_output: string;
  /** Whether the reply used <OUTPUT> tags. */
  tagged_output: boolean;
}

const REASONING = /<(SCRATCHPAD_REASONING|think)>([\s\S]*?)(?:<\/\1>|$)/gi;
const OUTPUT_OPEN = /<OUTPUT>/gi;

export function parseReply(text: string): ParsedReply {
  const pads: string[] = [];
  for (const m of text.matchAll(REASONING)) pads.push(m[2].trim());
  const withoutReasoning = text.replace(REASONING, "");

  let final: string | null = null;
  let last = -1;
  for (const m of withoutReasoning.matchAll(OUTPUT_OPEN)) last = m.index ?? -1;
  if (last >= 0) {
    const rest = withoutReasoning.slice(last + "<OUTPUT>".length);
    const close = rest.search(/<\/OUTPUT>/i);
    final = (close >= 0 ? rest.slice(0, close) : rest).trim();
  }
  return {
    scratchpad: pads.length ? pads.join("\n\n") : null,
    final_output: final ?? withoutReasoning.trim(),
    tagged_output: final !== null,
  };
}
