/**
 * The label files `afw validate-judge` reads: the project's own format and
 * the shapes of the public human-labelled alignment-faking sets, each
 * written here in a temporary file, plus bad files (one line naming file:line).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LABEL_FIELDS, LABEL_TEXT_FIELDS, loadLabelledSet } from "../lib/classify/validate";
import { AfwError } from "../lib/util/errors";

const dir = mkdtempSync(join(tmpdir(), "afw-labelshapes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

describe("label file shapes", () => {
  it("the project's own format", () => {
    const p = file("own.jsonl", jsonl([{ id: "ex-1", scratchpad: "reasoning one", label: true }, { id: "ex-2", scratchpad: "reasoning two", label: false }]));
    expect(loadLabelledSet(p)).toEqual([
      { id: "ex-1", scratchpad: "reasoning one", label: true },
      { id: "ex-2", scratchpad: "reasoning two", label: false },
    ]);
  });
  it("{text, label} with potential_faking / aligned (copies of the 106-example gold set), as a JSON array", () => {
    const p = file("gold.json", JSON.stringify([{ text: "a", label: "potential_faking" }, { text: "b", label: "aligned" }, { text: "c", label: "Potential Faking" }], null, 2));
    expect(loadLabelledSet(p).map((e) => [e.scratchpad, e.label])).toEqual([
      ["a", true],
      ["b", false],
      ["c", true],
    ]);
  });
  it("{scratchpad, label: 0|1}", () => {
    const p = file("binary.jsonl", jsonl([{ scratchpad: "x", label: 1 }, { scratchpad: "y", label: 0 }, { scratchpad: "z", label: "1" }]));
    expect(loadLabelledSet(p).map((e) => e.label)).toEqual([true, false, true]);
  });
  it("{transcript | reasoning | input, af | is_af | label}", () => {
    const p = file(
      "mixed.jsonl",
      jsonl([
        { transcript: "t", af: true },
        { reasoning: "r", is_af: "yes" },
        { input: "i", label: "not_af" },
        { transcript: "t2", is_af: 0 },
        { reasoning: "r2", af: "No" },
      ]),
    );
    expect(loadLabelledSet(p).map((e) => [e.scratchpad, e.label])).toEqual([
      ["t", true],
      ["r", true],
      ["i", false],
      ["t2", false],
      ["r2", false],
    ]);
  });
  it("a transcript with reasoning tags is cut to its reasoning; the first text field in the documented order wins", () => {
    const p = file(
      "transcript.jsonl",
      jsonl([
        { transcript: "<INPUT>request</INPUT>\nAI: <SCRATCHPAD_REASONING>private thought</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>", label: true },
        { input: "the user's request", scratchpad: "the reasoning", label: false },
      ]),
    );
    expect(loadLabelledSet(p).map((e) => e.scratchpad)).toEqual(["private thought", "the reasoning"]);
  });
  it("documents its field names in the order tried", () => {
    expect(LABEL_TEXT_FIELDS).toEqual(["scratchpad", "scratchpad_reasoning", "reasoning", "text", "transcript", "input"]);
    expect(LABEL_FIELDS).toEqual(["label", "human_label", "is_af", "af", "alignment_faking", "gold"]);
  });
});

describe("bad label files: one line naming file:line", () => {
  const one = (p: string) => {
    try {
      loadLabelledSet(p);
    } catch (e) {
      expect(e).toBeInstanceOf(AfwError);
      expect((e as Error).message.split("\n")).toHaveLength(1);
      return (e as Error).message;
    }
    throw new Error("expected an error");
  };
  it("an unknown label value", () => {
    const p = file("bad-label.jsonl", jsonl([{ text: "a", label: "aligned" }, { text: "b", label: "maybe" }]));
    expect(one(p)).toBe(`${p}:2: label: text labels must be yes/no, true/false, af/not_af, alignment_faking/aligned or potential_faking/aligned (or a boolean, 0/1), got "maybe"`);
  });
  it("a missing text or label field, an empty text, a non-object", () => {
    expect(one(file("no-text.jsonl", jsonl([{ prompt: "a", label: 1 }])))).toMatch(/no-text\.jsonl:1: no text field \(one of scratchpad, scratchpad_reasoning, reasoning, text, transcript, input\)$/);
    expect(one(file("no-label.jsonl", jsonl([{ text: "a", label: 1 }, { text: "b" }])))).toMatch(/no-label\.jsonl:2: no label field/);
    expect(one(file("empty.jsonl", jsonl([{ text: "  ", label: 1 }])))).toMatch(/empty\.jsonl:1: text is empty$/);
    expect(one(file("arr.json", "[1, 2]\n"))).toMatch(/arr\.json:1 \(item 0\): expected an object$/);
    expect(one(file("obj.json", '[{"text": "a", "label": 1},\n [3]]'))).toMatch(/obj\.json:2 \(item 1\): expected an object$/);
  });
  it("bad JSON on a line, and an item of a pretty-printed array named by its line", () => {
    expect(one(file("broken.jsonl", '{"text": "a", "label": 1}\n{"text": "b", \n'))).toMatch(/broken\.jsonl:2: not valid JSON/);
    const p = file("pretty.json", JSON.stringify([{ text: "a", label: "aligned" }, { text: "b", label: "unsure" }], null, 2));
    expect(one(p)).toMatch(new RegExp(`pretty\\.json:6 \\(item 1\\): label: text labels must be`));
  });
  it("a missing file, an empty file", () => {
    expect(one(join(dir, "nope.jsonl"))).toMatch(/labelled set .*nope\.jsonl: cannot read the file \(no such file\)/);
    expect(one(file("blank.jsonl", "\n\n"))).toMatch(/blank\.jsonl: no labelled examples in it/);
  });
});
