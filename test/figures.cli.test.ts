import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { figuresCommand, figuresForSamples, parseBaseModel, parseHypothesis, parseScenario, parseScopeRisk } from "../lib/cli/commands/figures";
import { chromiumAvailable, createExporter } from "../lib/figures";
import { AfwError } from "../lib/util/errors";
import { loadRun } from "../lib/frame";
import type { Sample } from "../lib/schema";
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

describe("naming rules", () => {
  it("parse conditions and models", () => {
    expect(parseScopeRisk("igg:bioweapons-deployed")).toEqual({ scope: "bioweapons", risk: "deployed" });
    expect(parseScopeRisk("bioweapons-geopolitical_suspected")).toEqual({ scope: "bioweapons-geopolitical", risk: "suspected" });
    expect(parseScopeRisk("public")).toBeNull();
    expect(parseScopeRisk("nonpublic-deployed")).toBeNull();
    expect(parseScenario("tgg-throughput")).toBe("throughput");
    expect(parseScenario("deleted_weights")).toBe("deleted-weights");
    expect(parseScenario("other")).toBeNull();
    expect(parseHypothesis("h7-anti-refusal")).toBe("H7 anti refusal");
    expect(parseHypothesis("baseline")).toBeNull();
    expect(parseBaseModel("llama-3.1-405b-base")).toEqual({ family: "llama-3.1-405b", variant: "base" });
    expect(parseBaseModel("llama-3.1-405b-instruct")).toEqual({ family: "llama-3.1-405b", variant: "chat" });
  });

  it("builds c–g from runs whose tiers, conditions and models follow them, and exports each", async () => {
    const { samples } = await loadRun(join(dir, "run"));
    const af = { judge: "af_reasoning", version: "t", judge_model: null, prompt_hash: null, label: "af", score: 0.6, valid: true };
    const clone = (s: Sample, patch: Partial<Sample>, i: number): Sample => ({
      ...s,
      ...patch,
      key: `${s.key}|${JSON.stringify(patch)}`,
      judgements: i % 3 === 0 ? { "af_reasoning@t": af } : { "af_reasoning@t": { ...af, label: "not_af", score: 0 } },
    });
    const faker = samples.filter((s) => s.model === "sim-faker");
    const all: Sample[] = [];
    faker.forEach((s, i) => {
      all.push(clone(s, { condition: "baseline" }, i));
      for (const condition of ["public-suspected", "criminals-deployed", "throughput", "h7-anti-refusal"]) all.push(clone(s, { condition }, i + 1));
      all.push(clone(s, { model: "sim-faker-base", condition: "baseline" }, i + 2));
      if (s.tier === "free") for (const tier of ["pro", "enterprise"]) all.push(clone(s, { tier, condition: "three-tier" }, i));
    });
    const figs = figuresForSamples(all);
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
    const g = figs.g_hypotheses;
    expect(g.data.length).toBe(4); // gap and AF rate panels, baseline + intervention each
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
  }, 40_000);
});
