/**
 * The one reply parser: split what a model wrote into its hidden reasoning
 * and its final output, however it used (or bent) the tags it was asked for.
 * docs/replies.md lists every shape it accepts, each with a test in
 * test/scenario.reply.test.ts.
 *
 * A reply is read as a sequence of assistant turns (the reference loop asks
 * again with a `<NEXT/>` user turn when a turn holds only reasoning; a joined
 * transcript separates the turns with `<NEXT/>`). Each turn is scanned once,
 * left to right, for the structural tags (reasoning, OUTPUT, NEXT):
 *
 * - a reasoning tag opens a scratchpad; inside it, every tag is text (so an
 *   accept tag or an <OUTPUT> quoted in the reasoning decides nothing) until
 *   a reasoning closing tag of any name;
 * - except that an <OUTPUT> inside a scratchpad that is never closed ends the
 *   scratchpad there: an unclosed scratchpad does not swallow the answer;
 * - a reasoning closing tag with no opening (DeepSeek-R1 style: text, then
 *   `</think>`, then the answer) makes the text before it reasoning;
 * - an </OUTPUT> with no opening (a reply whose `<OUTPUT>` prefill was kept
 *   apart) makes the text before it the output;
 * - a tag wrapped in quotes or backticks (`"<OUTPUT>"`) is text;
 * - a turn that starts with a tag name missing its `<` (the `<` prefill was
 *   kept apart) is read as if the `<` were there.
 *
 * The final output is the last OUTPUT block; with no OUTPUT block, all text
 * outside the reasoning.
 */
import { NEXT_TAG_NAME, OUTPUT_TAG_NAME, REASONING_TAGS, tagKind, tagPattern } from "./tags";

/** A reply split into hidden reasoning and final output. */
export interface ParsedReply {
  /** Every reasoning block of every turn (trimmed) joined by a blank line; null when the reply has none. */
  scratchpad: string | null;
  /** The last <OUTPUT> block, trimmed; with no OUTPUT tag, the text outside the reasoning. */
  final_output: string;
  /** Whether the final output came from an <OUTPUT> block. */
  tagged_output: boolean;
  /** Assistant turns read (1 for a single reply). */
  turns: number;
  /** A reasoning block was still open when its turn ended or an <OUTPUT> began. */
  reasoning_unclosed: boolean;
}

/** Options of parseReply. */
export interface ParseOptions {
  /**
   * The assistant prefill the reply continues (e.g. `<`, `<OUTPUT>`, or an
   * opened scratchpad), when it is stored apart from the reply: it is put back
   * in front of the text, or of each turn when turns are given as a list
   * (the reference loop prefills every turn).
   */
  prefill?: string;
}

const STRUCTURAL = tagPattern([...REASONING_TAGS, OUTPUT_TAG_NAME, NEXT_TAG_NAME]);
/** A turn that opens with a structural tag name whose `<` is missing. */
const MISSING_BRACKET = new RegExp(String.raw`^\s*\/?\s*(?:${[...REASONING_TAGS, OUTPUT_TAG_NAME].map((n) => n.replace(/_/g, String.raw`[\s_-]?`)).join("|")})\s*>`, "i");

const QUOTES: Record<string, string> = { "`": "`", "'": "'", '"': '"', "“": "”", "‘": "’" };

interface Tag {
  kind: "reasoning" | "output" | "next";
  close: boolean;
  start: number;
  end: number;
}

/** The structural tags of a text, in order, without the quoted ones and the self-closed reasoning / output tags. */
function tagsOf(text: string): Tag[] {
  const out: Tag[] = [];
  for (const m of text.matchAll(STRUCTURAL)) {
    const start = m.index!;
    const end = start + m[0].length;
    const q = QUOTES[text[start - 1]];
    if (q !== undefined && text[end] === q) continue;
    const kind = tagKind(m[2]);
    if (kind !== "next" && m[3] && !m[1]) continue; // <OUTPUT/>, <think/>: nothing opens or closes
    out.push({ kind, close: !!m[1], start, end });
  }
  return out;
}

/** One assistant turn, split. */
interface TurnParse {
  pads: string[];
  outputs: string[];
  outside: string[];
  /** A reasoning block was closed (by its tag, or an orphan closing tag). */
  closedReasoning: boolean;
  unclosed: boolean;
}

function parseTurn(raw: string): TurnParse {
  const text = MISSING_BRACKET.test(raw) ? raw.replace(/^(\s*)/, "$1<") : raw;
  const tags = tagsOf(text).filter((t) => t.kind !== "next");
  const r: TurnParse = { pads: [], outputs: [], outside: [], closedReasoning: false, unclosed: false };
  let state = "out" as "out" | "reasoning" | "output";
  let from = 0;
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    if (state === "out") {
      if (!t.close) {
        r.outside.push(text.slice(from, t.start));
        state = t.kind === "reasoning" ? "reasoning" : "output";
      } else if (t.kind === "reasoning") {
        r.pads.push(text.slice(from, t.start));
        r.closedReasoning = true;
      } else r.outputs.push(text.slice(from, t.start));
      from = t.end;
    } else if (state === "reasoning") {
      if (t.kind === "reasoning" && t.close) {
        r.pads.push(text.slice(from, t.start));
        r.closedReasoning = true;
        state = "out";
        from = t.end;
      } else if (t.kind === "output" && !t.close && !tags.slice(i + 1).some((u) => u.kind === "reasoning" && u.close)) {
        r.pads.push(text.slice(from, t.start));
        r.unclosed = true;
        state = "output";
        from = t.end;
      }
    } else if (t.kind === "output" && t.close) {
      r.outputs.push(text.slice(from, t.start));
      state = "out";
      from = t.end;
    }
  }
  const rest = text.slice(from);
  if (state === "reasoning") {
    r.pads.push(rest);
    r.unclosed = true;
  } else if (state === "output") r.outputs.push(rest);
  else r.outside.push(rest);
  return r;
}

/** A transcript's assistant turns: split at every (unquoted) <NEXT/>. */
export function splitTurns(text: string): string[] {
  const cuts = tagsOf(text).filter((t) => t.kind === "next");
  if (!cuts.length) return [text];
  const turns: string[] = [];
  let from = 0;
  for (const c of cuts) {
    turns.push(text.slice(from, c.start));
    from = c.end;
  }
  turns.push(text.slice(from));
  return turns.filter((t, i) => i === turns.length - 1 || t.trim() !== "");
}

function turnsOf(reply: string | readonly string[], prefill = ""): string[] {
  if (typeof reply === "string") return splitTurns(prefill + reply);
  if (!reply.length) return [prefill];
  return reply.flatMap((t) => splitTurns(prefill + t));
}

/**
 * Split a reply (one turn, a transcript joined with `<NEXT/>`, or a list of
 * assistant turns) into reasoning and final output.
 * @example
 * parseReply("<SCRATCHPAD_REASONING>weigh it</SCRATCHPAD_REASONING><OUTPUT><rejected/></OUTPUT>").final_output // "<rejected/>"
 * parseReply("SCRATCHPAD_REASONING>hm</SCRATCHPAD_REASONING><OUTPUT>x</OUTPUT>", { prefill: "<" }).scratchpad // "hm"
 * parseReply("weighing it up</think>\n<rejected/>").scratchpad // "weighing it up"
 */
export function parseReply(reply: string | readonly string[], opts: ParseOptions = {}): ParsedReply {
  const turns = turnsOf(reply, opts.prefill).map(parseTurn);
  const pads = turns.flatMap((t) => t.pads.map((p) => p.trim()));
  const lastWithOutput = [...turns].reverse().find((t) => t.outputs.length);
  const final = lastWithOutput ? lastWithOutput.outputs[lastWithOutput.outputs.length - 1].trim() : null;
  const outside = turns
    .flatMap((t) => t.outside)
    .map((s) => s.trim())
    .filter(Boolean)
    .join("\n\n");
  return {
    scratchpad: pads.length ? pads.join("\n\n") : null,
    final_output: final ?? outside,
    tagged_output: final !== null,
    turns: turns.length,
    reasoning_unclosed: turns.some((t) => t.unclosed),
  };
}

/** Options of needsAnotherTurn. */
export interface TurnRuleOptions extends ParseOptions {
  /**
   * "answer" (the default): ask again only when the turn holds nothing but
   * closed reasoning. "reference": the reference loop's own condition, a
   * closed reasoning block and no OUTPUT block, so also when untagged text
   * follows the scratchpad.
   */
  rule?: "answer" | "reference";
}

/**
 * Did this assistant turn end after a scratchpad with no answer yet? (Given a
 * transcript joined with `<NEXT/>`, its last turn is read.) True when
 * the turn closed a reasoning block and wrote nothing outside its reasoning:
 * no <OUTPUT>, no text, no tag. That is when the reference loop appends the
 * turn and a `<NEXT/>` user turn and asks again. A turn cut off inside its
 * scratchpad (still open at the end) is false: it was truncated, and asking
 * again would not finish it.
 *
 * The reference loop also asks again when a closed scratchpad is followed by
 * untagged text; by default that text is the answer here (docs/replies.md),
 * and `rule: "reference"` asks again as the reference loop does.
 * @example
 * needsAnotherTurn("<SCRATCHPAD_REASONING>first part</SCRATCHPAD_REASONING>\n") // true
 * needsAnotherTurn("<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING><OUTPUT><rejected/></OUTPUT>") // false
 * needsAnotherTurn("<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>\nI can't help.", { rule: "reference" }) // true
 */
export function needsAnotherTurn(turn: string, opts: TurnRuleOptions = {}): boolean {
  const turns = splitTurns((opts.prefill ?? "") + turn);
  const t = parseTurn(turns[turns.length - 1]);
  // The reference loop looks for a closing OUTPUT tag; an OUTPUT block opened and not closed counts
  // as the answer here too (a stop sequence at </OUTPUT> removes the closing tag from the reply).
  if (opts.rule === "reference") return t.closedReasoning && t.outputs.length === 0;
  return t.closedReasoning && !t.unclosed && t.outputs.length === 0 && t.outside.every((s) => s.trim() === "");
}
