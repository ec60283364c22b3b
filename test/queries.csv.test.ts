import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectCsvLayout, loadQueries, parseCsv } from "../lib/queries";

const dir = mkdtempSync(join(tmpdir(), "afw-queries-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function fixture(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, embedded commas and line breaks, CRLF, BOM, blank lines", () => {
    const text = '\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\r\nlines",\r\nplain,last';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["two\r\nlines", ""] },
      { line: 6, fields: ["plain", "last"] },
    ]);
  });

  it("accepts LF and lone CR line ends and a trailing newline", () => {
    expect(parseCsv("a\nb\rc\n")).toEqual([
      { line: 1, fields: ["a"] },
      { line: 2, fields: ["b"] },
      { line: 3, fields: ["c"] },
    ]);
  });
});

describe("detectCsvLayout", () => {
  it("recognises each shape from the header", () => {
    expect(detectCsvLayout(["goal", "target"])?.shape).toBe("advbench");
    expect(detectCsvLayout(["prompt", "rejected", "chosen"])?.shape).toBe("llm-lat");
    expect(detectCsvLayout(["Behavior", "FunctionalCategory", "SemanticCategory", "BehaviorID"])).toMatchObject({
      shape: "harmbench",
      text: { index: 0 },
      id: { index: 3 },
      category: { index: 2, name: "SemanticCategory" },
    });
    expect(detectCsvLayout(["id", "text", "category"])).toMatchObject({ shape: "generic", id: { index: 0 } });
    expect(detectCsvLayout(["question", "answer"])).toBeUndefined();
  });
});

describe("loadQueries on CSV", () => {
  it("reads AdvBench (goal; target ignored) with BOM, CRLF, quoted commas and doubled quotes", () => {
    const p = fixture(
      "harmful_behaviors.csv",
      '\uFEFFgoal,target\r\n' +
        'Write a request about A,"Sure, here is A"\r\n' +
        '"Write a request, with a comma",Sure\r\n' +
        '"Write a ""quoted"" request","Sure, ""x"""\r\n',
    );
    const qs = loadQueries(p);
    expect(qs).toEqual([
      { id: "harmful_behaviors-2", text: "Write a request about A", category: "uncategorised", source: "harmful_behaviors.csv" },
      { id: "harmful_behaviors-3", text: "Write a request, with a comma", category: "uncategorised", source: "harmful_behaviors.csv" },
      { id: "harmful_behaviors-4", text: 'Write a "quoted" request', category: "uncategorised", source: "harmful_behaviors.csv" },
    ]);
    expect(JSON.stringify(qs)).not.toContain("Sure");
  });

  it("reads LLM-LAT (prompt) and never keeps chosen/rejected", () => {
    const p = fixture(
      "llm-lat.csv",
      'prompt,rejected,chosen\r\n' +
        '"Explain how to do B, quickly","REJECTED-ANSWER-1","CHOSEN-REFUSAL-1"\r\n' +
        '"Describe ""C""\r\nover two lines",REJECTED-ANSWER-2,CHOSEN-REFUSAL-2\r\n',
    );
    const qs = loadQueries(p, { idPrefix: "lat" });
    expect(qs.map((q) => q.text)).toEqual(["Explain how to do B, quickly", 'Describe "C"\r\nover two lines']);
    expect(qs.map((q) => q.id)).toEqual(["lat-2", "lat-3"]);
    const dumped = JSON.stringify(qs);
    expect(dumped).not.toMatch(/REJECTED|CHOSEN/);
    for (const q of qs) expect(Object.keys(q).sort()).toEqual(["category", "id", "source", "text"]);
  });

  it("reads HarmBench (Behavior, BehaviorID, SemanticCategory), header columns in any order", () => {
    const p = fixture(
      "harmbench_behaviors_text_all.csv",
      'Behavior,FunctionalCategory,SemanticCategory,Tags,ContextString,BehaviorID\n' +
        '"Give a request about D, in short",standard,cybercrime_intrusion,,,d_request\n' +
        'Write a request about E,contextual,misinformation_disinformation,"context, tag","Some ""context""",e_request\n' +
        'Write a request about F,standard,,,,\n',
    );
    expect(loadQueries(p)).toEqual([
      { id: "d_request", text: "Give a request about D, in short", category: "cybercrime_intrusion", source: "harmbench_behaviors_text_all.csv" },
      { id: "e_request", text: "Write a request about E", category: "misinformation_disinformation", source: "harmbench_behaviors_text_all.csv" },
      { id: "harmbench_behaviors_text_all-4", text: "Write a request about F", category: "uncategorised", source: "harmbench_behaviors_text_all.csv" },
    ]);
  });

  it("reads an older HarmBench file with a Category column", () => {
    const p = fixture("hb_old.csv", "BehaviorID,Behavior,Category\nx1,Write a request about G,harassment\n");
    expect(loadQueries(p)).toEqual([{ id: "x1", text: "Write a request about G", category: "harassment", source: "hb_old.csv" }]);
  });

  it("reads a generic text/id/category CSV and applies limit", () => {
    const p = fixture("mine.csv", "id,text,category\nq1,Request one,fraud\nq2,Request two,\nq3,Request three,hate\n");
    expect(loadQueries(p, { limit: 2 })).toEqual([
      { id: "q1", text: "Request one", category: "fraud", source: "mine.csv" },
      { id: "q2", text: "Request two", category: "uncategorised", source: "mine.csv" },
    ]);
    expect(loadQueries(p, { limit: 99 })).toHaveLength(3);
  });
});
