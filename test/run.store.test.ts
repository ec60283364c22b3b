import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactSamples, repairTail, scanSamples, sampleKey, requestSeed } from "../lib/run";

const tmp = () => mkdtempSync(join(tmpdir(), "afw-store-"));
const line = (key: string, error: string | null, extra = "") => JSON.stringify({ key, error, extra }) + "\n";

describe("samples store", () => {
  it("cuts a torn last line and keeps every complete one", () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + line("b", null) + '{"key":"c","err');
    expect(repairTail(p)).toBe('{"key":"c","err'.length);
    expect(readFileSync(p, "utf8")).toBe(line("a", null) + line("b", null));
    expect(repairTail(p)).toBe(0);
  });
  it("cuts a torn line longer than the read chunk, and a file with no newline at all", () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + "x".repeat(200_000));
    expect(repairTail(p)).toBe(200_000);
    expect(readFileSync(p, "utf8")).toBe(line("a", null));
    writeFileSync(p, "partial");
    expect(repairTail(p)).toBe(7);
    expect(readFileSync(p, "utf8")).toBe("");
  });
  it("scans done and failed keys; a later success clears a failure", async () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + line("b", "HTTP 500") + line("c", "timeout") + line("c", null));
    const s = await scanSamples(p);
    expect([...s.done].sort()).toEqual(["a", "c"]);
    expect([...s.failed]).toEqual(["b"]);
    expect(s.superseded).toBe(1);
  });
  it("names the file and line of a corrupt record", async () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", null) + "{nope}\n");
    await expect(scanSamples(p)).rejects.toThrow(`${p}:2: not valid JSON`);
    writeFileSync(p, line("a", null) + JSON.stringify({ key: 3 }) + "\n");
    await expect(scanSamples(p)).rejects.toThrow(`${p}:2: not a sample record (key:`);
  });
  it("compacts to one record per key, preferring the last success", async () => {
    const p = join(tmp(), "s.jsonl");
    writeFileSync(p, line("a", "x", "1") + line("b", null, "2") + line("a", null, "3") + line("c", "x", "4") + line("c", "y", "5"));
    expect(await compactSamples(p)).toBe(2);
    const recs = readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(recs.map((r) => r.extra)).toEqual(["2", "3", "5"]);
    expect(await compactSamples(p)).toBe(0);
    appendFileSync(p, "");
  });
  it("keys and request seeds are stable and distinct", () => {
    const k = sampleKey({ experiment: "e", condition: "c", model: "m", tier: "free", query_id: "q", sample: 2 });
    expect(k).toBe("e|c|m|free|q|2");
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => requestSeed(0, i)));
    expect(seeds.size).toBe(1000);
    expect(requestSeed(1, 0)).not.toBe(requestSeed(0, 1));
    expect(requestSeed(7, 3)).toBe(requestSeed(7, 3));
  });
});
