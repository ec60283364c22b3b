/**
 * Experiments as data: the catalog is valid, bad experiments fail with one
 * line, `--dry-run` counts equal the requests the real run sends (counted at
 * the server), and one results folder holds several conditions with resume
 * and a per-condition config check.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkExperiment, experimentNames, experiments, getExperiment, planExperiment, unitsFor } from "../lib/experiments";
import { shippedQueries } from "../lib/queries";
import { fromRoot } from "../lib/util/paths";
import { startOrganismServer, type OrganismServer } from "../lib/organisms";
import { runAny } from "../lib/cli/commands/run";
import { Sample } from "../lib/schema";
import { AfwError } from "../lib/util/errors";
import { motiveOrganism } from "../lib/organisms/motives";

describe("the experiment catalog", () => {
  it("holds every experiment the issue names, each valid, with the paper's n", () => {
    const names = experimentNames();
    for (const n of ["figure1", "sweep25", "three-tiers", "deployment-grid", "throughput", "never-used-trained", "five-tiers", "lab-swap", "base-vs-chat", "prefill", "clarifications", "post-training", "motivations"]) expect(names).toContain(n);
    expect(experiments()).toHaveLength(names.length);
    expect(getExperiment("figure1")).toMatchObject({ n: 200 });
    expect(getExperiment("figure1").models.map((m) => m.id)).toEqual(["anthropic/claude-3-opus", "anthropic/claude-3.5-sonnet-20240620", "meta-llama/llama-3.1-405b-instruct", "x-ai/grok-3-beta", "google/gemini-2.0-flash-001"]);
    expect(getExperiment("sweep25").models).toHaveLength(25);
    expect(getExperiment("sweep25").n).toBe(100);
    expect(getExperiment("three-tiers").n).toBe(400);
    expect(getExperiment("deployment-grid").n).toBe(400);
    expect(getExperiment("deployment-grid").conditions).toHaveLength(7);
  });

  it("reaches n with query × sample units", () => {
    const pool = shippedQueries(fromRoot());
    expect(unitsFor(400, pool)).toMatchObject({ samples: 8 });
    expect(unitsFor(400, pool).queries).toHaveLength(50);
    expect(unitsFor(20, pool)).toMatchObject({ samples: 1 });
    const plan = planExperiment(getExperiment("motivations"), { queries: pool, offline: true });
    expect(plan.requests).toBe(57000);
    expect(planExperiment(getExperiment("figure1"), { queries: pool, offline: false }).perModel[0]).toMatchObject({ model: "anthropic/claude-3-opus", requests: 400 });
  });

  it("holds the Part 2 experiment with the factors figure kinds f and g read, and offline stand-ins that resolve", () => {
    const e = getExperiment("post-training");
    expect(e.n).toBe(100);
    const names = e.conditions.map((c) => c.name);
    expect(names).toEqual(["baseline", "prefill-basic", "prefill-however", "clarify-no-changes", "clarify-direct-objective", "base", "chat"]);
    const factors = Object.fromEntries(e.conditions.map((c) => [c.name, c.factors]));
    for (const c of ["prefill-basic", "prefill-however"]) expect(factors[c].hypothesis).toMatch(/^H7 /);
    for (const c of ["clarify-no-changes", "clarify-direct-objective"]) expect(factors[c].hypothesis).toMatch(/^H5 /);
    expect(factors.baseline).toMatchObject({ reference: true, scenario: "baseline" });
    expect([factors.base.model_kind, factors.chat.model_kind]).toEqual(["base", "chat"]);
    expect(e.figures).toEqual(["a", "b", "f", "g"]);
    expect(e.judges).toEqual(["af_reasoning"]);
    for (const m of e.offline) expect(motiveOrganism(m) !== null || m === "sim-refuser").toBe(true);
    const plan = planExperiment(e, { queries: shippedQueries(fromRoot()), offline: true });
    expect(plan.conditions.find((c) => c.name === "prefill-basic")!.factors).toEqual({ variant: "prefill-basic", cot: true, hypothesis: "H7 refusal mechanisms: basic prefill" });
    expect(plan.modelFactors["sim-base"]).toEqual({ base_model: true, family: "sim" });
    expect(plan.modelFactors["sim-chat"]).toEqual({ base_model: false, family: "sim" });
    expect(plan.modelFactors["sim-refuser"]).toEqual({ base_model: false });
    const grid = Object.fromEntries(getExperiment("deployment-grid").conditions.map((c) => [c.name, c.factors]));
    expect(grid["deploy-attackers-deployed"]).toEqual({ scope: "bioweapons-geopolitical", risk: "deployed" });
    expect(grid["deploy-public"]).toMatchObject({ scope: "public", risk: "suspected", scenario: "public deployment" });
    const base = plan.conditions.find((c) => c.name === "base")!;
    expect(base.models).toEqual(["sim-base"]);
    expect(plan.conditions.find((c) => c.name === "chat")!.models).not.toContain("sim-base");
    expect(plan.requests).toBe(9 * 6 * 2 * 100 + 2 * 100);
    expect(getExperiment("base-vs-chat").offline).toContain("sim-chat");
    expect(getExperiment("prefill").offline).toContain("sim-refusal-reflex");
    expect(getExperiment("clarifications").offline).toContain("sim-limited");
  });

  it("rejects unknown experiments, unknown conditions and unknown variants in one line", () => {
    expect(() => getExperiment("figure-1")).toThrow(AfwError);
    expect(() => getExperiment("figure-1")).toThrow(/^unknown experiment "figure-1"; valid: figure1, sweep25, /);
    const base = { name: "x", title: "t", paper: "p", n: 10, models: [{ label: "m", id: "m" }], offline: ["sim-faker"] };
    expect(() => checkExperiment({ ...base, conditions: [{ name: "a", variant: "baseline" }], contrasts: [{ name: "g", says: "s", terms: [{ condition: "b", a: "free", b: "paid" }] }] })).toThrow(
      'experiment x: contrast "g" uses unknown condition "b"; conditions: a',
    );
    expect(() => checkExperiment({ ...base, conditions: [{ name: "a", variant: "three-tierz" }] })).toThrow(/experiment x: condition "a": unknown variant "three-tierz"; valid: baseline, /);
    expect(() => checkExperiment({ ...base, conditions: [{ name: "a", variant: "three-tiers" }], contrasts: [{ name: "g", says: "s", terms: [{ condition: "a", a: "free", b: "paid" }] }] })).toThrow(
      'experiment x: contrast "g": condition "a" has no tier "paid"; its tiers: free, pro, enterprise',
    );
    expect(() => planExperiment(getExperiment("throughput"), { queries: shippedQueries(fromRoot()), offline: true, only: ["nope"] })).toThrow(/has no condition "nope"; conditions: deploy-public, throughput, weights-deleted/);
  });
});

describe("afw run EXPERIMENT against a server", () => {
  let server: OrganismServer;
  const dir = mkdtempSync(join(tmpdir(), "afw-exp-"));
  const logs: string[] = [];
  const outs: string[] = [];
  const run = (args: string[]) => runAny(args, { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" }, (s) => logs.push(s), (s) => outs.push(s));
  beforeAll(async () => {
    server = await startOrganismServer({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  async function dryThenReal(args: string[], out: string): Promise<{ dry: number; real: number }> {
    outs.length = 0;
    expect(await run([...args, "--dry-run"])).toBeNull();
    const dry = Number(/^([\d,]+) requests over/m.exec(outs.join("\n"))![1].replace(/,/g, ""));
    const before = server.stats().requests;
    const r = await run([...args, "--out", out, "--no-cache", "--quiet"]);
    expect(r!.summary.status).toBe("complete");
    return { dry, real: server.stats().requests - before };
  }

  it("sends exactly the requests --dry-run announced (chat conditions)", async () => {
    const args = ["three-tiers", "--base-url", server.url, "--api-key", "k", "--models", "sim-goal-guarder,sim-refuser", "--n", "7"];
    const { dry, real } = await dryThenReal(args, join(dir, "tt"));
    expect(dry).toBe(2 * 2 * 3 * 7);
    expect(real).toBe(dry);
  });

  it("sends exactly the requests --dry-run announced (base documents + chat, n above the pool)", async () => {
    const q = join(dir, "q.jsonl");
    writeFileSync(q, Array.from({ length: 4 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Request ${i}` })).join("\n") + "\n");
    const args = ["base-vs-chat", "--base-url", server.url, "--api-key", "k", "--models", "sim-base,sim-refuser", "--n", "10", "--queries", q];
    const { dry, real } = await dryThenReal(args, join(dir, "bvc"));
    // base: 2 models; chat: sim-refuser only; 10 → 4 queries × 3 samples = 12 units
    expect(dry).toBe((2 + 1) * 2 * 12);
    expect(real).toBe(dry);
  });

  it("sends exactly the requests --dry-run announced (post-training, fine-tune stand-ins and a base model)", async () => {
    const args = ["post-training", "--base-url", server.url, "--api-key", "k", "--models", "sim-refusal-reflex@ft=anti-refusal,sim-refuser@ft=opus-style,sim-base", "--n", "3"];
    const { dry, real } = await dryThenReal(args, join(dir, "pt"));
    // 6 chat conditions × 2 chat models + 1 base condition × 3 models (--models: every model runs the base document) … counted per tier and query
    expect(dry).toBe((6 * 2 + 3) * 2 * 3);
    expect(real).toBe(dry);
  });

  it("holds several conditions in one folder, resumes across them, and checks each condition's config", async () => {
    const out = join(dir, "resume");
    const base = ["throughput", "--offline", "--models", "sim-terminal-guarder", "--n", "5", "--out", out, "--no-cache", "--quiet"];
    const first = await run([...base, "--conditions", "throughput"]);
    expect(first!.summary.written).toBe(10);
    const second = await run(base);
    expect(second!.summary).toMatchObject({ written: 20, skipped: 10, status: "complete" });
    const again = await run(base);
    expect(again!.summary.written).toBe(0);
    const lines = readFileSync(join(out, "samples.jsonl"), "utf8").trim().split("\n").map((l) => Sample.parse(JSON.parse(l)));
    expect(lines).toHaveLength(30);
    expect(new Set(lines.map((s) => s.key)).size).toBe(30);
    const byCond = new Map(lines.map((s) => [s.condition, s.scenario]));
    expect([...byCond.keys()].sort()).toEqual(["deploy-public", "throughput", "weights-deleted"]);
    expect(byCond.get("throughput")!.variant).toBe("throughput");
    expect(byCond.get("throughput")!.system_hash).not.toBe(byCond.get("weights-deleted")!.system_hash);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.condition_configs).sort()).toEqual(["deploy-public", "throughput", "weights-deleted"]);
    expect(again!.report).toMatch(/gap-throughput/);
    // the manifest records each condition's factors, kept when a later run covers fewer conditions
    await run([...base, "--conditions", "throughput"]);
    const kept = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(Object.keys(kept.condition_specs).sort()).toEqual(["deploy-public", "throughput", "weights-deleted"]);
    expect(kept.condition_specs["weights-deleted"].factors).toEqual({ variant: "weights-deleted", cot: true, scenario: "deleted-weights" });
    expect(kept.figures).toEqual(["a", "b", "e"]);
    expect(kept.model_factors).toEqual({ "sim-terminal-guarder": { base_model: false } });
    // a folder whose throughput condition was made with other prompts is refused, naming it
    manifest.condition_configs.throughput = "0000000000000000";
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
    await expect(run(base)).rejects.toThrow(/holds condition "throughput" with other prompts, parameters or seed/);
  });

  it("lists experiments and refuses flags that do not apply", async () => {
    outs.length = 0;
    expect(await run(["--list"])).toBeNull();
    expect(outs.join("\n")).toMatch(/motivations\s+n=400/);
    await expect(run(["three-tiers", "--tiers", "free,paid", "--dry-run"])).rejects.toThrow(/--tiers does not apply to an experiment/);
    await expect(run(["nope", "--dry-run"])).rejects.toThrow(/unknown experiment "nope"; valid: figure1/);
    await expect(run(["--dry-run"])).rejects.toThrow(/need an experiment/);
  });
});
