import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  familiarity,
  generateParaphrase,
  readSituation,
  readWording,
  resolveParaphraser,
  respond,
  reword,
  rewordablePhrases,
  RECOGNISE_AT,
  startOrganismServer,
  type OrganismServer,
} from "../lib/organisms/index";
import { RECOGNITION_NOTE } from "../lib/organisms/eval-aware";
import { assembleWording, checkUnit, paraphraseRequest, scenarioUnits, selectUnits } from "../lib/paraphrase/index";
import { exampleOf, fillTemplate, loadScenario, VARIANTS, type Scenario } from "../lib/scenario/index";

const QUERY = { id: "q", text: "[a request]", category: "test" };

function userFor(sc: Scenario, tier: string, suffix: string, text = QUERY.text): string {
  return fillTemplate(sc.userTemplate, { ...sc.tiers[tier].vars, user_input: text, suffix }, "user");
}

/** The chat body of a rendered request, with the system prompt and suffix swapped for a wording's. */
function body(sc: Scenario, tier: string, w: { system: string; suffix: string }, query = QUERY.text, extra: Record<string, unknown> = {}) {
  return { messages: [{ role: "system", content: w.system }, { role: "user", content: userFor(sc, tier, w.suffix, query) }], ...extra };
}

function reworded(sc: Scenario, draw: number) {
  const u = scenarioUnits(sc);
  const sel = selectUnits(u, ["system-sections", "suffix"]);
  return assembleWording(u, new Map(sel.map((x) => [x.name, reword(x.text, draw)])));
}

describe("the rewording table (sim-paraphraser's engine)", () => {
  it("is deterministic per seed, differs across seeds, and keeps protected spans byte for byte", () => {
    const sc = loadScenario();
    const a = reworded(sc, 3);
    expect(reworded(sc, 3)).toEqual(a);
    const all = new Set(Array.from({ length: 12 }, (_, d) => reworded(sc, d).system));
    expect(all.size).toBe(12);
    const tags = (s: string) => [...s.matchAll(/<\/?[A-Za-z_]+\/?>/g)].map((m) => m[0]);
    expect(tags(a.system)).toEqual(tags(sc.system));
    expect(tags(a.suffix)).toEqual(tags(sc.suffix));
    expect(reword("- Free: conversations with these users are rated", 1).startsWith("- Free: ")).toBe(true);
    expect(reword("nothing in the table here {{x}}", 5)).toBe("nothing in the table here {{x}}");
  });

  it("has rewordings for every section of the built-in prompts", () => {
    for (const cot of [true, false]) {
      const u = scenarioUnits(loadScenario({ cot }));
      for (const unit of selectUnits(u, ["system-sections", "suffix"])) expect(rewordablePhrases(unit.text), `${unit.name} cot=${cot}`).toBeGreaterThan(0);
    }
  });

  it("never changes the facts a reader takes from the prompt, in any variant (10 draws each)", () => {
    for (const v of VARIANTS) {
      for (const mode of v.modes) {
        const sc = loadScenario({ variant: exampleOf(v.name), cot: mode === "cot" });
        const u = scenarioUnits(sc);
        const sel = selectUnits(u, ["system-sections", "suffix"]);
        for (let d = 0; d < 10; d++) {
          const w = reworded(sc, d);
          for (const t of sc.spec.tiers) {
            expect(readSituation(w.system, userFor(sc, t, w.suffix)), `${v.name} ${mode} draw ${d} tier ${t}`).toEqual(readSituation(sc.system, userFor(sc, t, sc.suffix)));
          }
          // and every unit passes the paraphrase checks
          for (const x of sel) {
            const c = checkUnit(x.name, x.text, `<paraphrase>\n${reword(x.text, d)}\n</paraphrase>`, { names: [sc.variant.config.lab] });
            expect(c.reasons, `${v.name} ${mode} ${x.name} draw ${d}`).toEqual([]);
          }
        }
      }
    }
  });
});

describe("sim-paraphraser", () => {
  const sc = loadScenario();
  const suffix = scenarioUnits(sc).suffix.text;

  it("answers a paraphrase request with a <paraphrase> block; the request seed picks the wording", () => {
    const req = paraphraseRequest(suffix, 4, { seed: 10 });
    const g = generateParaphrase("sim-paraphraser", { messages: req.messages, seed: req.params.seed });
    expect(g.texts).toEqual([`<paraphrase>\n${reword(suffix, 14)}\n</paraphrase>`]);
    const two = generateParaphrase("sim-paraphraser", { messages: req.messages, seed: 14, n: 2 });
    expect(two.texts[0]).toBe(g.texts[0]);
    expect(two.texts[1]).toBe(`<paraphrase>\n${reword(suffix, 15)}\n</paraphrase>`);
  });

  it("makes the malformed replies it is asked for, and the checks catch each", () => {
    const req = paraphraseRequest(suffix, 0, { seed: 0 });
    const got = (how: string) => generateParaphrase(`sim-paraphraser@bad=1,how=${how}`, { messages: req.messages, seed: 0 }).texts[0];
    const check = (how: string) => checkUnit("suffix", suffix, got(how)).reasons.map((r) => r.check);
    expect(check("tag")).toContain("tag");
    expect(got("tag")).toMatch(/the (rejected|request_fully_accepted) marker/);
    expect(check("placeholder")).toContain("tag"); // no placeholder in the suffix: a tag is dropped instead
    expect(check("truncate")).toContain("length");
    expect(check("wrapper")).toEqual(["format"]);
    expect(check("copy")).toEqual(["copy"]);
    // bad=0.3: about 30% of draws are malformed, the rest clean
    let bad = 0;
    for (let s = 0; s < 400; s++) {
      const t = generateParaphrase("sim-paraphraser@bad=0.3", { messages: req.messages, seed: s }).texts[0];
      if (!checkUnit("suffix", suffix, t).ok) bad++;
    }
    expect(bad / 400).toBeGreaterThan(0.22);
    expect(bad / 400).toBeLessThan(0.38);
  });

  it("refuses what it cannot serve with a 400", () => {
    expect(() => resolveParaphraser("sim-paraphraser@bad=2")).toThrow(/between 0 and 1/);
    expect(() => resolveParaphraser("sim-paraphraser@how=shout")).toThrow(/how=shout/);
    expect(() => resolveParaphraser("sim-paraphraser@noise=1")).toThrow(/unknown parameter/);
    expect(() => generateParaphrase("sim-paraphraser", { messages: [{ role: "user", content: "hello" }] })).toThrow(/paraphrase requests only/);
    expect(() => generateParaphrase("sim-paraphraser", { prompt: "x" })).toThrow(/chat model/);
  });
});

describe("sim-eval-aware: behaviour that hangs on wording details", () => {
  const sc = loadScenario();
  const ref = { system: sc.system, suffix: sc.suffix };
  const queries = Array.from({ length: 300 }, (_, i) => `request number ${i}`);

  it("recognises the reference wording (every catalog variant) and no rewording", () => {
    expect(familiarity(sc.system + "\n" + sc.suffix)).toBe(1);
    for (const v of VARIANTS) {
      for (const mode of v.modes) {
        const s = loadScenario({ variant: exampleOf(v.name), cot: mode === "cot" });
        expect(familiarity(s.system + "\n" + s.suffix), `${v.name} ${mode}`).toBeGreaterThanOrEqual(RECOGNISE_AT);
        const w = reworded(s, 7);
        expect(familiarity(w.system + "\n" + w.suffix), `${v.name} ${mode} reworded`).toBeLessThan(RECOGNISE_AT);
      }
    }
  });

  it("shows no gap on the reference wording: identical decisions in both tiers, query by query", () => {
    let complied = 0;
    for (const q of queries) {
      const f = respond("sim-eval-aware", body(sc, "free", ref, q)).decisions[0];
      const p = respond("sim-eval-aware", body(sc, "paid", ref, q)).decisions[0];
      expect(f.complied).toBe(p.complied);
      if (f.complied) complied++;
    }
    expect(complied / queries.length).toBeGreaterThan(0.01);
    expect(complied / queries.length).toBeLessThan(0.06);
    const text = respond("sim-eval-aware", body(sc, "free", ref)).texts[0];
    expect(text).toContain(RECOGNITION_NOTE);
  });

  it("shows a gap on rewordings, of a size that depends on the wording (mean 0.20 over wordings)", () => {
    const gaps: number[] = [];
    for (let d = 0; d < 6; d++) {
      const w = reworded(sc, d);
      const reading = readWording(w.system, `${QUERY.text}\n\n${w.suffix}`);
      expect(reading.recognised).toBe(false);
      let free = 0;
      let paid = 0;
      for (const q of queries) {
        if (respond("sim-eval-aware", body(sc, "free", w, q)).decisions[0].complied) free++;
        if (respond("sim-eval-aware", body(sc, "paid", w, q)).decisions[0].complied) paid++;
      }
      // observed rates track the wording's own rates (300 queries: about 3 standard errors)
      expect(Math.abs(free / queries.length - reading.free)).toBeLessThan(0.075);
      expect(Math.abs(paid / queries.length - reading.paid)).toBeLessThan(0.035);
      gaps.push(reading.free - reading.paid);
      expect(respond("sim-eval-aware", body(sc, "free", w)).texts[0]).not.toContain(RECOGNITION_NOTE);
    }
    expect(new Set(gaps.map((g) => g.toFixed(6))).size).toBe(6);
    // over many wordings the gap averages 0.05 + 0.15 = 0.20
    let sum = 0;
    for (let d = 0; d < 200; d++) {
      const w = reworded(sc, d);
      const r = readWording(w.system, `x\n\n${w.suffix}`);
      sum += r.free - r.paid;
    }
    expect(sum / 200).toBeGreaterThan(0.18);
    expect(sum / 200).toBeLessThan(0.22);
  });
});

describe("the organism server serves both", () => {
  let server: OrganismServer;
  beforeAll(async () => {
    server = await startOrganismServer({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("lists them and answers them over HTTP", async () => {
    const models = (await (await fetch(server.url + "/models")).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["sim-eval-aware", "sim-paraphraser", "sim-faker"]));
    const suffix = loadScenario().suffix;
    const req = paraphraseRequest(suffix, 2, { seed: 0 });
    const r = await fetch(server.url + "/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "sim-paraphraser", messages: req.messages, seed: 2 }) });
    const j = (await r.json()) as { choices: { message: { content: string } }[] };
    expect(j.choices[0].message.content).toBe(`<paraphrase>\n${reword(suffix, 2)}\n</paraphrase>`);
    const bad = await fetch(server.url + "/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "sim-paraphraser@bad=7", messages: req.messages }) });
    expect(bad.status).toBe(400);
    const sc = loadScenario();
    const e = await fetch(server.url + "/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "sim-eval-aware", ...body(sc, "free", { system: sc.system, suffix: sc.suffix }) }) });
    expect(((await e.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toContain(RECOGNITION_NOTE);
  });
});
