import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figureSet, figuresCommand } from "../lib/cli/commands/figures";
import { chromiumAvailable, createExporter, drawFigures } from "../lib/figures";
import { figureRows, gapCells, gapIcc } from "../lib/analysis";
import { makeRng } from "../lib/stats";
import { AfwError } from "../lib/util/errors";
import { load, loadRun, sampleRows } from "../lib/frame";
import type { RunManifest, Sample } from "../lib/schema";
import { runCli } from "./helpers/cli";

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const chromium = chromiumAvailable();

/** Check every file's format by its extension; returns the base names seen. */
function checkFiles(dir: string): Set<string> {
  const names = new Set<string>();
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const ext = f.split(".").pop();
    names.add(f.replace(/\.[^.]+$/, ""));
    if (ext === "png") {
      expect(readFileSync(p).subarray(0, 8).equals(PNG_SIG), f).toBe(true);
      expect(statSync(p).size).toBeGreaterThan(5000);
    } else if (ext === "svg") {
      expect(readFileSync(p, "utf8")).toMatch(/<svg[\s>]/);
    } else if (ext === "html") {
      const s = readFileSync(p, "utf8");
      expect(s.startsWith("<!doctype html>")).toBe(true);
      expect(s).toContain("Plotly.newPlot");
    } else throw new Error(`unexpected file ${f}`);
  }
  return names;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "afw-figs-"));
  const r = await runCli(["run", "--offline", "--limit", "10", "--out", join(dir, "run"), "--quiet"]);
  expect(r.code).toBe(0);
}, 30_000);

describe("afw figures", () => {
  it("writes the figures that apply to an offline run (a, b), in every format", async () => {
    const out = join(dir, "figs");
    const r = await runCli(["figures", join(dir, "run"), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const names = checkFiles(out);
    expect([...names].sort()).toEqual(["a_compliance_by_tier", "a_outcomes_by_tier", "b_gap_forest"]);
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith(".html"))).toHaveLength(3);
    if (chromium) expect(files).toHaveLength(9);
  }, 30_000);
  it("bad input is a one-line AfwError (exit 2)", async () => {
    const noop = () => undefined;
    await expect(figuresCommand([], noop, noop)).rejects.toThrow(AfwError);
    await expect(figuresCommand([join(dir, "run"), "--only", "z"], noop, noop)).rejects.toThrow(/--only takes figure kinds/);
    await expect(figuresCommand([join(dir, "nope")], noop, noop)).rejects.toThrow(/no such folder/);
  });
});

describe("figures read factors, not names", () => {
  it("skip a kind whose factors a folder does not record, with a one-line note, and still draw a and b", async () => {
    const out = join(dir, "figs-old");
    const r = await runCli(["figures", join(dir, "run"), "--out", out, "--only", "a,b,d,g"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/afw figures: figure d \(gap by deployment scope × risk\) skipped: the scope and risk factors are missing: no condition in this folder records it/);
    expect(r.stderr).toMatch(/afw figures: figure g \(post-training hypotheses\) skipped: the hypothesis factor is missing/);
    expect([...checkFiles(out)].sort()).toEqual(["a_compliance_by_tier", "a_outcomes_by_tier", "b_gap_forest"]);
  }, 30_000);

  it("builds c–g from conditions and models whose factors call for them (names play no part), and exports each", async () => {
    const { samples, manifest } = await loadRun(join(dir, "run"));
    const af = { judge: "af_reasoning", version: "t", judge_model: null, prompt_hash: null, label: "af", score: 0.6, valid: true };
    const clone = (s: Sample, patch: Partial<Sample>, i: number): Sample => ({
      ...s,
      ...patch,
      key: `${s.key}|${JSON.stringify(patch)}`,
      judgements: i % 3 === 0 ? { "af_reasoning@t": af } : { "af_reasoning@t": { ...af, label: "not_af", score: 0 } },
    });
    // Opaque names: only the factors say what each condition and model is.
    const faker = samples.filter((s) => s.model === "sim-faker");
    const all: Sample[] = [];
    faker.forEach((s, i) => {
      all.push(clone(s, { condition: "c0" }, i));
      for (const condition of ["c1", "c2", "c3", "c4"]) all.push(clone(s, { condition }, i + 1));
      all.push(clone(s, { model: "m-b", condition: "c0" }, i + 2));
      if (s.tier === "free") for (const tier of ["pro", "enterprise"]) all.push(clone(s, { tier, condition: "c5" }, i));
    });
    const spec = (factors: Record<string, string | boolean>) => ({ variant: "baseline", cot: true, tiers: ["free", "paid"], models: ["sim-faker"], queries: 10, samples: 1, system_hash: "h", factors });
    const m: RunManifest = {
      ...manifest!,
      condition_specs: {
        c0: spec({ reference: true, scenario: "baseline" }),
        c1: spec({ scope: "public", risk: "suspected" }),
        c2: spec({ scope: "criminals", risk: "deployed" }),
        c3: spec({ scenario: "throughput" }),
        c4: spec({ hypothesis: "H7 anti refusal" }),
        c5: spec({}),
      },
      model_factors: { "sim-faker": { family: "fam", base_model: false }, "m-b": { family: "fam", base_model: true } },
    };
    const { rows, notes } = figureRows(sampleRows(all, m));
    expect(notes).toEqual([]);
    const figs = drawFigures(rows);
    expect(Object.keys(figs).sort()).toEqual([
      "a_compliance_by_tier",
      "a_outcomes_by_tier",
      "b_gap_forest",
      "c_three_tier_decomposition",
      "d_gap_by_scope_risk",
      "e_scenarios",
      "f_base_vs_chat",
      "g_hypotheses",
    ]);
    expect(rows.d!.map((r) => [r.scope, r.risk]).sort()).toEqual([["criminals", "deployed"], ["public", "suspected"]]);
    expect(new Set(rows.e!.map((r) => r.group))).toEqual(new Set(["baseline", "throughput"]));
    expect(new Set(rows.f!.map((r) => `${r.model}:${r.group}`))).toEqual(new Set(["fam:chat", "fam:base"]));
    expect(new Set(rows.g!.map((r) => r.hypothesis))).toEqual(new Set(["H7 anti refusal"]));
    const g = figs.g_hypotheses;
    expect(g.data.length).toBe(4); // gap and AF rate panels, baseline + intervention each
    // the same rows without factors draw none of d–g
    expect(Object.keys(figureRows(sampleRows(all, null)).rows).sort()).toEqual(["a", "b", "c"]);
    // a folder with the manifest: the DataFrame from load() carries the factors as columns
    const withFactors = join(dir, "factored");
    const { writeResultsFolder } = await import("../lib/store");
    await writeResultsFolder(withFactors, { manifest: m, samples: all });
    const df = await load(withFactors);
    expect(df.columns).toEqual(expect.arrayContaining(["scope", "risk", "scenario", "hypothesis", "reference", "family", "base_model", "af_reasoning", "af_reasoning_score"]));
    expect(Object.keys(figureRows(df).rows).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    const out = join(dir, "figs-cg");
    const pick = Object.fromEntries(Object.entries(figs).filter(([k]) => /^[c-g]_/.test(k)));
    // SVG + HTML here (the CLI test above covers PNG); one browser for all
    const ex = createExporter();
    try {
      for (const [name, fig] of Object.entries(pick)) await ex.export(fig, join(out, name), chromium ? ["svg", "html"] : ["html"]);
    } finally {
      await ex.close();
    }
    expect([...checkFiles(out)].sort()).toEqual(Object.keys(pick).sort());
  }, 60_000);
});

describe("afw figures draws the report's intervals", () => {
  it("on a run whose contrasts read cells outside the gap table: figure b's rows are report --json's gap rows, figure c's the contrasts'", async () => {
    const src = join(dir, "t3-src");
    const ran = await runCli(["run", "three-tiers", "--offline", "--n", "100", "--models", "sim-rater-sycophant,sim-goal-guarder", "--out", src, "--quiet", "--no-cache"]);
    expect(ran.code, ran.stderr).toBe(0);
    const run = await loadRun(src);
    // Compliance clustered by query in Pro and Enterprise (whole queries comply or not), sample by sample in Free:
    // the Pro − Enterprise cells the contrasts read are far more clustered than the Free − Pro cells of the gap table.
    const u = makeRng(11);
    const latent = new Map<string, number>();
    const level = (q: string) => latent.get(q) ?? latent.set(q, u()).get(q)!;
    const samples = run.samples.map((s) => {
      const x = level(`${s.model}|${s.query_id}`);
      const yes = s.tier === "enterprise" ? x < 0.1 : s.tier === "pro" ? x < 0.4 : u() < 0.5;
      return { ...s, accepted: yes, accept_then_refuse: false };
    });
    const folder = join(dir, "t3");
    const { writeResultsFolder } = await import("../lib/store");
    await writeResultsFolder(folder, { manifest: run.manifest as RunManifest, samples });
    const rep = await runCli(["report", folder, "--json", "--no-figures"]);
    expect(rep.code, rep.stderr).toBe(0);
    const j = JSON.parse(rep.stdout);
    const made = figureSet(await loadRun(folder));
    const b = made.rows.b!.gaps;
    expect(b.length).toBe(j.gaps.length);
    for (const g of b) {
      const r = j.gaps.find((x: { model: string; condition: string }) => x.model === g.model && x.condition === g.condition);
      expect(r, `${g.model} ${g.condition}`).toBeTruthy();
      expect(g.gap).toBeCloseTo(r.gap, 14);
      expect(g.ci_low, `${g.model} ${g.condition}`).toBeCloseTo(r.ci_low, 12);
      expect(g.ci_high, `${g.model} ${g.condition}`).toBeCloseTo(r.ci_high, 12);
      expect([g.method, g.n_queries, g.n_samples]).toEqual([r.method, r.n_queries, r.n_samples]);
    }
    // the report pools over the gap table's cells AND the contrasts' (docs/statistics.md); the gap table's alone differ,
    // so equal rows above mean the figure took the report's pooled ICC
    const tableOnly = gapIcc(gapCells(sampleRows(samples, run.manifest)).map((c) => c.perQuery));
    expect(Math.abs(tableOnly - j.pooled_icc.gap)).toBeGreaterThan(0.05);
    // figure c's rater-sycophancy bar (Pro − Enterprise in three-tiers) is the report's rater-gap contrast
    for (const model of ["sim-rater-sycophant", "sim-goal-guarder"]) {
      const c = made.rows.c!.find((x) => x.model === `${model} · three-tiers` && x.component === "rater-sycophancy")!;
      const k = j.contrasts.find((x: { model: string; contrast: string }) => x.model === model && x.contrast === "rater-gap");
      expect(c.ci_low).toBeCloseTo(k.ci_low, 12);
      expect(c.ci_high).toBeCloseTo(k.ci_high, 12);
    }
  }, 90_000);
});
