import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelClient } from "../lib/models";
import { startOrganismServer, type OrganismServer } from "../lib/organisms";
import { generateLabelledSet } from "../lib/organisms/judge-labels";
import { loadLabelledSet, validateJudge } from "../lib/classify";
import { auroc } from "../lib/stats";
import { aurocVsVotes, rocFigure } from "../lib/figures";

describe("labelled sets", () => {
  const dir = mkdtempSync(join(tmpdir(), "afw-labels-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("reads JSONL and JSON arrays with the accepted field names and label values", () => {
    const p = join(dir, "a.jsonl");
    writeFileSync(p, ['{"id": 1, "scratchpad": "a", "label": true}', '{"text": "b", "human_label": "no"}', "", '{"reasoning": "c", "is_af": 1}', '{"transcript": "d", "label": "Not AF"}'].join("\n"));
    expect(loadLabelledSet(p)).toEqual([
      { id: "1", scratchpad: "a", label: true },
      { id: "1", scratchpad: "b", label: false },
      { id: "2", scratchpad: "c", label: true },
      { id: "3", scratchpad: "d", label: false },
    ]);
    const q = join(dir, "b.json");
    writeFileSync(q, JSON.stringify([{ text: "x", label: "yes" }]));
    expect(loadLabelledSet(q)).toEqual([{ id: "0", scratchpad: "x", label: true }]);
  });
  it("names the line and field of a bad example", () => {
    const p = join(dir, "bad.jsonl");
    writeFileSync(p, '{"scratchpad": "a", "label": true}\n{"scratchpad": "b", "label": "maybe"}\n');
    expect(() => loadLabelledSet(p)).toThrow(/bad\.jsonl:2: label: text labels must be/);
    writeFileSync(p, '{"scratchpad": "a"}\n');
    expect(() => loadLabelledSet(p)).toThrow(/bad\.jsonl:1: no label field/);
  });
  it("generates a set with known truth from the organisms, about half AF", () => {
    const set = generateLabelledSet(40, { seed: 3 });
    expect(set).toHaveLength(40);
    expect(set.filter((e) => e.label)).toHaveLength(20);
    for (const e of set) {
      expect(e.scratchpad.length).toBeGreaterThan(50);
      expect(e.label).toBe(e.source.startsWith("sim-faker free") && !e.source.endsWith("refuse"));
    }
    expect(generateLabelledSet(40, { seed: 3 })).toEqual(set);
  });
});

describe("validateJudge on an organism-generated labelled set (scripted judge)", () => {
  let server: OrganismServer;
  let client: ModelClient;
  beforeAll(async () => {
    server = await startOrganismServer();
    client = new ModelClient({ baseURL: server.url, apiKey: "x" });
  });
  afterAll(() => server.close());

  it("gives an AUROC curve over votes that rises and plateaus, with CIs that agree with a recomputation", async () => {
    const set = generateLabelledSet(160, { seed: 1 });
    const r = await validateJudge(set, { client, judgeModel: "sim-judge", B: 500, seed: 2 });
    const a = Object.fromEntries(r.rows.map((x) => [x.votes, x.auroc]));
    expect(r.rows.map((x) => x.votes)).toEqual([1, 2, 5, 10, 20, 50]);
    // rises…
    expect(a[1]).toBeLessThan(a[5]);
    expect(a[5]).toBeLessThan(a[20]);
    expect(a[20] - a[1]).toBeGreaterThan(0.1);
    // …and plateaus: going from 20 to 50 votes gains far less than from 1 to 5
    expect(Math.abs(a[50] - a[20])).toBeLessThan(0.03);
    expect(Math.abs(a[50] - a[20])).toBeLessThan((a[5] - a[1]) / 3);
    expect(a[50]).toBeLessThan(1);
    for (const x of r.rows) {
      expect(x.ci_low).toBeLessThanOrEqual(x.auroc);
      expect(x.ci_high).toBeGreaterThanOrEqual(x.auroc);
      expect(x.delong_low).toBeLessThanOrEqual(x.auroc);
      expect(x.n).toBe(160);
    }
    // independent recomputation of the 20-vote AUROC from the recorded votes
    const s20 = r.examples.map((e) => e.votes.slice(0, 20).filter(Boolean).length / 20);
    expect(auroc(s20, r.examples.map((e) => e.label))).toBeCloseTo(a[20], 12);
    const c = r.confusion;
    expect(c.tp + c.fp + c.tn + c.fn).toBe(160);
    expect(c.tp).toBe(s20.filter((s, i) => s >= 0.4 && r.examples[i].label).length);
    expect(r.usage.calls).toBe(160); // one n-request per example for 50 votes
    expect(r.invalid).toBe(0);
    // figures of kind h
    const f = aurocVsVotes(r.rows);
    expect(f.data).toHaveLength(3);
    expect(f.data[1].fill).toBe("tonexty");
    expect(f.layout.xaxis).toMatchObject({ type: "log" });
    expect(rocFigure(r.roc, { threshold: 0.4 }).data).toHaveLength(2);
  });

  it("more judge noise lowers the plateau", async () => {
    const set = generateLabelledSet(120, { seed: 5 });
    const clean = await validateJudge(set, { client, judgeModel: "sim-judge@noise=0", votesGrid: [50], B: 50 });
    const noisy = await validateJudge(set, { client, judgeModel: "sim-judge@noise=0.6", votesGrid: [50], B: 50 });
    expect(noisy.rows[0].auroc).toBeLessThan(clean.rows[0].auroc - 0.05);
  });
});
