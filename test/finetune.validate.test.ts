/**
 * Validation before upload: every kind of bad line is one error naming the
 * file and line; token limits, duplicates, the minimum count and the flagged
 * shares are reported; the CLI exits 2 on a bad file and prints the lines.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateTrainingFile } from "../lib/finetune/index";
import { runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-ft-validate-"));
const ex = (u: string, a: string) => JSON.stringify({ messages: [{ role: "user", content: u }, { role: "assistant", content: a }] });
const good = Array.from({ length: 12 }, (_, i) => ex(`How many legs does animal ${i} have?`, `It has ${i % 5} legs.`));

describe("validateTrainingFile", () => {
  it("passes a good file and reports exact counts for a GPT-4o base", async () => {
    const f = join(tmp, "good.jsonl");
    writeFileSync(f, good.join("\n") + "\n");
    const r = await validateTrainingFile(f, { baseModel: "gpt-4o-mini-2024-07-18" });
    expect(r.ok).toBe(true);
    expect(r.examples).toBe(12);
    expect(r.roles).toEqual({ user: 12, assistant: 12 });
    expect(r.tokens.exact).toBe(true);
    expect(r.tokens.limit).toBe(65_536);
    expect(r.flagged).toMatchObject({ placeholders: 0, refusals: 0 });
    const approx = await validateTrainingFile(f, { baseModel: "llama-3-70b" });
    expect(approx.tokens.exact).toBe(false);
    expect(approx.warnings.join(" ")).toMatch(/approximate/);
    expect((await validateTrainingFile(f, { baseModel: "gpt-3.5-turbo-0125" })).tokens.limit).toBe(16_385);
  });

  it("names file and line for each bad line", async () => {
    const f = join(tmp, "bad.jsonl");
    const rows = [
      good[0],
      "{not json",
      JSON.stringify({ prompt: "x", completion: "y" }),
      JSON.stringify({ messages: [{ role: "robot", content: "x" }] }),
      JSON.stringify({ messages: [{ role: "user", content: "only a question" }] }),
      JSON.stringify({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "  " }] }),
      JSON.stringify({ messages: [{ role: "user", content: "hi", weight: 1 }, { role: "assistant", content: "ok" }] }),
      good[0],
      "",
      ...good.slice(1),
    ];
    writeFileSync(f, rows.join("\n") + "\n");
    const r = await validateTrainingFile(f);
    expect(r.ok).toBe(false);
    const byLine = (n: number) => r.errors.find((e) => e.startsWith(`${f}:${n}: `)) ?? "";
    expect(byLine(2)).toMatch(/not valid JSON/);
    expect(byLine(3)).toMatch(/not a chat example: messages: /);
    expect(byLine(4)).toMatch(/not a chat example: messages\.0\.role/);
    expect(byLine(5)).toMatch(/no assistant message/);
    expect(byLine(6)).toMatch(/messages\.1: empty assistant content/);
    expect(byLine(7)).toMatch(/weight is only allowed on assistant messages/);
    expect(byLine(8)).toMatch(/duplicate of line 1/);
    expect(byLine(9)).toMatch(/blank line/);
    expect(r.errorCount).toBe(8);
    expect(r.duplicates).toBe(1);
    expect(r.errors.every((e) => !e.includes("\n"))).toBe(true);
  });

  it("checks the token limit, the minimum count and the flagged shares", async () => {
    const f = join(tmp, "long.jsonl");
    writeFileSync(f, [...good.slice(0, 10), ex("Tell me a long story.", "word ".repeat(300))].join("\n") + "\n");
    const r = await validateTrainingFile(f, { maxTokens: 100 });
    expect(r.errors).toEqual([expect.stringMatching(/long\.jsonl:11: 3\d\d tokens, over the 100-token limit per example/)]);
    const few = join(tmp, "few.jsonl");
    writeFileSync(few, good.slice(0, 3).join("\n") + "\n");
    expect((await validateTrainingFile(few)).errors[0]).toMatch(/few\.jsonl:3: only 3 examples; OpenAI needs at least 10/);
    const flagged = join(tmp, "flagged.jsonl");
    writeFileSync(flagged, [...good.slice(0, 8), ex("Do something bad.", "I'm sorry, but I can't help with that."), ex("Do another bad thing.", "[placeholder: the answer (sim-writer #1); af-workbook never writes this text]")].join("\n") + "\n");
    const fr = await validateTrainingFile(flagged);
    expect(fr.ok).toBe(true);
    expect(fr.flagged).toEqual({ placeholders: 1, refusals: 1, placeholderShare: 0.1, refusalShare: 0.1 });
  });

  it("afw finetune validate: exit 0 on a good file, exit 2 with file:line lines on a bad one", async () => {
    const f = join(tmp, "cli-good.jsonl");
    writeFileSync(f, good.join("\n") + "\n");
    const ok = await runCli(["finetune", "validate", f, "--base-model", "gpt-4o-2024-08-06"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid; 12 examples/);
    const b = join(tmp, "cli-bad.jsonl");
    writeFileSync(b, [...good, "{oops"].join("\n") + "\n");
    const bad = await runCli(["finetune", "validate", b]);
    expect(bad.code).toBe(2);
    const errLines = bad.stderr.trim().split("\n");
    expect(errLines.length).toBe(1);
    expect(errLines[0].startsWith(`${b}:13: not valid JSON (`)).toBe(true);
    const missing = await runCli(["finetune", "validate", join(tmp, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: no such file/);
    const sub = await runCli(["finetune", "frobnicate"]);
    expect(sub.code).toBe(2);
    expect(sub.stderr.trim()).toMatch(/^afw finetune: unknown subcommand "frobnicate"; subcommands: list, show, build, validate, train, status/);
  });
});
