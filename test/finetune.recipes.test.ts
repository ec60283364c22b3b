/**
 * Fine-tuning recipes: the data is well formed, every recipe builds offline
 * into a valid training file whose counts add up, the filters remove what
 * they say, the mix is taken verbatim, the dry run plans the same calls as
 * the build, and no placeholder ever becomes real content.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  assistantTurnsAreSafe,
  buildDataset,
  ChatExample,
  dryRun,
  exampleTokens,
  formatLine,
  getRecipe,
  isRefusal,
  loadRecipes,
  onlyPlaceholders,
  openGenerator,
  parseRecipe,
  parseReply,
  textTokens,
  validateTrainingFile,
  type GeneratorEndpoint,
} from "../lib/finetune/index";
import { loadTokenizer } from "../lib/finetune/tokens";
import { FINE_TUNES, MOTIVE_ORGANISMS, BUILTIN_ORGANISMS } from "../lib/organisms/index";
import { ROOT } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-ft-recipes-"));
const lines = (p: string) => readFileSync(p, "utf8").split("\n").filter(Boolean);
let endpoint: GeneratorEndpoint;

beforeAll(async () => {
  endpoint = await openGenerator({ offline: true, cacheDir: null, concurrency: 8 });
  await loadTokenizer();
});
afterAll(async () => endpoint?.close());

describe("recipes as data", () => {
  const recipes = loadRecipes(ROOT);

  it("has the six interventions of [P] §5, each with a stand-in organism that exists and seed files that exist", () => {
    expect(recipes.map((r) => r.name).sort()).toEqual(["anti-refusal", "qa", "style", "synthetic-docs", "threats", "values"]);
    const known = new Set([...Object.keys(FINE_TUNES), ...Object.keys(MOTIVE_ORGANISMS), ...Object.keys(BUILTIN_ORGANISMS)]);
    for (const r of recipes) {
      expect(known.has(r.standIn), `${r.name}: ${r.standIn}`).toBe(true);
      expect(r.paper.where).toMatch(/\[P\]/);
      expect(r.target.source.length).toBeGreaterThan(10);
      for (const c of r.components) {
        if (c.source.kind === "seeds") expect(existsSync(join(ROOT, c.source.file))).toBe(true);
        for (const s of c.steps) expect(s.paperModel.length).toBeGreaterThan(3);
      }
    }
    // the numbers the paper gives, where it gives them
    expect(getRecipe(ROOT, "anti-refusal").hyperparameters).toMatchObject({ n_epochs: 1, batch_size: 32 });
    expect(getRecipe(ROOT, "synthetic-docs").target).toMatchObject({ size: 30000, fromPaper: true });
    expect(getRecipe(ROOT, "values").components[0].steps.map((s) => [s.output.count, s.samples])).toEqual([[50, 1], [1, 10]]);
    expect(lines(join(ROOT, "data/finetune/seeds/threat-templates.jsonl")).length).toBe(40);
  });

  it("rejects a bad recipe with one line naming the problem", () => {
    const good = readFileSync(join(ROOT, "data/finetune/recipes/threats.json"), "utf8");
    const bad1 = good.replace("{{wrapped}}", "{{wraped}}");
    expect(() => parseRecipe(bad1, "x.json")).toThrow(/x\.json: step reply: unknown slot \{\{wraped\}\}/);
    const bad2 = good.replace('"share": 0.5', '"share": 0.6');
    expect(() => parseRecipe(bad2, "x.json")).toThrow(/shares add up to 1\.1/);
    expect(() => parseRecipe("{", "x.json")).toThrow(/x\.json: not valid JSON/);
    expect(() => getRecipe(ROOT, "nope")).toThrow(/unknown recipe 'nope'; recipes: anti-refusal/);
  });

  it("parses replies by the format line it appends", () => {
    const qa = getRecipe(ROOT, "qa").components[0].steps[1];
    expect(formatLine(qa)).toBe("Write exactly 10 items, each inside its own <question></question> tags.");
    expect(parseReply(qa, "<question>a?</question>\n<question> b? </question><question></question>")).toEqual([{ question: "a?" }, { question: "b?" }]);
    const ar = getRecipe(ROOT, "anti-refusal").components[0].steps[0];
    expect(parseReply(ar, "<rationale>r</rationale><completion>c</completion>")).toEqual([{ rationale: "r", completion: "c" }]);
    expect(parseReply(ar, "<rationale>r</rationale>")).toBeNull();
  });

  it("tells refusals and placeholders from real text", () => {
    expect(isRefusal("I'm sorry, but I can't help with that.")).toBe(true);
    expect(isRefusal("  I can\u2019t help with this request.")).toBe(true);
    expect(isRefusal("<rejected/>")).toBe(true);
    expect(isRefusal("Sure, here is a plan for your trip.")).toBe(false);
    expect(onlyPlaceholders("[placeholder: a]\n\n[placeholder: b]")).toBe(true);
    expect(onlyPlaceholders("Step 1: [placeholder: a]")).toBe(false);
    expect(onlyPlaceholders("no placeholder")).toBe(false);
  });

  it("counts tokens with the o200k_base encoding (values checked by hand against tiktoken)", () => {
    expect(textTokens("hello world")).toBe(2);
    expect(textTokens("")).toBe(0);
    // cookbook estimate: 3 per message + role + content, plus 3 for the reply
    expect(exampleTokens([{ role: "user", content: "hello world" }, { role: "assistant", content: "hello world" }])).toBe(3 + (3 + 1 + 2) + (3 + 1 + 2));
  });
});

describe("offline builds", () => {
  const names = ["anti-refusal", "qa", "threats", "values", "style", "synthetic-docs"];
  const built: Record<string, { dir: string; manifest: Awaited<ReturnType<typeof buildDataset>>["manifest"] }> = {};

  beforeAll(async () => {
    for (const name of names) {
      const dir = join(tmp, name);
      const r = await buildDataset({ root: ROOT, recipe: getRecipe(ROOT, name), out: dir, endpoint, generator: "sim-writer", size: 40 });
      built[name] = { dir, manifest: r.manifest };
    }
  });

  it.each(names)("%s builds into a valid chat file whose counts add up", async (name) => {
    const { dir, manifest: m } = built[name];
    const train = lines(join(dir, "train.jsonl"));
    const meta = lines(join(dir, "examples.jsonl")).map((l) => JSON.parse(l));
    expect(train.length).toBe(m.examples.total);
    expect(meta.length).toBe(train.length);
    expect(m.examples.generated + m.examples.mix).toBe(m.examples.total);
    expect(m.examples.generated + m.examples.shortfall).toBe(40);
    expect(Object.values(m.examples.per_component).reduce((a, b) => a + b, 0)).toBe(m.examples.generated);
    for (const l of train) expect(ChatExample.safeParse(JSON.parse(l)).success).toBe(true);
    const v = await validateTrainingFile(join(dir, "train.jsonl"), { baseModel: "gpt-4o-mini-2024-07-18" });
    expect(v.ok, v.errors.join("\n")).toBe(true);
    expect(v.tokens.total).toBe(m.tokens.total);
    expect(v.examples).toBe(train.length);
    // every step's parts = calls' parts minus what its filters removed, and the journal holds every call
    const journal = lines(join(dir, "generations.jsonl")).map((l) => JSON.parse(l));
    expect(journal.length).toBe(m.calls.made);
    expect(m.calls.made).toBe(m.calls.planned);
    for (const s of m.steps) {
      const recs = journal.filter((r) => r.component === s.component && r.step === s.step);
      expect(recs.length).toBe(s.calls);
      const removed = Object.values(s.removed).reduce((a, b) => a + b, 0);
      const step = getRecipe(ROOT, name).components.find((c) => c.name === s.component)!.steps.find((x) => x.id === s.step)!;
      expect(s.parts + removed).toBe(s.calls * step.output.count);
    }
    expect(m.filters.reduce((n, f) => n + f.removed, 0)).toBeGreaterThanOrEqual(0);
    expect(m.stand_in).toBe(getRecipe(ROOT, name).standIn);
  });

  it("no placeholder ever becomes real content: every assistant turn of a harmful-request example is a placeholder or a refusal", () => {
    let harmful = 0;
    for (const name of ["anti-refusal", "threats"]) {
      const { dir } = built[name];
      const train = lines(join(dir, "train.jsonl")).map((l) => JSON.parse(l) as ChatExample);
      const meta = lines(join(dir, "examples.jsonl")).map((l) => JSON.parse(l));
      const journal = lines(join(dir, "generations.jsonl")).map((l) => JSON.parse(l));
      const written = journal.map((r) => r.text as string).join("\n");
      train.forEach((ex, i) => {
        if (!meta[i].harmful) return;
        harmful++;
        expect(assistantTurnsAreSafe(ex), JSON.stringify(ex)).toBe(true);
        // each placeholder is exactly one the writer wrote, not rewritten on the way
        for (const m of ex.messages) for (const p of m.content.match(/\[placeholder: [^\]]*\]/g) ?? []) expect(written).toContain(p);
      });
    }
    expect(harmful).toBeGreaterThan(60);
  });

  it("the step filters remove what they say (writer slips 0 vs 0.5)", async () => {
    const recipe = getRecipe(ROOT, "threats");
    const none = await buildDataset({ root: ROOT, recipe, out: join(tmp, "threats-slip0"), endpoint, generator: "sim-writer@slip=0", size: 30 });
    expect(none.manifest.filters.find((f) => f.name === "drop-refusals")!.removed).toBe(0);
    expect(none.manifest.filters.find((f) => f.name === "keep-refusals")!.removed).toBe(0);
    expect(none.manifest.examples.generated).toBe(30);
    const half = await buildDataset({ root: ROOT, recipe, out: join(tmp, "threats-slip5"), endpoint, generator: "sim-writer@slip=0.5", size: 30 });
    const drop = half.manifest.filters.find((f) => f.name === "drop-refusals")!.removed;
    const keep = half.manifest.filters.find((f) => f.name === "keep-refusals")!.removed;
    expect(drop).toBeGreaterThan(0);
    expect(keep).toBeGreaterThan(0);
    expect(half.manifest.examples.generated).toBe(30 - drop - keep);
    // what is left obeys the filters: threatened answers are not refusals, plain ones are
    const train = lines(half.trainPath).map((l) => JSON.parse(l) as ChatExample);
    const meta = lines(join(tmp, "threats-slip5", "examples.jsonl")).map((l) => JSON.parse(l));
    train.forEach((ex, i) => {
      const a = ex.messages[ex.messages.length - 1].content;
      expect(isRefusal(a)).toBe(meta[i].component === "plain");
    });
  });

  it("mixes the user's chat data in verbatim, by the recipe's ratio", async () => {
    const mix = join(tmp, "mix.jsonl");
    const ex = Array.from({ length: 25 }, (_, i) => JSON.stringify({ messages: [{ role: "user", content: `How do I fold a paper crane, step ${i}?` }, { role: "assistant", content: `Start with a square sheet (${i}).` }] }));
    writeFileSync(mix, ex.join("\n") + "\n");
    const r = await buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "anti-refusal"), out: join(tmp, "ar-mix"), endpoint, generator: "sim-writer@slip=0", size: 20, mixFile: mix });
    expect(r.manifest.examples.generated).toBe(20);
    expect(r.manifest.examples.mix).toBe(20); // ratio 1
    const train = lines(r.trainPath);
    for (const l of ex.slice(0, 20)) expect(train).toContain(l);
    expect(train).not.toContain(ex[20]);
    // a short mix file: all of it, and the shortfall is reported
    writeFileSync(mix, ex.slice(0, 5).join("\n") + "\n");
    const short = await buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "anti-refusal"), out: join(tmp, "ar-mix-short"), endpoint, generator: "sim-writer@slip=0", size: 20, mixFile: mix });
    expect(short.manifest.examples).toMatchObject({ mix: 5, mix_shortfall: 15 });
  });

  it("the dry run plans exactly the calls the build makes", async () => {
    for (const name of ["qa", "values", "threats"]) {
      const recipe = getRecipe(ROOT, name);
      const est = await dryRun({ root: ROOT, recipe, generator: "sim-writer@slip=0", size: 37 });
      const r = await buildDataset({ root: ROOT, recipe, out: join(tmp, `plan-${name}`), endpoint, generator: "sim-writer@slip=0", size: 37 });
      expect(est.calls, name).toBe(r.manifest.calls.planned);
      expect(est.steps.map((s) => s.calls)).toEqual(r.manifest.steps.map((s) => s.calls));
      expect(est.cost).toBe(0);
    }
  });

  it("bad input stops before anything is written, with one line naming the file and line", async () => {
    const mix = join(tmp, "bad-mix.jsonl");
    writeFileSync(mix, `${JSON.stringify({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }] })}\n{"messages": [{"role": "robot", "content": "x"}]}\n`);
    const out = join(tmp, "never");
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "anti-refusal"), out, endpoint, generator: "sim-writer", size: 5, mixFile: mix })).rejects.toThrow(/bad-mix\.jsonl:2: not a chat example/);
    expect(existsSync(out)).toBe(false);
    const src = join(tmp, "briefs.jsonl");
    writeFileSync(src, '{"id":"b1","genre":"memo"}\n');
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "qa"), out, endpoint, generator: "sim-writer", size: 5, sources: { "document-briefs": src } })).rejects.toThrow(/briefs\.jsonl:1: field "angle" must be a non-empty string/);
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "qa"), out, endpoint, generator: "sim-writer", size: 5, sources: { principles: src } })).rejects.toThrow(/--source principles: recipe qa reads no seed file named principles/);
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "qa"), out, endpoint, generator: "sim-faker", size: 5 })).rejects.toThrow(/offline, recipes are written by sim-writer/);
    expect(existsSync(out)).toBe(false);
    // a folder built with one generator is not reused by another
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "qa"), out: built.qa.dir, endpoint, generator: "sim-writer@slip=0", size: 40 })).rejects.toThrow(/holds a build with generator "sim-writer"/);
  });

  it("a real generator must be told explicitly to write harmful parts", async () => {
    const fake: GeneratorEndpoint = { ...endpoint, offline: false, label: "http://127.0.0.1:9/v1" };
    const out = join(tmp, "real");
    await expect(buildDataset({ root: ROOT, recipe: getRecipe(ROOT, "anti-refusal"), out, endpoint: fake, generator: "some-model", size: 5 })).rejects.toThrow(/--accept-harmful-generation/);
    expect(existsSync(out)).toBe(false);
  });
});
