/**
 * The sampling protocol around a rendered request: the named prefills, the
 * multi-turn scratchpad protocol (how many turns, when to ask again, what
 * the next request holds). lib/pipeline/sample.ts runs it; this file says
 * what it is, so the notebooks and tests can build the same requests.
 *
 * The reference sampling loop (the alignment-faking notebook's
 * `repeat_sample`) sends the prefill on every turn, keeps the prefill as the
 * start of each assistant message it appends, and appends a `<NEXT/>` user
 * turn after a turn that closed its scratchpad without a closing OUTPUT tag,
 * up to four turns. The workbench does the same, except where
 * docs/replies.md says otherwise (untagged text after a scratchpad is the
 * answer unless `reference_loop` is set).
 */
import type { Message, Request, ScenarioProtocol } from "../schema/index";
import { AfwError } from "../util/errors";
import { needsAnotherTurn } from "./reply";
import { NEXT_TAG } from "./tags";

/** Turns of the multi-turn protocol when none is set: the reference loop's four. */
export const DEFAULT_MAX_TURNS = 4;

/**
 * The reference prefills: `<` with the hidden scratchpad (the model goes on
 * with `SCRATCHPAD_REASONING>` or `OUTPUT>`), `<OUTPUT>` without it.
 */
export const REFERENCE_PREFILLS = { cot: "<", noCot: "<OUTPUT>" } as const;

/** Names accepted where a prefill text is expected (`--prefill NAME`). */
export const PREFILL_NAMES = ["reference"] as const;

/**
 * The text of a named prefill, or null when `name` is not a name.
 * @example namedPrefill("reference", true) // "<"
 * @example namedPrefill("reference", false) // "<OUTPUT>"
 */
export function namedPrefill(name: string, cot: boolean): string | null {
  if (name === "reference") return cot ? REFERENCE_PREFILLS.cot : REFERENCE_PREFILLS.noCot;
  return null;
}

/** The most turns a spec allows (DEFAULT_MAX_TURNS when unset). */
export function maxTurnsOf(p: Pick<ScenarioProtocol, "max_turns">): number {
  return p.max_turns ?? DEFAULT_MAX_TURNS;
}

/**
 * Whether to ask for another turn after `turn` (its text without the
 * prefill): under the spec's rule, and only while turns are left.
 * @example askAgain("<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>", 1, {}, "") // true (turn 1 of 4)
 */
export function askAgain(turn: string, turnsSoFar: number, p: Pick<ScenarioProtocol, "max_turns" | "reference_loop">, prefill: string): boolean {
  if (turnsSoFar >= maxTurnsOf(p)) return false;
  return needsAnotherTurn(turn, { prefill, rule: p.reference_loop ? "reference" : "answer" });
}

/**
 * The request for the next turn: the first request's messages (without its
 * trailing prefill), each earlier turn as an assistant message (prefill +
 * text, as the reference loop keeps it) followed by a `<NEXT/>` user turn,
 * and the prefill again as the trailing assistant message. Parameters are
 * the first request's.
 * @example nextTurnRequest(first, ["SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>"], "<").messages!.slice(-3).map((m) => m.role) // ["assistant", "user", "assistant"]
 */
export function nextTurnRequest(first: Request, turns: readonly string[], prefill: string): Request {
  if (first.api !== "chat" || !first.messages) throw new AfwError("the multi-turn protocol needs a chat request");
  const base = [...first.messages];
  if (prefill !== "") {
    const last = base[base.length - 1];
    if (!last || last.role !== "assistant" || last.content !== prefill) throw new AfwError("the first request does not end with its prefill");
    base.pop();
  }
  const messages: Message[] = base.map((m) => ({ role: m.role, content: m.content }));
  for (const t of turns) messages.push({ role: "assistant", content: prefill + t }, { role: "user", content: NEXT_TAG });
  if (prefill !== "") messages.push({ role: "assistant", content: prefill });
  return { api: "chat", messages, params: first.params };
}

/**
 * Whether a spec sets any protocol setting that changes what is sent or how
 * a sample is made (tier values, stop, turns, the reference loop); a run's
 * resume check then compares the scenario's texts hash, which holds them.
 */
export function setsProtocol(spec: ScenarioProtocol): boolean {
  return spec.tier_values !== undefined || spec.stop !== undefined || (spec.max_turns !== undefined && spec.max_turns !== DEFAULT_MAX_TURNS) || spec.reference_loop === true;
}
