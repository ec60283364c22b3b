import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildParaphraseSet,
  formatParaphrasePlan,
  loadParaphraseSet,
  openParaphraseEndpoint,
  planParaphraseSet,
  PARAPHRASE_SYSTEM,
  promptsHash,
  validateParaphraseSet,
  type ParaphraseEndpoint,
} from "../lib/paraphrase/index";
import { estimateCost } from "../lib/experiments/prices";
import { loadScenario } from "../lib/scenario/index";
import { sha256 } from "../lib/util/hash";
import { AfwError } from "../lib/util/errors";

let ep: ParaphraseEndpoint;
let root: string;
beforeAll(async () => {
  ep = await openParaphraseEndpoint({ offline: true, cacheDir: null });
  root = mkdtempSync(join(tmpdir(), "afw-paraphrase-build-"));
});
afterAll(async () => {
  await ep.close();
});

const base = () => ({ scenario: loadScenario(), client: ep.client, baseURL: null, offline: true as const });

describe("a paraphrase set built offline", () => {
  it("K = 8: every wording passes, every file is byte-exact, the manifest says how it was made", async () => {
    const out = join(root, "k8");
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 8, out });
    const m = r.manifest;
    expect(m.status).toBe("complete");
    expect(m.wordings).toHaveLength(8);
    expect(m.rejected).toEqual([]);
    expect(m.draws_done).toBe(8);
    expect(m.generator).toMatchObject({ model: "sim-paraphraser", offline: true, base_url: null, seed: 0 });
    expect(m.prompts).toMatchObject({ hash: promptsHash(), system: PARAPHRASE_SYSTEM });
    const sc = loadScenario();
    expect(m.source.system_sha256).toBe(sha256(sc.system));
    expect(m.source.suffix_sha256).toBe(sha256(sc.suffix));
    expect(m.source.units.filter((u) => u.selected).map((u) => u.name)).toEqual(["identity", "format", "strategy", "criteria", "training", "closing", "suffix"]);
    expect(readFileSync(join(out, "reference", "system.txt"), "utf8")).toBe(sc.system);
    const set = loadParaphraseSet(out);
    expect(validateParaphraseSet(set).every((v) => v.ok)).toBe(true);
    const systems = new Set<string>();
    for (const w of set.wordings) {
      const text = readFileSync(w.systemFile, "utf8");
      systems.add(text);
      expect(sha256(text)).toBe(w.systemSha256);
      // usable as byte-exact overrides
      const ws = loadScenario({ overrides: { system: w.systemFile, suffix: w.suffixFile } });
      expect(ws.system).toBe(text);
      expect(ws.suffix).toBe(readFileSync(w.suffixFile, "utf8"));
      expect(ws.render({ id: "q", text: "[req]", category: "c" }, "free").request.messages![1].content).toContain("<is_free_tier_user>true</is_free_tier_user>");
      // the worked examples were not reworded
      expect(text).toContain("=== Example 1 ===");
    }
    expect(systems.size).toBe(8);
    const entry = m.wordings[0];
    expect(entry.units).toHaveLength(7);
    for (const u of entry.units) {
      expect(u.chrf).toBeGreaterThan(0.3);
      expect(u.chrf).toBeLessThan(1);
      expect(u.length_ratio).toBeGreaterThan(0.5);
    }
  });

  it("lists every malformed draw with its reasons and keeps drawing until K pass", async () => {
    const out = join(root, "bad");
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser@bad=0.08", k: 8, out });
    const m = r.manifest;
    expect(m.status).toBe("complete");
    expect(m.wordings).toHaveLength(8);
    expect(m.rejected.length).toBeGreaterThan(0);
    // nothing silently dropped: every draw is either a wording or a listed rejection
    expect(m.wordings.length + m.rejected.length).toBe(m.draws_done);
    const draws = [...m.wordings.map((w) => w.draw), ...m.rejected.map((x) => x.draw)].sort((a, b) => a - b);
    expect(draws).toEqual(Array.from({ length: m.draws_done }, (_, i) => i));
    for (const rej of m.rejected) {
      expect(rej.reasons.length).toBeGreaterThan(0);
      for (const reason of rej.reasons) expect(["format", "tag", "placeholder", "length", "copy", "name"]).toContain(reason.check);
      expect(existsSync(join(out, `w${String(rej.draw).padStart(2, "0")}`))).toBe(false);
    }
    // wording ids are their draws, so they stay put across resumes
    for (const w of m.wordings) expect(w.id).toBe(`w${String(w.draw).padStart(2, "0")}`);
  });

  it("gives up after max draws with status incomplete when too few pass", async () => {
    const out = join(root, "hopeless");
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser@bad=1,how=tag", k: 3, maxDraws: 5, out, parts: ["suffix"] });
    expect(r.manifest.status).toBe("incomplete");
    expect(r.manifest.wordings).toEqual([]);
    expect(r.manifest.rejected).toHaveLength(5);
    for (const rej of r.manifest.rejected) expect(rej.reasons[0]).toMatchObject({ unit: "suffix", check: "tag" });
    expect(r.manifest.rejected[0].reasons[0].detail).toMatch(/^dropped tag </);
  });

  it("rewords only the parts asked for", async () => {
    const out = join(root, "suffix-only");
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out, parts: ["suffix"] });
    const sc = loadScenario();
    const set = loadParaphraseSet(out);
    for (const w of set.wordings) {
      expect(readFileSync(w.systemFile, "utf8")).toBe(sc.system);
      expect(readFileSync(w.suffixFile, "utf8")).not.toBe(sc.suffix);
    }
    expect(r.manifest.wordings[0].units.map((u) => u.unit)).toEqual(["suffix"]);
  });
});

describe("resuming and kill-safety", () => {
  it("an interrupted build resumes from its journal without sending a journaled draw again", async () => {
    const out = join(root, "resume");
    const ctl = new AbortController();
    const first = await buildParaphraseSet({
      ...base(),
      model: "sim-paraphraser",
      k: 8,
      out,
      concurrency: 2,
      signal: ctl.signal,
      log: (line) => {
        if (line.startsWith("draw 1:")) ctl.abort();
      },
    });
    expect(first.manifest.status).toBe("incomplete");
    expect(first.manifest.wordings).toHaveLength(2);
    const journaled = readFileSync(join(out, "draws.jsonl"), "utf8").trim().split("\n");
    expect(journaled).toHaveLength(2);
    const second = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 8, out, concurrency: 2 });
    expect(second.drawsResumed).toBe(2);
    expect(second.drawsSent).toBe(6);
    expect(second.manifest.status).toBe("complete");
    const lines = readFileSync(join(out, "draws.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).draw);
    expect(lines).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // same result as an uninterrupted build
    const clean = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 8, out: join(root, "resume-clean") });
    expect(second.manifest.wordings.map((w) => w.system_sha256)).toEqual(clean.manifest.wordings.map((w) => w.system_sha256));
    // a third run sends nothing
    const third = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 8, out });
    expect(third.drawsSent).toBe(0);
    expect(third.manifest.wordings).toEqual(second.manifest.wordings);
  });

  it("a torn last journal line (a kill mid-write) is cut and that draw made again", async () => {
    const out = join(root, "torn");
    await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out });
    const journal = join(out, "draws.jsonl");
    const whole = readFileSync(journal, "utf8");
    const lines = whole.trim().split("\n");
    writeFileSync(journal, lines[0] + "\n" + lines[1].slice(0, 40));
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out });
    expect(r.drawsResumed).toBe(1);
    expect(r.drawsSent).toBe(1);
    expect(readFileSync(journal, "utf8")).toBe(whole);
  });

  it("refuses to resume into a folder made with other settings, or a folder that is not a set", async () => {
    const out = join(root, "k8");
    await expect(buildParaphraseSet({ ...base(), model: "sim-paraphraser@bad=0.1", k: 8, out })).rejects.toThrow(/made with other settings/);
    await expect(buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 8, out, parts: ["suffix"] })).rejects.toThrow(AfwError);
    const other = join(root, "not-a-set");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "mine");
    await expect(buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out: other })).rejects.toThrow(/holds no paraphrase set/);
    expect(readdirSync(other)).toEqual(["notes.txt"]);
  });

  it("a raised K resumes the set and adds wordings; a journal line from other settings is refused", async () => {
    const out = join(root, "grow");
    await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out });
    const r = await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 4, out });
    expect(r.drawsResumed).toBe(2);
    expect(r.manifest.wordings).toHaveLength(4);
    appendFileSync(join(out, "draws.jsonl"), JSON.stringify({ draw: 9, config_hash: "0000000000000000", replies: {} }) + "\n");
    await expect(buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 4, out })).rejects.toThrow(/draws\.jsonl:5: draw made with other settings/);
  });

  it("a wording file changed by hand is caught when the set is loaded", async () => {
    const out = join(root, "tamper");
    await buildParaphraseSet({ ...base(), model: "sim-paraphraser", k: 2, out });
    const set = loadParaphraseSet(out);
    appendFileSync(set.wordings[1].suffixFile, " ");
    expect(() => loadParaphraseSet(out)).toThrow(/changed since the set was made/);
    expect(() => loadParaphraseSet(join(root, "nowhere"))).toThrow(/no paraphrase set here/);
  });
});

describe("the response cache", () => {
  it("serves a rebuilt set from the cache: the same wordings, no request sent", async () => {
    const cacheDir = join(root, "cache");
    const cached = await openParaphraseEndpoint({ offline: true, cacheDir });
    try {
      const a = await buildParaphraseSet({ ...base(), client: cached.client, model: "sim-paraphraser", k: 3, out: join(root, "cached-a") });
      const sent = cached.client.totals();
      expect(sent.cached).toBe(0);
      const b = await buildParaphraseSet({ ...base(), client: cached.client, model: "sim-paraphraser", k: 3, out: join(root, "cached-b") });
      const t = cached.client.totals();
      expect(t.requests - sent.requests).toBe(3 * 7);
      expect(t.cached - sent.cached).toBe(3 * 7);
      expect(b.manifest.wordings.map((w) => w.system_sha256)).toEqual(a.manifest.wordings.map((w) => w.system_sha256));
    } finally {
      await cached.close();
    }
  });
});

describe("dry run", () => {
  it("counts requests and tokens, and prices them", () => {
    const sc = loadScenario();
    const p = planParaphraseSet({ scenario: sc, model: "openai/gpt-4o", k: 8 });
    expect(p.requests).toBe(7 * 8);
    expect(p.requestsMax).toBe(7 * 24);
    expect(p.cost).toBeCloseTo(estimateCost("openai/gpt-4o", p.promptTokens, p.completionTokens)!, 12);
    expect(p.cost! > 0).toBe(true);
    expect(p.costMax! / p.cost!).toBeCloseTo(3, 6);
    expect(planParaphraseSet({ scenario: sc, model: "sim-paraphraser", k: 8 }).cost).toBe(0);
    expect(planParaphraseSet({ scenario: sc, model: "someone/unknown", k: 8 }).cost).toBeNull();
    const text = formatParaphrasePlan(p);
    expect(text).toMatch(/requests: 56 if every draw passes, at most 168 \(24 draws\)/);
    expect(text).toMatch(/estimated cost: \$\d+\.\d{4}/);
    const suffixOnly = planParaphraseSet({ scenario: sc, model: "openai/gpt-4o", k: 8, parts: ["suffix"] });
    expect(suffixOnly.requests).toBe(8);
    expect(suffixOnly.promptTokens).toBeLessThan(p.promptTokens);
  });
});
