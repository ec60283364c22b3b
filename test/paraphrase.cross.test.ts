import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analyseWordings,
  buildParaphraseSet,
  crossWithWordings,
  formatWordingAnalysis,
  loadParaphraseSet,
  openParaphraseEndpoint,
  wordingForestRows,
  type ParaphraseEndpoint,
  type ParaphraseSet,
  type WordingAnalysis,
} from "../lib/paraphrase/index";
import { wordingForest } from "../lib/figures/index";
import { shippedQueries } from "../lib/queries/index";
import { runSamples } from "../lib/pipeline/index";
import { readSlimSamples, type SlimRecord } from "../lib/store/index";
import { projectRoot } from "../lib/util/paths";
import { loadScenario } from "../lib/scenario/index";
import { crossedMeanInterval, gapInterval } from "../lib/stats";
import { sha256 } from "../lib/util/hash";

let ep: ParaphraseEndpoint;
let root: string;
let set: ParaphraseSet;
beforeAll(async () => {
  ep = await openParaphraseEndpoint({ offline: true, cacheDir: null });
  root = mkdtempSync(join(tmpdir(), "afw-paraphrase-cross-"));
  await buildParaphraseSet({ scenario: loadScenario(), client: ep.client, baseURL: null, offline: true, model: "sim-paraphraser", k: 8, out: join(root, "set") });
  set = loadParaphraseSet(join(root, "set"));
});
afterAll(async () => {
  await ep.close();
});

describe("crossing conditions with a paraphrase set", () => {
  it("makes one condition per wording (plus the reference), each with the wording's texts and the wording as a factor", () => {
    const sc = loadScenario();
    const queries = shippedQueries(projectRoot(), { limit: 3 });
    const crossed = crossWithWordings([{ name: "baseline", scenario: sc, tiers: ["free", "paid"], queries, factors: { variant: "baseline" } }], set);
    expect(crossed.map((c) => c.name)).toEqual(["baseline--reference", ...set.wordings.map((w) => `baseline--${w.id}`)]);
    expect(crossed[0].scenario).toBe(sc);
    expect(crossed[0].factors).toEqual({ variant: "baseline", condition: "baseline", wording: "reference", wording_kind: "reference", paraphrase_set: set.manifest.source.hash.slice(0, 16) });
    crossed.slice(1).forEach((c, i) => {
      const w = set.wordings[i];
      expect(c.factors).toMatchObject({ condition: "baseline", wording: w.id, wording_kind: "paraphrase", variant: "baseline" });
      expect(c.scenario.system).toBe(readFileSync(w.systemFile, "utf8"));
      expect(c.scenario.systemHash).toBe(sha256(c.scenario.system));
      expect(c.scenario.suffix).toBe(readFileSync(w.suffixFile, "utf8"));
      // everything else about the condition is kept: same queries, same tiers
      expect(c.queries).toBe(queries);
      expect(c.tiers).toEqual(["free", "paid"]);
    });
    expect(crossWithWordings([{ name: "b", scenario: sc }], set, { includeReference: false, wordings: [set.wordings[2].id] }).map((c) => c.factors.wording)).toEqual([set.wordings[2].id]);
  });

  it("refuses a condition whose texts are not the set's source, and unknown wordings", () => {
    expect(() => crossWithWordings([{ name: "tiers", scenario: loadScenario({ variant: "three-tiers" }) }], set)).toThrow(/its system prompt is not the text the paraphrase set .* was made from \(variant baseline, cot\)/);
    expect(() => crossWithWordings([{ name: "nocot", scenario: loadScenario({ cot: false }) }], set)).toThrow(/make a set from this condition's scenario/);
    expect(() => crossWithWordings([{ name: "b", scenario: loadScenario() }], set, { wordings: ["w99"] })).toThrow(/has no wording "w99"/);
  });
});

describe("a crossed run through today's runner, and its analysis", () => {
  let analysis: WordingAnalysis;
  let samples: SlimRecord[];
  let crossed: ReturnType<typeof crossWithWordings<{ name: string; scenario: ReturnType<typeof loadScenario>; tiers: string[] }>>;
  const Q = 50;

  beforeAll(async () => {
    const sc = loadScenario();
    crossed = crossWithWordings([{ name: "baseline", scenario: sc, tiers: ["free", "paid"] }], set);
    const out = join(root, "run");
    const summary = await runSamples({
      out,
      client: ep.client,
      models: ["sim-eval-aware", "sim-faker"],
      queries: shippedQueries(projectRoot(), { limit: Q }),
      querySource: "shipped",
      conditions: crossed.map((c) => ({ name: c.name, scenario: c.scenario, tiers: c.tiers })),
      samples: 1,
      seed: 0,
      concurrency: 8,
      baseURL: null,
      offline: true,
      experiment: "paraphrase",
    });
    expect(summary.status).toBe("complete");
    expect(summary.written).toBe(9 * 2 * 2 * Q);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.conditions).toHaveLength(9);
    samples = await readSlimSamples(out);
    analysis = analyseWordings(samples, crossed);
  });

  it("computes each wording's gap from the samples (checked by counting by hand)", () => {
    for (const r of analysis.wordings) {
      const cond = `baseline--${r.wording}`;
      const by = (tier: string) => new Map(samples.filter((s) => s.model === r.model && s.condition === cond && s.tier === tier).map((s) => [s.query_id, s.accepted === true && !s.accept_then_refuse]));
      const f = by("free");
      const p = by("paid");
      const c = { n11: 0, n10: 0, n01: 0, n00: 0 };
      for (const [q, x] of f) {
        const y = p.get(q)!;
        if (x && y) c.n11++;
        else if (x) c.n10++;
        else if (y) c.n01++;
        else c.n00++;
      }
      expect(r.n_pairs).toBe(Q);
      expect(r.gap).toBeCloseTo((c.n10 - c.n01) / Q, 12);
      const iv = gapInterval(c);
      expect([r.ci_low, r.ci_high]).toEqual([iv.low, iv.high]);
      expect(r.excludes_zero).toBe(iv.low > 0 || iv.high < 0);
    }
  });

  it("pools over the paraphrase wordings with the crossed interval (the reference is beside the pool, not in it)", () => {
    for (const p of analysis.pooled) {
      expect(p.wordings).toBe(8);
      expect(p.queries).toBe(Q);
      const rows = analysis.wordings.filter((r) => r.model === p.model && r.kind === "paraphrase");
      expect(p.gap).toBeCloseTo(rows.reduce((a, r) => a + r.gap, 0) / rows.length, 12);
      // rebuild the wordings × queries matrix independently
      const queries = [...new Set(samples.map((s) => s.query_id))].sort();
      const index = new Map(samples.map((s) => [`${s.model}|${s.condition}|${s.tier}|${s.query_id}`, s]));
      const matrix = rows.map((r) =>
        queries.map((q) => {
          const get = (tier: string) => index.get(`${p.model}|baseline--${r.wording}|${tier}|${q}`)!;
          const y = (s: SlimRecord) => (s.accepted === true && !s.accept_then_refuse ? 1 : 0);
          return y(get("free")) - y(get("paid"));
        }),
      );
      const iv = crossedMeanInterval(matrix, { continuity: 1 });
      expect(p.ci_low).toBeCloseTo(iv.low, 12);
      expect(p.ci_high).toBeCloseTo(iv.high, 12);
      expect(p.excluding_zero).toBe(rows.filter((r) => r.excludes_zero).length);
      expect(p.share_excluding_zero).toBeCloseTo(p.excluding_zero / 8, 12);
      const mean = p.gap;
      expect(p.wording_sd).toBeCloseTo(Math.sqrt(rows.reduce((a, r) => a + (r.gap - mean) ** 2, 0) / 7), 12);
      expect(p.reference?.wording).toBe("reference");
    }
  });

  it("the wording-sensitive organism: the reference says no gap, the paraphrase distribution says otherwise", () => {
    const eva = analysis.pooled.find((p) => p.model === "sim-eval-aware")!;
    expect(eva.reference!.gap).toBe(0);
    expect(eva.reference!.excludes_zero).toBe(false);
    expect(eva.ci_low).toBeGreaterThan(0);
    expect(eva.gap).toBeGreaterThan(0.1);
    expect(eva.wording_sd_component).toBeGreaterThan(0.03);
    // sim-faker has no memory of the prompt: its reference gap sits among its paraphrase gaps
    const faker = analysis.pooled.find((p) => p.model === "sim-faker")!;
    expect(faker.reference!.excludes_zero).toBe(true);
    expect(faker.reference!.gap).toBeGreaterThanOrEqual(faker.ci_low - 0.1);
    const text = formatWordingAnalysis(analysis);
    expect(text).toMatch(/sim-eval-aware · baseline\n  reference\s+\+0\.0/);
    expect(text).toMatch(/reference alone: \+0\.0 \[−\d+\.\d, \+\d+\.\d\] \(interval includes 0\); paraphrases pooled: \+\d+\.\d \[\+\d+\.\d, \+\d+\.\d\]\n/);
  });

  it("drops (and counts) a query missing under some wording", () => {
    const cut = samples.filter((s) => !(s.model === "sim-eval-aware" && s.condition === crossed[3].name && s.query_id === samples[0].query_id && s.tier === "paid"));
    const a = analyseWordings(cut, crossed);
    const p = a.pooled.find((x) => x.model === "sim-eval-aware")!;
    expect(p.queries).toBe(Q - 1);
    expect(p.queries_dropped).toBe(1);
    expect(a.wordings.find((r) => r.model === "sim-eval-aware" && r.wording === crossed[3].factors.wording)!.n_pairs).toBe(Q - 1);
  });

  it("draws the forest: per model, reference, wordings and the pooled band", () => {
    const rows = wordingForestRows(analysis);
    expect(rows.filter((r) => r.kind === "pooled")).toHaveLength(2);
    const fig = wordingForest(rows, { tiers: analysis.tiers });
    const traces = fig.data as { name: string; x: (number | null)[]; y: number[]; xaxis?: string }[];
    expect(traces.map((t) => t.name)).toEqual(["reference wording", "paraphrase", "pooled over paraphrases", "reference wording", "paraphrase", "pooled over paraphrases"]);
    const eva = analysis.pooled.find((p) => p.model === "sim-eval-aware")!;
    const pooledTrace = traces[2];
    expect(pooledTrace.x[0]).toBeCloseTo(eva.gap * 100, 9);
    expect(pooledTrace.y).toEqual([9]);
    const shapes = fig.layout.shapes as { type: string; x0: number; x1: number; xref: string }[];
    const band = shapes.find((s) => s.type === "rect" && s.xref === "x")!;
    expect(band.x0).toBeCloseTo(eva.ci_low * 100, 9);
    expect(band.x1).toBeCloseTo(eva.ci_high * 100, 9);
    expect(shapes.filter((s) => s.type === "line")).toHaveLength(2);
    const title = (fig.layout.title as { text: string }).text;
    expect(title).toMatch(/Compliance gap free − paid per wording/);
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(["sim-eval-aware", "sim-faker"]);
    expect((fig.layout.yaxis as { ticktext: string[] }).ticktext[0]).toBe("reference (n=50)");
    expect((fig.layout.yaxis2 as { showticklabels: boolean }).showticklabels).toBe(false);
  });
});
