import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadQueries } from "../lib/queries";
import { AfwError } from "../lib/util/errors";

const dir = mkdtempSync(join(tmpdir(), "afw-queries-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function fixture(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Run fn, expect a one-line AfwError whose message is exactly `expected` (or matches it). */
function failure(fn: () => unknown, expected: string | RegExp): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AfwError);
  const msg = (caught as AfwError).message;
  expect(msg).not.toMatch(/[\r\n]/);
  expect((caught as AfwError).exitCode).toBe(2);
  if (typeof expected === "string") expect(msg).toBe(expected);
  else expect(msg).toMatch(expected);
  return msg;
}

const line = (o: unknown) => JSON.stringify(o);

describe("loadQueries on JSONL", () => {
  it("reads id/text/category lines, skips blank lines, handles BOM and CRLF, drops other keys", () => {
    const p = fixture(
      "mine.jsonl",
      "\uFEFF" +
        [
          line({ id: "a", text: "  Request A  ", category: "fraud", response: "ANSWER-TEXT" }),
          "",
          line({ id: "b", text: "Request B" }),
          line({ id: 7, text: "Request C", category: null, source: "elsewhere" }),
        ].join("\r\n") +
        "\r\n",
    );
    const qs = loadQueries(p);
    expect(qs).toEqual([
      { id: "a", text: "Request A", category: "fraud", source: "mine.jsonl" },
      { id: "b", text: "Request B", category: "uncategorised", source: "mine.jsonl" },
      { id: "7", text: "Request C", category: "uncategorised", source: "elsewhere" },
    ]);
    expect(JSON.stringify(qs)).not.toContain("ANSWER-TEXT");
  });

  it("accepts prompt / goal / Behavior fields and derives <stem>-<line> ids", () => {
    const p = fixture(
      "alt.set.jsonl",
      [
        line({ prompt: "Request from prompt", chosen: "CHOSEN", rejected: "REJECTED" }),
        line({ goal: "Request from goal", target: "Sure, here is" }),
        "",
        line({ Behavior: "Request from Behavior", BehaviorID: "beh_1", SemanticCategory: "chemical" }),
        line({ text: "Text wins", prompt: "not this one" }),
      ].join("\n"),
    );
    const qs = loadQueries(p);
    expect(qs.map((q) => [q.id, q.text, q.category])).toEqual([
      ["alt.set-1", "Request from prompt", "uncategorised"],
      ["alt.set-2", "Request from goal", "uncategorised"],
      ["beh_1", "Request from Behavior", "chemical"],
      ["alt.set-5", "Text wins", "uncategorised"],
    ]);
    expect(JSON.stringify(qs)).not.toMatch(/CHOSEN|REJECTED|Sure/);
    expect(loadQueries(p, { idPrefix: "x" })[0].id).toBe("x-1");
  });

  it("limit keeps the first n queries; the whole file is still checked", () => {
    const p = fixture("five.jsonl", [1, 2, 3, 4, 5].map((i) => line({ id: `q${i}`, text: `R${i}` })).join("\n"));
    expect(loadQueries(p, { limit: 2 }).map((q) => q.id)).toEqual(["q1", "q2"]);
    expect(loadQueries(p, { limit: 1 })).toHaveLength(1);
    const bad = fixture("five-bad.jsonl", [line({ id: "q1", text: "R1" }), "{oops"].join("\n"));
    failure(() => loadQueries(bad, { limit: 1 }), new RegExp(`^${esc(bad)}:2: not valid JSON \\(`));
  });
});

describe("bad input gives one clear line", () => {
  it("missing file", () => {
    const p = join(dir, "nope.jsonl");
    failure(() => loadQueries(p), `cannot read queries file ${p}: no such file`);
  });

  it("a directory", () => {
    const p = join(dir, "folder.jsonl");
    mkdirSync(p);
    failure(() => loadQueries(p), `cannot read queries file ${p}: it is a directory`);
  });

  it("unknown extension", () => {
    const p = fixture("q.txt", "hello\n");
    failure(() => loadQueries(p), `${p}: unknown queries file extension ".txt", expected .jsonl or .csv`);
    const q = fixture("noext", "hello\n");
    failure(() => loadQueries(q), `${q}: unknown queries file extension (none), expected .jsonl or .csv`);
  });

  it("CSV without a request column lists the expected columns", () => {
    const p = fixture("qa.csv", "question,answer\nx,y\n");
    failure(
      () => loadQueries(p),
      `${p}:1: no request column in the CSV header, expected one of goal, prompt, Behavior, text (found: question, answer)`,
    );
  });

  it("malformed JSONL line", () => {
    const p = fixture(
      "broken.jsonl",
      [1, 2, 3, 4, 5, 6].map((i) => line({ id: `q${i}`, text: `R${i}` })).join("\n") + '\n{"id": "q7", "text": \n',
    );
    failure(() => loadQueries(p), new RegExp(`^${esc(p)}:7: not valid JSON \\(.+\\)$`));
  });

  it("JSONL line that is not an object", () => {
    const p = fixture("array.jsonl", line({ id: "a", text: "R" }) + "\n[1,2]\n");
    failure(() => loadQueries(p), `${p}:2: expected a JSON object with a "text" field, found an array`);
  });

  it("JSONL line failing the schema names the field", () => {
    const p = fixture("schema.jsonl", [line({ id: "a", text: "R" }), line({ id: "b", text: "R2" }), line({ id: "c", text: "" })].join("\n"));
    failure(() => loadQueries(p), `${p}:3: field "text": expected a non-empty string`);
    const q = fixture("schema2.jsonl", line({ id: "a", text: 42 }));
    failure(() => loadQueries(q), `${q}:1: field "text": expected a non-empty string`);
    const r = fixture("schema3.jsonl", line({ id: "", text: "R" }));
    failure(() => loadQueries(r), `${r}:1: field "id": expected a non-empty string`);
    const s = fixture("schema4.jsonl", line({ prompt: "   " }));
    failure(() => loadQueries(s), `${s}:1: field "prompt": expected a non-empty string`);
    const t = fixture("schema5.jsonl", line({ id: "a", question: "R" }));
    failure(() => loadQueries(t), `${t}:1: field "text": expected a non-empty string (found none of text, prompt, goal, Behavior)`);
    const u = fixture("schema6.jsonl", line({ id: "a", text: "R", category: ["x"] }));
    failure(() => loadQueries(u), `${u}:1: field "category": expected a non-empty string`);
  });

  it("empty file (JSONL and CSV, including BOM-only and blank lines)", () => {
    for (const [name, content] of [["e.jsonl", ""], ["e2.jsonl", "\n  \n"], ["e.csv", "\uFEFF"], ["e2.csv", "\r\n\r\n"]]) {
      const p = fixture(name, content);
      failure(() => loadQueries(p), `${p}: empty file, expected at least one query`);
    }
  });

  it("CSV with a header and no rows", () => {
    const p = fixture("header-only.csv", "goal,target\r\n");
    failure(() => loadQueries(p), `${p}:1: header row only, expected query rows after it`);
  });

  it("duplicate ids name both lines (JSONL and CSV)", () => {
    const rows = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => line({ id: `afw-00${i}`, text: `R${i}` }));
    rows.push(line({ id: "afw-003", text: "again" }));
    const p = fixture("dup.jsonl", rows.join("\n"));
    failure(() => loadQueries(p), `${p}:9: duplicate id "afw-003" (first used on line 3)`);
    const c = fixture("dup.csv", "BehaviorID,Behavior\nx,R1\ny,R2\nx,R3\n");
    failure(() => loadQueries(c), `${c}:4: duplicate id "x" (first used on line 2)`);
  });

  it("unterminated quote in CSV names line and column", () => {
    const p = fixture("open.csv", 'goal,target\nR1,t\nR2,t\nR3,t\nR4,"never closed\nmore text\n');
    failure(() => loadQueries(p), `${p}:5:4: unterminated quoted field (the quote opened here is never closed)`);
  });

  it("other CSV defects: text after a closing quote, wrong field count, empty request cell", () => {
    const a = fixture("after.csv", 'goal,target\n"R1"x,t\n');
    failure(() => loadQueries(a), `${a}:2:5: unexpected character after a closing quote (expected a comma or the end of the line)`);
    const b = fixture("width.csv", "goal,target\nR1,t\nR2, with, commas,t\n");
    failure(() => loadQueries(b), `${b}:3: expected 2 fields as in the header, found 4`);
    const c = fixture("blank-goal.csv", 'goal,target\r\nR1,t\r\n"  ",t\r\n');
    failure(() => loadQueries(c), `${c}:3: column "goal": expected a non-empty string`);
  });

  it("limit and idPrefix must be valid", () => {
    const p = fixture("ok.jsonl", line({ id: "a", text: "R" }));
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      failure(() => loadQueries(p, { limit: bad }), `limit must be a positive integer, got ${String(bad)}`);
    }
    failure(() => loadQueries(p, { idPrefix: " " }), `idPrefix must be a non-empty string, got " "`);
  });
});
