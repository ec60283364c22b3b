/**
 * `afw report` end to end (issue 12's done-means and issue 13's streaming
 * path): an offline run with 8 samples per query reported as JSON has no
 * rate or gap interval of zero width, and every interval row names its
 * method, test, p-value and counts; the printed tables count n in queries,
 * show blocked and truncated samples, and print the p-value of the test
 * that inverts the interval; --rate-ci / --gap-ci keep working and say
 * what they are.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli";
import { Sample, type RunManifest } from "../lib/schema";
import { loadRun, writeResultsFolder } from "../lib/store";
import { startOpenAIMock } from "./providers/openai";
import { startMock, type MockServer } from "./providers/base";
import { runStatusLines } from "../lib/analysis";

const tmp = mkdtempSync(join(tmpdir(), "afw-report-"));

describe("afw report on an offline run with 8 samples per query", () => {
  const dir = join(tmp, "s8");
  it("--json: no interval is [0, 0]; each row names its method, test, p-value and counts", async () => {
    const run = await runCli(["run", "--offline", "--samples", "8", "--out", dir, "--quiet", "--no-cache"]);
    expect(run.code, run.stderr).toBe(0);
    const r = await runCli(["report", dir, "--json", "--no-figures"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rates).toHaveLength(4);
    expect(j.gaps).toHaveLength(2);
    for (const x of [...j.rates, ...j.gaps]) {
      expect(x.ci_high > x.ci_low, JSON.stringify(x)).toBe(true);
      expect(x).toMatchObject({ n_queries: 50, n_samples: 400, samples_per_query: 8, n_label: "n=50 queries × 8", level: 0.95 });
      expect(typeof x.method).toBe("string");
      expect(typeof x.test).toBe("string");
      expect("p_value" in x && "design_effect" in x && "pooled_icc" in x).toBe(true);
      expect("n" in x).toBe(false); // counts are named for what they count
    }
    for (const x of j.rates) {
      expect(x.method).toBe("wilson-modified-clustered");
      expect(x).toHaveProperty("blocked", 0);
      expect(x).toHaveProperty("truncated", 0);
    }
    for (const g of j.gaps) {
      expect(g).toMatchObject({ method: "tango-clustered", test: "mcnemar-clustered", tiers: ["free", "paid"] });
      expect(g.ci_low > 0 || g.ci_high < 0).toBe(g.p_value < 0.05);
    }
    expect(j.pooled_icc.rate).toBeGreaterThanOrEqual(0);
    expect(j.samples).toEqual({ read: 1600, kept: 1600, failed: 0 });
  }, 60_000);

  it("prints n in queries × samples and the test beside each gap", async () => {
    const r = await runCli(["report", dir, "--no-figures"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sim-faker\s+baseline\s+free\s+50 queries × 8\s+\d+/);
    expect(r.stdout).toMatch(/gaps: tango-clustered; p: mcnemar-clustered \(the test that inverts the interval\)/);
    expect(r.stdout).toMatch(/sim-faker\s+baseline\s+[\d.]+\s+\[\s*[\d.]+,\s*[\d.]+\]\s+<0\.001\s+50 queries × 8\s+free − paid/);
  });

  it("--rate-ci / --gap-ci bootstrap give the cluster bootstrap, labelled; single-sample methods refuse with one line", async () => {
    const r = await runCli(["report", dir, "--json", "--no-figures", "--rate-ci", "bootstrap", "--gap-ci", "bootstrap"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(new Set([...j.rates, ...j.gaps].map((x: { method: string }) => x.method))).toEqual(new Set(["cluster-bootstrap"]));
    expect(j.gaps[0].test).toBe("cluster-bootstrap-percentile");
    const bad = await runCli(["report", dir, "--no-figures", "--gap-ci", "wald"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^afw report: gap interval wald needs one sample per query/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    const unknown = await runCli(["report", dir, "--rate-ci", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--rate-ci must be one of auto, agresti-coull/);
  });
});

describe("afw report with provider outcomes", () => {
  it("counts blocked samples in n (never complied), shows truncated ones, leaves failed ones out", async () => {
    const src = join(tmp, "src");
    expect((await runCli(["run", "--offline", "--limit", "10", "--out", src, "--quiet", "--no-cache"])).code).toBe(0);
    const run = await loadRun(src);
    let i = -1;
    const samples = run.samples.map((s) => {
      if (s.model !== "sim-faker" || s.tier !== "free") return s;
      i++;
      if (i % 4 === 0) return Sample.parse({ ...s, outcome: "blocked", finish_reason: "content_filter", output_text: "", scratchpad: null, final_output: null, accepted: null });
      if (i % 4 === 1) return { ...s, outcome: "truncated" as const, finish_reason: "length" };
      if (i % 4 === 2) return Sample.parse({ ...s, outcome: "failed", error: "HTTP 500", accepted: null, output_text: null });
      return s;
    });
    const dir = join(tmp, "outcomes");
    await writeResultsFolder(dir, { manifest: run.manifest as RunManifest, samples, prompts: undefined });
    const mine = samples.filter((s) => s.model === "sim-faker" && s.tier === "free");
    const blocked = mine.filter((s) => s.outcome === "blocked").length;
    const truncated = mine.filter((s) => s.outcome === "truncated").length;
    const failed = mine.filter((s) => s.error !== null).length;
    expect(blocked * truncated * failed).toBeGreaterThan(0);
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    const row = j.rates.find((x: { model: string; tier: string }) => x.model === "sim-faker" && x.tier === "free");
    expect(row).toMatchObject({ blocked, truncated, failed, n_samples: mine.length - failed, complied: mine.filter((s) => s.error === null && s.outcome !== "blocked" && s.accepted === true && !s.accept_then_refuse).length });
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    expect(text).toMatch(/blocked\s+truncated\s+invalid/);
    expect(text).toMatch(new RegExp(`sim-faker\\s+baseline\\s+free\\s+${mine.length - failed}\\s+\\d+\\s+[\\d.]+\\s+\\[[^\\]]+\\]\\s+${blocked}\\s+${truncated}\\s`));
    expect(text).toMatch(/\d+ sample\(s\) failed and are left out of n/);
  }, 60_000);
});

describe("afw report on runs that did not finish, and its spend in --json (QA pass)", () => {
  let openai: MockServer;
  let front: MockServer;
  /** Requests the front passes on to the OpenAI mock before the key is revoked. */
  let allowed = 0;
  const q = join(tmp, "q3.jsonl");
  beforeAll(async () => {
    writeFileSync(q, Array.from({ length: 3 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
    openai = await startOpenAIMock();
    // The OpenAI mock behind a door that answers 401 invalid_api_key once `allowed` requests went through
    // (a key revoked mid-run: a fatal error, so the run stops at once). Error body as OpenAI documents it:
    // https://developers.openai.com/docs/guides/error-codes
    front = await startMock("/v1", async (h) => {
      if (h.n > allowed) return { status: 401, body: { error: { message: "Incorrect API key provided: sk-good****. You can find your API key at https://platform.openai.com/account/api-keys.", type: "invalid_request_error", param: null, code: "invalid_api_key" } } };
      const r = await fetch(`${openai.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: String(h.headers.authorization) }, body: JSON.stringify(h.body) });
      return { status: r.status, body: await r.json() };
    });
  });
  afterAll(async () => {
    await front?.close();
    await openai?.close();
  });
  const run = (out: string, extra: string[] = []) =>
    runCli(["run", "--provider", "openai", "--base-url", front.baseURL, "--model", "gpt-4o", "--queries", q, "--out", out, "--quiet", "--no-cache", "--concurrency", "1", ...extra], { OPENAI_API_KEY: "sk-good-report", AFW_TODAY: "2026-11-29" });

  it("a run stopped by a fatal error: the report says first how many samples of how many, why it stopped and what is missing", async () => {
    const dir = join(tmp, "stopped");
    allowed = 3; // the free tier's 3 samples, then the key is refused
    const r = await run(dir);
    expect(r.code, r.stderr).toBe(3);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(m).toMatchObject({ status: "incomplete", planned: 6, written: 3 });
    expect(m.stop_reason).toMatch(/^OpenAI: 401 Incorrect API key provided/);
    expect(JSON.stringify(m)).not.toContain("sk-good-report");
    const rep = await runCli(["report", dir, "--no-figures"]);
    expect(rep.code, rep.stderr).toBe(0);
    const warn = rep.stderr.split("\n").filter((l) => l.startsWith("afw report: warning:"));
    expect(warn).toEqual([
      expect.stringMatching(/^afw report: warning: this run is incomplete \(manifest status "incomplete"\): 3 of 6 planned samples are in the folder; stopped: OpenAI: 401 Incorrect API key provided/),
      "afw report: warning: missing entirely: tier paid (no rows below, and no gap that needs them); rerun the same afw run command to finish the run",
    ]);
    expect(rep.stdout).toMatch(/gpt-4o\s+baseline\s+free\s+3\s/);
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    expect(j.run).toMatchObject({ status: "incomplete", planned: 6, samples: 3, failed: 0, missing: { models: [], conditions: [], tiers: ["paid"] } });
    expect(j.run.stop_reason).toMatch(/^OpenAI: 401/);

    // finished by a rerun: no warning any more, and no stop reason left in the manifest
    allowed = Infinity;
    expect((await run(dir)).code).toBe(0);
    const done = await runCli(["report", dir, "--no-figures"]);
    expect(done.stderr).not.toMatch(/warning/);
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).stop_reason).toBeUndefined();
  }, 60_000);

  it("a folder with no samples (stopped before the first): one line, exit 2, no table, no figure", async () => {
    const dir = join(tmp, "empty");
    allowed = 0;
    const figs = join(tmp, "empty-figs");
    expect((await run(dir)).code).toBe(3);
    expect(readFileSync(join(dir, "samples.jsonl"), "utf8")).toBe("");
    for (const args of [["--figures-dir", figs], ["--json", "--figures-dir", figs]]) {
      const r = await runCli(["report", dir, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^afw report: \S+ has no samples yet \(0 of 6 planned; the run stopped: OpenAI: 401 Incorrect API key provided.*\): nothing to report$/)]);
    }
    expect(existsSync(figs)).toBe(false);
  }, 60_000);

  it("--json has the spend section the text report prints: the same rows and total", async () => {
    const dir = join(tmp, "spent");
    allowed = Infinity;
    expect((await run(dir)).code).toBe(0);
    const jd = await runCli(["judge", dir, "--provider", "openai", "--base-url", front.baseURL, "--judge-model", "gpt-4o-mini", "--only", "compliance", "--retries", "0", "--quiet", "--no-cache"], { OPENAI_API_KEY: "sk-good-report", AFW_TODAY: "2026-11-29" });
    expect(jd.code, jd.stderr).toBe(0);
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(j.spend.rows).toEqual(manifest.spend);
    expect(j.spend.rows.map((r: { role: string; model: string }) => `${r.role} ${r.model}`)).toEqual(["subject gpt-4o", "judge gpt-4o-mini"]);
    const sum = (k: string) => manifest.spend.reduce((a: number, r: Record<string, number>) => a + (r[k] ?? 0), 0);
    expect(j.spend.total).toMatchObject({ requests: sum("requests"), prompt_tokens: sum("prompt_tokens"), completion_tokens: sum("completion_tokens") });
    expect(j.spend.total.requests).toBe(12); // 6 generations + 6 compliance judgements (one request each)
    const int = (n: number) => n.toLocaleString("en-US");
    const line = (name: string, x: { requests: number; prompt_tokens: number; completion_tokens: number; usd: number }) =>
      new RegExp(`^\\s+${name}\\s+${int(x.requests)} requests, ${int(x.prompt_tokens)} prompt tokens.*, ${int(x.completion_tokens)} completion tokens.*\\$${x.usd.toFixed(4).replace(".", "\\.")} `, "m");
    expect(text).toMatch(line("subject gpt-4o at openai", j.spend.rows[0]));
    expect(text).toMatch(line("judge gpt-4o-mini at openai", j.spend.rows[1]));
    expect(text).toMatch(line("total", j.spend.total));
  }, 60_000);
});

describe("runStatusLines", () => {
  it("a manifest still 'running' (a killed run) is said too; a complete run or no manifest says nothing", () => {
    const base = { status: "running" as const, planned: 80, samples: 30, failed: 2, stop_reason: null, missing: { models: [], conditions: [], tiers: [] } };
    expect(runStatusLines(base)).toEqual([
      'the manifest still says "running": the run is going on, or was killed before it finished: 30 of 80 planned samples are in the folder (2 of them failed for good)',
      "the tables cover the samples written so far; rerun the same afw run command to finish the run",
    ]);
    expect(runStatusLines({ ...base, status: "incomplete", stop_reason: "interrupted" })[0]).toBe('this run is incomplete (manifest status "incomplete"): 30 of 80 planned samples are in the folder (2 of them failed for good); stopped: interrupted');
    expect(runStatusLines({ ...base, status: "complete" })).toEqual([]);
    expect(runStatusLines({ ...base, status: null, planned: null })).toEqual([]);
  });
});

describe("afw report with few queries", () => {
  it("one query × 5: names the method it used (no design effect from one query), says the interval speaks only of that query, prints 1 query", async () => {
    const dir = join(tmp, "one-query");
    expect((await runCli(["run", "--offline", "--limit", "1", "--samples", "5", "--out", dir, "--quiet", "--no-cache"])).code).toBe(0);
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    for (const x of [...j.rates, ...j.gaps]) {
      expect(x).toMatchObject({ n_queries: 1, n_samples: 5, samples_per_query: 5, n_label: "n=1 query × 5", design_effect: 1, pooled_icc: null });
      expect(x.note).toMatch(/^one query: no design effect can be estimated from a single query \(its samples are taken as independent\); its 5 samples are not independent evidence about queries, so the interval speaks only of that query/);
    }
    for (const g of j.gaps) expect(g).toMatchObject({ method: "tango", test: "mcnemar-asymptotic" });
    for (const r of j.rates) expect(r).toMatchObject({ method: "wilson-modified", test: "wilson-modified-inverted" });
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    expect(text).toMatch(/sim-faker\s+baseline\s+free\s+1 query × 5\s/);
    expect(text).not.toMatch(/1 queries/);
    expect(text).toMatch(/^warning: 6 row\(s\) with several samples per query rest on fewer than 25 queries \(fewest 1\); the coverage study of the clustered intervals covered 25 or more \(docs\/statistics\.md\), so their coverage is not known; with 1 query the samples are not independent evidence about queries and the interval speaks only of that query$/m);
  }, 60_000);

  it("3 queries × 4: clustered, with a note and a warning that the coverage study covered 25 queries or more", async () => {
    const dir = join(tmp, "three-queries");
    expect((await runCli(["run", "--offline", "--limit", "3", "--samples", "4", "--out", dir, "--quiet", "--no-cache"])).code).toBe(0);
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    for (const g of j.gaps) {
      expect(g).toMatchObject({ method: "tango-clustered", n_label: "n=3 queries × 4" });
      expect(g.note).toMatch(/^3 queries with several samples each: the coverage study of the clustered intervals covered 25 queries or more/);
    }
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    expect(text).toMatch(/^warning: 6 row\(s\) with several samples per query rest on fewer than 25 queries \(fewest 3\)/m);
    expect(text).not.toMatch(/with 1 query/);
    // 25 queries or more: no warning (the first suite's folder has 50 × 8)
    expect((await runCli(["report", join(tmp, "s8"), "--no-figures"])).stdout).not.toMatch(/^warning:/m);
  }, 60_000);
});

describe("afw report --json names every interval row's fields alike", () => {
  it("contrast and verdict rows carry method, test, p_value, ci_low, ci_high, n_queries, n_samples and n_label (the old p, low, high kept)", async () => {
    const dir = join(tmp, "mot");
    expect((await runCli(["run", "motivations", "--offline", "--n", "4", "--models", "sim-rater-sycophant", "--out", dir, "--quiet", "--no-cache"])).code).toBe(0);
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    expect(j.contrasts.length).toBeGreaterThan(20);
    expect(j.verdicts).toHaveLength(1);
    const details = Object.values(j.verdicts[0].detail).flat() as Record<string, unknown>[];
    expect(details.length).toBe(13); // H1 2, H2 3, H3 3, H4 5
    for (const x of [...j.contrasts, ...details]) {
      for (const k of ["method", "test", "p_value", "ci_low", "ci_high", "n_queries", "n_samples", "n_label"]) expect(x, `${x.contrast} ${k}`).toHaveProperty(k);
      expect([x.p_value, x.ci_low, x.ci_high]).toEqual([x.p, x.low, x.high]);
      expect(x).toMatchObject({ n_queries: 4, n_samples: 4, n_label: "n=4" });
      expect("n" in x).toBe(false);
    }
    for (const d of details) expect(d.p_adjusted).toBe(d.pAdjusted);
  }, 60_000);
});

describe("afw report names the gap cells it has no pair for", () => {
  it("a condition whose tiers ran different queries gets no gap row, and a note naming it", async () => {
    const src = join(tmp, "pairs-src");
    expect((await runCli(["run", "--offline", "--limit", "6", "--out", src, "--quiet", "--no-cache"])).code).toBe(0);
    const run = await loadRun(src);
    // free on queries 1–3, paid on 4–6: both tiers run, no query in both
    const extra = run.samples
      .filter((s) => s.model === "sim-refuser")
      .filter((s) => {
        const q = Number(s.query_id.replace(/\D/g, ""));
        return s.tier === "free" ? q <= 3 : q >= 4;
      })
      .map((s) => ({ ...s, condition: "nopair", key: `${s.key}|nopair` }));
    const dir = join(tmp, "nopair");
    await writeResultsFolder(dir, { manifest: run.manifest as RunManifest, samples: [...run.samples, ...extra], prompts: undefined });
    const j = JSON.parse((await runCli(["report", dir, "--json", "--no-figures"])).stdout);
    expect(j.gaps.map((g: { condition: string }) => g.condition)).not.toContain("nopair");
    expect(j.notes).toEqual(["no gap for sim-refuser nopair (free − paid): no query and sample index was run, and did not fail, in both tiers, so there is no pair to compare"]);
    const text = (await runCli(["report", dir, "--no-figures"])).stdout;
    expect(text).toMatch(/^note: no gap for sim-refuser nopair \(free − paid\)/m);
    // a folder where every condition pairs has no notes
    expect(JSON.parse((await runCli(["report", src, "--json", "--no-figures"])).stdout)).not.toHaveProperty("notes");
  }, 60_000);
});
