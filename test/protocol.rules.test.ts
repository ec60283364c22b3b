/**
 * When the multi-turn protocol asks again, and what the next request holds
 * (lib/scenario/protocol.ts; the rule table is in docs/replies.md, "When the
 * reference loop asks again").
 */
import { describe, expect, it } from "vitest";
import { askAgain, DEFAULT_MAX_TURNS, loadScenario, needsAnotherTurn, nextTurnRequest, setsProtocol, SHOW_QUERY } from "../lib/scenario/index";

const PAD = "<SCRATCHPAD_REASONING>weighing</SCRATCHPAD_REASONING>";

describe("the two rules: the answer rule (default) and the reference loop's", () => {
  const cases: [string, string, boolean, boolean][] = [
    ["a closed scratchpad alone", PAD + "\n", true, true],
    ["a closed scratchpad, then untagged text", PAD + "\nI can't help with that.", false, true],
    ["a closed scratchpad, then an untagged verdict tag", PAD + " <rejected/>", false, true],
    ["a closed scratchpad, then a closed OUTPUT", PAD + "<OUTPUT><rejected/></OUTPUT>", false, false],
    // The reference loop would ask again (no closing OUTPUT tag); here an opened OUTPUT is the answer under both rules.
    ["a closed scratchpad, then an OUTPUT cut off (a stop sequence at </OUTPUT>)", PAD + "<OUTPUT><rejected/>", false, false],
    ["a scratchpad cut off", "<SCRATCHPAD_REASONING>still going", false, false],
    ["no tags at all", "I can't help with that.", false, false],
    ["an orphan </think>, then nothing", "thinking it over</think>", true, true],
    ["a closing tag of another reasoning name", "<SCRATCHPAD_REASONING>a</HIDDEN_SCRATCHPAD>", true, true],
  ];
  for (const [what, turn, answer, reference] of cases) {
    it(what, () => {
      expect(needsAnotherTurn(turn)).toBe(answer);
      expect(needsAnotherTurn(turn, { rule: "reference" })).toBe(reference);
    });
  }
  it("the prefill is read in front of the turn under both rules", () => {
    expect(needsAnotherTurn("SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>", { prefill: "<" })).toBe(true);
    expect(needsAnotherTurn("SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING> done", { prefill: "<", rule: "reference" })).toBe(true);
  });
});

describe("askAgain and the next request", () => {
  it("stops at max_turns (default 4)", () => {
    expect(DEFAULT_MAX_TURNS).toBe(4);
    expect(askAgain(PAD, 3, {}, "")).toBe(true);
    expect(askAgain(PAD, 4, {}, "")).toBe(false);
    expect(askAgain(PAD, 1, { max_turns: 1 }, "")).toBe(false);
    expect(askAgain(PAD + " text", 1, { reference_loop: true }, "")).toBe(true);
    expect(askAgain(PAD + " text", 1, {}, "")).toBe(false);
  });
  it("appends each turn (prefill + text) and a <NEXT/> user turn, then the prefill again", () => {
    const first = loadScenario({ prefill: "<" }).render(SHOW_QUERY, "free").request;
    const next = nextTurnRequest(first, ["SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>"], "<");
    expect(next.messages!.slice(0, 2)).toEqual(first.messages!.slice(0, 2));
    expect(next.messages!.slice(2)).toEqual([
      { role: "assistant", content: "<SCRATCHPAD_REASONING>a</SCRATCHPAD_REASONING>" },
      { role: "user", content: "<NEXT/>" },
      { role: "assistant", content: "<" },
    ]);
    expect(next.params).toEqual(first.params);
    const plain = loadScenario({}).render(SHOW_QUERY, "paid").request;
    expect(nextTurnRequest(plain, [PAD], "").messages!.slice(2).map((m) => m.role)).toEqual(["assistant", "user"]);
    expect(() => nextTurnRequest(plain, [PAD], "<")).toThrow(/does not end with its prefill/);
  });
  it("setsProtocol: what enters a run's resume check", () => {
    expect(setsProtocol({})).toBe(false);
    expect(setsProtocol({ max_turns: 4 })).toBe(false);
    expect(setsProtocol({ max_turns: 1 })).toBe(true);
    expect(setsProtocol({ stop: ["x"] })).toBe(true);
    expect(setsProtocol({ tier_values: ["True", "False"] })).toBe(true);
    expect(setsProtocol({ reference_loop: true })).toBe(true);
  });
});
