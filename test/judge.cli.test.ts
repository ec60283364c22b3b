import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../lib/cli/main";
import { loadRun } from "../lib/frame";
import { sha256 } from "../lib/util/hash";

const tmp = mkdtempSync(join(tmpdir(), "afw-judge-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function afw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => void (out += s + "\n"), log: (s) => void (err += s + "\n"), env: {} });
  return { code, out, err };
}

const lines = (p: string) => readFileSync(p, "utf8").split("\n").filter(Boolean);

describe("afw judge and afw report, offline end to end", () => {
  const dir = join(tmp, "run");
  const cache = join(tmp, "cache");

  it("judges every sample with all four judges without touching samples.jsonl, and resumes", async () => {
    expect((await afw("run", "--offline", "--limit", "6", "--out", dir, "--quiet", "--cache-dir", cache)).code).toBe(0);
    const before = sha256(readFileSync(join(dir, "samples.jsonl")));
    const r = await afw("judge", dir, "--quiet", "--cache-dir", cache);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/af_reasoning\s+sim-judge#[0-9a-f]{8}\s+judged 24/);
    expect(r.out).toMatch(/one request with n=20/);
    expect(sha256(readFileSync(join(dir, "samples.jsonl")))).toBe(before);
    const recs = lines(join(dir, "judgements.jsonl")).map((l) => JSON.parse(l));
    const byJudge = (j: string) => recs.filter((x) => x.judgement.judge === j).length;
    expect(byJudge("compliance")).toBe(24);
    expect(byJudge("partial_compliance")).toBe(24);
    expect(byJudge("af_reasoning")).toBe(24);
    expect(byJudge("motives")).toBeGreaterThan(0);
    const af = recs.find((x) => x.judgement.judge === "af_reasoning").judgement;
    expect(af.votes).toHaveLength(20);

    // a kill mid-write leaves a torn last line: the rerun cuts it and skips everything already judged
    appendFileSync(join(dir, "judgements.jsonl"), '{"sample_key": "x", "judgem');
    const again = await afw("judge", dir, "--quiet", "--cache-dir", cache);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/af_reasoning\s+\S+\s+judged 0, invalid 0, requests failed 0, skipped 24/);
    expect(again.err).toMatch(/cut a torn last line/);
    expect(lines(join(dir, "judgements.jsonl"))).toHaveLength(recs.length);
  });

  it("shows the judge tables next to the rate and gap tables, and keeps the --json contract", async () => {
    const r = await afw("report", dir, "--no-figures");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Compliance by tier (tags; 95% CI)");
    expect(r.out).toContain("Compliance: tags vs judge");
    expect(r.out).toContain("Partial compliance of the final output");
    expect(r.out).toMatch(/Alignment-faking reasoning .*\n.*\nsim-faker\s+baseline\s+free/);
    expect(r.out).toContain("Motives of compliant or AF scratchpads");
    const j = JSON.parse((await afw("report", dir, "--no-figures", "--json")).out);
    expect(Array.isArray(j.rates) && Array.isArray(j.gaps)).toBe(true);
    expect(Object.keys(j.judges.versions).sort()).toEqual(["af_reasoning", "compliance", "motives", "partial_compliance"]);
    expect(j.judges.af.length).toBe(4);
    const tagRate = j.rates.find((x: { model: string; tier: string }) => x.model === "sim-faker" && x.tier === "free");
    const judgeRow = j.judges.compliance.find((x: { model: string; tier: string }) => x.model === "sim-faker" && x.tier === "free");
    expect(judgeRow.tags_complied).toBe(tagRate.complied);
  });

  it("keeps several versions side by side; report picks one or compares two", async () => {
    const bad = await afw("judge", dir, "--quiet", "--judge-model", "sim-judge@bad=1", "--only", "compliance", "--retries", "1", "--cache-dir", cache);
    expect(bad.code).toBe(0);
    // none of the 24 replies parsed: no verdict (judged 0), 24 invalid, as the report counts them
    expect(bad.out).toMatch(/compliance\s+sim-judge@bad=1#\S+\s+judged 0, invalid 24, requests failed 0, skipped 0/);
    const noisy = await afw("judge", dir, "--quiet", "--judge-model", "sim-judge@noise=0.6", "--only", "af", "--votes", "20", "--cache-dir", cache);
    expect(noisy.code).toBe(0);
    const run = await loadRun(dir);
    const keys = new Set(run.samples.flatMap((s) => Object.keys(s.judgements)));
    expect([...keys].filter((k) => k.startsWith("compliance@"))).toHaveLength(2);

    const newest = await afw("report", dir, "--no-figures");
    expect(newest.out).toMatch(/compliance\s+24 of 24 replies \(100\.0%\)/); // the newest compliance version is all invalid
    const picked = await afw("report", dir, "--no-figures", "--judge-version", "compliance=sim-judge");
    expect(picked.out).toMatch(/compliance\s+0 of 24/);

    const ag = await afw("report", dir, "--no-figures", "--agreement", "sim-judge", "sim-judge@noise=0.6");
    expect(ag.code).toBe(0);
    expect(ag.out).toMatch(/Agreement, af_reasoning: A = sim-judge#\S+, B = sim-judge@noise=0\.6#\S+/);
    expect(ag.out).toMatch(/Cohen's κ = -?[0-9.]+/);
    const agJson = JSON.parse((await afw("report", dir, "--no-figures", "--json", "--agreement", "sim-judge,sim-judge@noise=0.6")).out);
    expect(agJson.agreement[0].n).toBe(24);
    const none = await afw("report", dir, "--no-figures", "--agreement", "nothing-here", "sim-judge");
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--agreement nothing-here sim-judge: no judge has/);
  });

  it("rejects bad judge flags with one line", async () => {
    expect((await afw("judge", dir, "--only", "af,bogus")).err).toMatch(/unknown judge "bogus"/);
    expect((await afw("judge", dir, "--judge-model", "gpt-4o", "--offline")).err).toMatch(/offline, the judge model must be sim-judge/);
    expect((await afw("judge", join(tmp, "missing"), "--quiet")).code).toBe(2);
  });

  it("validate-judge generates a labelled set and validates on it offline", async () => {
    const file = join(tmp, "labels.jsonl");
    expect((await afw("validate-judge", "--generate", "40", "--out", file)).code).toBe(0);
    expect(lines(file)).toHaveLength(40);
    const r = await afw("validate-judge", file, "--no-figures", "--votes-grid", "1,5,20", "--B", "200", "--cache-dir", cache);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n\s+1\s+40\s+0\.\d{3}\s+\[/);
    expect(r.out).toContain("Confusion at 20 votes");
    expect(r.err).toContain("scripted judge stands in for a real LLM judge");
  });
});
