/**
 * Wording as a factor of an experiment (issue 16, items 2 and 5's plumbing):
 * `crossExperiment` crosses the conditions a paraphrase set rewords, the plan
 * and the runner carry the wording in each condition's factors, the
 * manifest records them (no side file), and `afw run EXPERIMENT
 * --paraphrases DIR`, `afw run --paraphrases DIR`, `afw report` and `afw
 * paraphrase report` read them back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getExperiment, planExperiment } from "../lib/experiments/index";
import { buildParaphraseSet, crossExperiment, loadParaphraseSet, openParaphraseEndpoint, referenceContrasts, wordingConditions, type ParaphraseSet } from "../lib/paraphrase/index";
import { loadScenario } from "../lib/scenario/index";
import { shippedQueries } from "../lib/queries/index";
import { sha256 } from "../lib/util/hash";
import { ROOT, runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-loop-para-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let set: ParaphraseSet;
const setDir = join(tmp, "set");

beforeAll(async () => {
  const ep = await openParaphraseEndpoint({ offline: true, cacheDir: null });
  try {
    await buildParaphraseSet({ scenario: loadScenario({ variant: "baseline" }), model: "sim-paraphraser", k: 8, out: setDir, client: ep.client, baseURL: null, offline: true });
  } finally {
    await ep.close();
  }
  set = loadParaphraseSet(setDir);
});

describe("crossExperiment", () => {
  it("crosses the conditions the set rewords, keeps the others, and carries the wording as a factor", () => {
    const post = getExperiment("post-training");
    const c = crossExperiment(post, set, { only: ["baseline", "prefill-basic", "clarify-no-changes"] });
    expect(c.crossed).toEqual(["baseline", "prefill-basic"]); // the prefill keeps the baseline's system prompt and suffix
    expect(c.unchanged).toEqual(["clarify-no-changes"]);
    const names = c.experiment.conditions.map((x) => x.name);
    expect(names).toHaveLength(2 * 9 + 1);
    expect(names.slice(0, 3)).toEqual(["baseline--reference", "baseline--w00", "baseline--w01"]);
    const w03 = c.experiment.conditions.find((x) => x.name === "prefill-basic--w03")!;
    expect(w03.factors).toEqual({ hypothesis: "H7 refusal mechanisms: basic prefill", condition: "prefill-basic", paraphrase_set: set.manifest.source.hash.slice(0, 16), wording: "w03", wording_kind: "paraphrase" });
    expect(w03.overrides).toEqual({ system: set.wordings[3].systemFile, suffix: set.wordings[3].suffixFile });
    expect(c.experiment.conditions.find((x) => x.name === "baseline--reference")!.overrides).toBeUndefined();
    // contrasts read the reference wording of a crossed condition
    const k = c.experiment.contrasts.find((x) => x.name === "h7-prefill-basic")!;
    expect(k.terms.map((t) => t.condition)).toEqual(["prefill-basic--reference", "baseline--reference"]);
    expect(c.experiment.contrasts.find((x) => x.name === "gap-clarify-no-changes")!.terms[0].condition).toBe("clarify-no-changes");
    expect(c.experiment.contrasts.some((x) => x.name === "gap-base")).toBe(false); // base was not asked for

    // the plan renders each wording from its files, on the same queries
    const queries = shippedQueries(ROOT);
    const plan = planExperiment(c.experiment, { queries, offline: true, models: ["sim-eval-aware"], n: 10 });
    const byName = new Map(plan.conditions.map((p) => [p.name, p]));
    expect(byName.get("baseline--w03")!.scenario.system).toBe(readFileSync(set.wordings[3].systemFile, "utf8"));
    expect(sha256(byName.get("baseline--reference")!.scenario.system)).toBe(set.manifest.source.system_sha256);
    expect(byName.get("baseline--w03")!.queries.map((q) => q.id)).toEqual(byName.get("baseline--reference")!.queries.map((q) => q.id));
    expect(byName.get("baseline--w03")!.factors).toMatchObject({ variant: "baseline", cot: true, wording: "w03" });
  });

  it("without the reference, or with a few wordings; refuses an experiment none of whose conditions the set rewords", () => {
    const fig1 = getExperiment("figure1");
    const c = crossExperiment(fig1, set, { includeReference: false, wordings: ["w01", "w05"] });
    expect(c.experiment.conditions.map((x) => x.name)).toEqual(["baseline--w01", "baseline--w05"]);
    expect(c.experiment.contrasts).toEqual([]);
    expect(() => crossExperiment(getExperiment("three-tiers"), set)).toThrow(/rewords baseline \(cot\), whose texts are not those of any condition \(three-tiers: three-tiers; three-tiers-no-cot: three-tiers, no-cot\) of experiment three-tiers/);
    expect(() => crossExperiment(fig1, set, { wordings: ["w99"] })).toThrow(/has no wording "w99"/);
    expect(() => crossExperiment(fig1, set, { only: ["nope"] })).toThrow(/has no condition "nope"/);
  });
});

describe("afw run --paraphrases, afw report, afw paraphrase report", () => {
  it("crosses an experiment, records the wording in the manifest, prints and reports the wording analysis", async () => {
    const out = join(tmp, "fig1");
    const args = ["run", "figure1", "--offline", "--models", "sim-eval-aware,sim-faker", "--n", "30", "--paraphrases", setDir, "--out", out, "--quiet"];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--paraphrases .*set: baseline × \(8 wording\(s\) \+ the reference\)/);
    expect(r.stderr).toMatch(/1080 written/); // 9 wordings × 2 models × 2 tiers × 30 queries
    expect(r.stdout).toMatch(/sim-eval-aware · baseline\n {2}reference\s+\+0\.0/);
    const pooled = /sim-eval-aware · baseline[\s\S]*?pooled\s+\+(\d+\.\d)\s+\[\+(\d+\.\d), \+(\d+\.\d)\]\s+n=30 queries × 8 wordings × 1 sample/.exec(r.stdout);
    expect(pooled, r.stdout).not.toBeNull();
    expect(Number(pooled![2])).toBeGreaterThan(0); // the pool says "gap" where the reference says none
    expect(existsSync(join(out, "wordings.json"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(wordingConditions(manifest)).toHaveLength(9);
    expect(manifest.condition_specs["baseline--w07"].factors).toMatchObject({ condition: "baseline", wording: "w07", wording_kind: "paraphrase", reference: true, scenario: "baseline" });
    expect(manifest.args.paraphrases).toBe(setDir);

    // rerun: nothing new
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 written, 1080 already done/);

    const figs = join(tmp, "figs");
    const rep = await runCli(["report", out, "--figures-dir", figs]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/compliance gap free − paid \(pp\), per wording/);
    expect(rep.stdout).toMatch(/reference alone: \+0\.0 \[[^\]]+\] \(interval includes 0\); paraphrases pooled: \+\d/);
    expect(rep.stdout).toMatch(/sim-faker\s+gap-baseline\s+\d/); // the experiment's contrast, on the reference wording
    expect(existsSync(join(figs, "w_wording_forest.html"))).toBe(true);
    // afw figures draws the forest too, and both commands name each figure alike: the folder holds each once.
    const drawn = await runCli(["figures", out, "--out", figs]);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(drawn.stdout).toMatch(/w_wording_forest\.html/);
    expect(readdirSync(figs).filter((f) => f.endsWith(".html")).sort()).toEqual(["a_compliance_by_tier.html", "a_outcomes_by_tier.html", "b_gap_forest.html", "w_wording_forest.html"]);
    expect(readFileSync(join(figs, "w_wording_forest.html"), "utf8")).toContain("Does the gap survive rewording?");
    const json = JSON.parse((await runCli(["report", out, "--json", "--no-figures"])).stdout);
    expect(json.wording.pooled).toHaveLength(2);

    const prep = await runCli(["paraphrase", "report", out, "--figure", join(tmp, "forest.html")]);
    expect(prep.code).toBe(0);
    expect(prep.stdout).toBe(rep.stdout.slice(rep.stdout.indexOf("compliance gap free − paid (pp), per wording")));
  });

  it("ad-hoc: afw run --paraphrases crosses the one condition; bad sets are one line and exit 2", async () => {
    const out = join(tmp, "adhoc");
    const r = await runCli(["run", "--offline", "--model", "sim-eval-aware", "--limit", "10", "--paraphrases", setDir, "--out", out, "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/180 written/);
    expect(r.stdout).toMatch(/sim-eval-aware · baseline/);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.conditions[0]).toBe("baseline--reference");

    const cases: [string[], RegExp][] = [
      [["run", "three-tiers", "--offline", "--n", "5", "--paraphrases", setDir, "--out", join(tmp, "b1")], /rewords baseline \(cot\), whose texts are not those of any condition/],
      [["run", "--offline", "--no-cot", "--limit", "5", "--paraphrases", setDir, "--out", join(tmp, "b2")], /whose texts are not those of any condition \(baseline: baseline, no-cot\) of experiment adhoc; the set was made from variant baseline \(cot\): drop --no-cot$/m],
      [["run", "figure1", "--offline", "--n", "5", "--paraphrases", join(tmp, "missing"), "--out", join(tmp, "b3")], /no paraphrase set here \(no manifest\.json\)/],
      [["run", "figure1", "--offline", "--n", "5", "--conditions", "nope", "--paraphrases", setDir, "--out", join(tmp, "b4")], /has no condition "nope"/],
    ];
    for (const [args, why] of cases) {
      const b = await runCli(args);
      expect(b.code, args.join(" ")).toBe(2);
      expect(b.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(b.stderr, args.join(" ")).toMatch(why);
    }
    for (const d of ["b1", "b2", "b3", "b4"]) expect(existsSync(join(tmp, d))).toBe(false);

    // A set made from another variant: the refusal names it and the flag to add; with the flag it runs.
    const tt = join(tmp, "set-three-tiers");
    const made = await runCli(["paraphrase", "three-tiers", "--k", "1", "--parts", "suffix", "--out", tt, "--no-cache", "--quiet"]);
    expect(made.code, made.stderr).toBe(0);
    const refused = await runCli(["run", "--offline", "--limit", "2", "--paraphrases", tt, "--out", join(tmp, "b5")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/rewords three-tiers \(cot\), whose texts are not those of any condition \(baseline: baseline\) of experiment adhoc; the set was made from variant three-tiers \(cot\): add --variant three-tiers$/m);
    expect(existsSync(join(tmp, "b5"))).toBe(false);
    const ok = await runCli(["run", "--offline", "--model", "sim-eval-aware", "--limit", "2", "--variant", "three-tiers", "--paraphrases", tt, "--out", join(tmp, "tt-run"), "--quiet"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/12 written/); // 2 wordings × 3 tiers × 2 queries
  });

  it("referenceContrasts reads a catalogued contrast on the reference wording of a crossed run, and leaves other runs alone", () => {
    const post = getExperiment("post-training");
    const crossed = crossExperiment(post, set, { only: ["baseline"] }).experiment;
    const manifest = { condition_specs: Object.fromEntries(crossed.conditions.map((c) => [c.name, { variant: c.variant, cot: c.cot, tiers: ["free", "paid"], models: [], queries: 1, samples: 1, system_hash: "", factors: c.factors }])) };
    const k = referenceContrasts(post.contrasts, manifest);
    expect(k.find((x) => x.name === "gap-baseline")!.terms[0].condition).toBe("baseline--reference");
    expect(k.find((x) => x.name === "gap-prefill-basic")!.terms[0].condition).toBe("prefill-basic");
    expect(referenceContrasts(post.contrasts, null)).toEqual(post.contrasts);
  });
});
