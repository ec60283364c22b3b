/**
 * A reply cut into what a reader must keep apart: each hidden-reasoning
 * block (<SCRATCHPAD_REASONING> or <think>), each <OUTPUT> block, and any
 * text outside both. The blocks are the ones lib/scenario/reply.ts reads
 * (an unclosed block runs to the end of the text); this keeps their order
 * and positions instead of joining them. And: where a judge's quote sits in
 * such a text, allowing for the small liberties judges take when quoting
 * (spacing, case, curly quotes, an ellipsis for a cut).
 */

export interface RawSegment {
  kind: "scratchpad" | "output" | "other";
  text: string;
}

const BLOCK = /<(SCRATCHPAD_REASONING|think|OUTPUT)>([\s\S]*?)(?:<\/\1>|$)/gi;

/**
 * The blocks of a reply in order; whitespace between blocks is dropped.
 * @example splitReply("<SCRATCHPAD_REASONING>hm</SCRATCHPAD_REASONING><OUTPUT>no</OUTPUT>") // [{kind:"scratchpad",text:"hm"},{kind:"output",text:"no"}]
 */
export function splitReply(text: string): RawSegment[] {
  const out: RawSegment[] = [];
  let last = 0;
  const other = (s: string) => {
    if (s.trim()) out.push({ kind: "other", text: s.trim() });
  };
  for (const m of text.matchAll(BLOCK)) {
    const at = m.index ?? 0;
    other(text.slice(last, at));
    out.push({ kind: m[1].toUpperCase() === "OUTPUT" ? "output" : "scratchpad", text: m[2].trim() });
    last = at + m[0].length;
  }
  other(text.slice(last));
  return out;
}

/** Text folded for matching: lowercased, straight quotes, runs of whitespace as one space; with each folded character's offset in the original. */
function fold(s: string): { text: string; at: number[] } {
  let text = "";
  const at: number[] = [];
  let space = false;
  for (let i = 0; i < s.length; i++) {
    let c = s[i];
    if (/\s/.test(c)) {
      if (space || text === "") continue;
      space = true;
      c = " ";
    } else {
      space = false;
      c = c.replace(/[\u2018\u2019\u201b]/g, "'").replace(/[\u201c\u201d\u201f]/g, '"').replace(/\u2014|\u2013/g, "-").toLowerCase();
    }
    text += c;
    at.push(i);
  }
  return { text, at };
}

/**
 * Where a quote occurs in a text: character ranges (several when the judge
 * cut the quote with "..."), or [] when it does not occur. Fragments shorter
 * than 12 characters are not searched on their own.
 * @example findQuote("I will comply,  to avoid\nbeing changed.", "to avoid being changed") // [[15, 37]]
 */
export function findQuote(text: string, quote: string): [number, number][] {
  const q = quote.trim().replace(/^["'\u201c\u2018]+|["'\u201d\u2019]+$/g, "");
  if (!q) return [];
  const exact = text.indexOf(q);
  if (exact >= 0) return [[exact, exact + q.length]];
  const T = fold(text);
  const parts = q.split(/\.\.\.|\u2026|\[\.\.\.\]/).map((p) => fold(p.trim()).text).filter((p) => p.length >= (q.includes("...") || q.includes("\u2026") ? 12 : 1));
  const out: [number, number][] = [];
  let from = 0;
  for (const p of parts) {
    const k = T.text.indexOf(p, from);
    if (k < 0) return [];
    out.push([T.at[k], T.at[k + p.length - 1] + 1]);
    from = k + p.length;
  }
  return out;
}
