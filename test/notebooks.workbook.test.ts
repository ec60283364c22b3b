/**
 * The workbook notebooks (notebooks/*.ipynb): cheap structural checks on
 * every notebook (no execution), the workbook helpers' mode handling, and
 * one notebook executed in `results` mode against a folder with a malformed
 * line. CI executes every notebook offline separately (`npm run notebooks --
 * --check` and scripts/nbconvert.sh); running them all here would be too slow.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listNotebooks, notebookName, runNotebook } from "../lib/tools/notebooks";
import { endpointOptions, openWorkbook, runExperiment, table } from "../lib/notebooks/workbook";
import { startAnthropicMock } from "./providers/anthropic";
import { publishedName } from "../lib/analysis";
import { fromRoot } from "../lib/util/paths";
import { text } from "./notebooks.shape";

type Json = any; // notebook JSON, inspected field by field

const tmp = mkdtempSync(join(tmpdir(), "afw-workbook-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NOTEBOOKS = listNotebooks(fromRoot("notebooks"));
const read = (p: string): Json => JSON.parse(readFileSync(p, "utf8"));
const src = (c: Json): string => text(c.source);
const codeOf = (nb: Json): string[] => nb.cells.filter((c: Json) => c.cell_type === "code").map(src);

/** Figure names a notebook saves: wb.figure(book, rows, make, "NAME") or show(fig, { save: "NAME" }). */
function savedFigures(code: string[]): string[] {
  const names = new Set<string>();
  for (const c of code) {
    for (const m of c.matchAll(/,\s*"(\d\d_[a-z0-9_]+)"\s*\)/g)) names.add(m[1]);
    for (const m of c.matchAll(/save:\s*"(\d\d_[a-z0-9_]+)"/g)) names.add(m[1]);
  }
  return [...names];
}

describe("every notebook", () => {
  it("the workbook has the notebooks of the issue, each a tslab notebook", () => {
    const names = NOTEBOOKS.map(notebookName);
    for (const want of ["00_quickstart", "01_compliance_gap", "02_motivations", "03_base_models", "04_post_training", "05_classifiers", "06_statistics", "07_exercises", "07_exercises_solutions", "08_wording"]) {
      expect(names).toContain(want);
    }
  });

  for (const path of NOTEBOOKS) {
    const name = notebookName(path);
    it(`${name}: kernelspec, narrative, a mode cell first, figures saved and present, outputs committed`, () => {
      const nb = read(path);
      expect(nb.nbformat).toBe(4);
      expect(nb.metadata.kernelspec).toMatchObject({ name: "tslab", language: "typescript" });

      // Narrative: a title first, and real prose around the code.
      expect(nb.cells[0].cell_type).toBe("markdown");
      expect(src(nb.cells[0])).toMatch(/^# \d\d · /);
      const md = nb.cells.filter((c: Json) => c.cell_type === "markdown").map(src).join("\n");
      expect(md.length, `${name}: too little narrative`).toBeGreaterThan(1500);

      // The mode cell: the first code cell reads AFW_MODE through the workbook and prints it.
      const code = codeOf(nb);
      expect(code[0]).toContain('import * as afw from "./lib/index"');
      expect(code[0]).toMatch(/wb\.openWorkbook\("[^"]+"\)/);
      expect(code[0]).toContain("AFW_MODE");
      expect(code[0]).toContain("book.describe()");
      // Figures: each saved name exists in figures/ as PNG and SVG (committed; the HTML
      // files are regenerated on every run and not committed, at ~5 MB each),
      // and the last code cell releases the figure exporter.
      const figs = savedFigures(code);
      if (figs.length) expect(code[code.length - 1]).toMatch(/wb\.finish\(\)|afw\.closeSharedExporter\(\)/);
      if (!name.startsWith("07_")) expect(figs.length, `${name} saves no figure`).toBeGreaterThan(0);
      for (const f of figs) {
        expect(f.startsWith(name.slice(0, 2) + "_"), `${f} should start with ${name.slice(0, 2)}_`).toBe(true);
        for (const ext of ["png", "svg"]) expect(existsSync(fromRoot("figures", `${f}.${ext}`)), `figures/${f}.${ext}`).toBe(true);
      }

      // Committed executed: every code cell ran, and each figure bundle carries a PNG fallback.
      const cells = nb.cells.filter((c: Json) => c.cell_type === "code");
      for (const c of cells) expect(Number.isInteger(c.execution_count), `${name}: a code cell has no execution count (run npm run notebooks)`).toBe(true);
      const bundles = cells.flatMap((c: Json) => c.outputs).filter((o: Json) => o.output_type === "display_data");
      expect(bundles.length).toBe(figs.length);
      for (const b of bundles) expect(Object.keys(b.data)).toEqual(expect.arrayContaining(["application/vnd.plotly.v1+json", "image/png", "text/plain"]));
      const stderr = cells.flatMap((c: Json) => c.outputs).filter((o: Json) => o.output_type === "stream" && o.name === "stderr");
      expect(stderr.map((o: Json) => text(o.text)).join("")).toBe("");
    });
  }

  it("04_post_training has one section per hypothesis, each with its own figure", () => {
    const nb = read(fromRoot("notebooks", "04_post_training.ipynb"));
    const md = nb.cells.filter((c: Json) => c.cell_type === "markdown").map(src).join("\n");
    for (const h of ["## H5 · Lack of capabilities", "## H6 · Post-training artifacts", "## H7 · Refusal mechanisms", "## H8 · Value differences", "## H9 · Reasoning style"]) expect(md).toContain(h);
    expect(savedFigures(codeOf(nb))).toEqual(expect.arrayContaining(["04_h5_capabilities", "04_h6_artifacts", "04_h7_refusal", "04_h8_values", "04_h9_style"]));
  });

  it("04_post_training runs the fine-tuning chain offline and draws the fine-tune comparisons from its folders", () => {
    const nb = read(fromRoot("notebooks", "04_post_training.ipynb"));
    const code = codeOf(nb).join("\n");
    expect(code).toContain("wb.finetuneChain(book");
    expect(code).toContain("afw.finetuneComparisons(");
    const out = nb.cells.flatMap((c: Json) => c.outputs ?? []).map((o: Json) => text(o.text ?? "")).join("");
    // the chain's models (fine-tuned ids from the local mock) are the interventions of the fine-tune comparisons
    for (const [h, name, recipe] of [["H5", "qa-fine-tune", "qa"], ["H7", "anti-refusal", "anti-refusal"], ["H7", "threats", "threats"], ["H8", "opus-values", "values"], ["H9", "opus-style", "style"]]) {
      expect(out).toMatch(new RegExp(`${h}\\s+${name}\\s+ft:gpt-4o-mini-2024-07-18:afw-mock:afw-${recipe}:[0-9a-f]{8} · baseline`));
    }
    expect(out).not.toMatch(/@ft=[a-z-]+ · baseline/); // no hard-coded stand-in as an intervention
  });

  it("08_wording shows the reference-only and pooled gaps of the wording-sensitive organism side by side", () => {
    const nb = read(fromRoot("notebooks", "08_wording.ipynb"));
    const out = nb.cells.flatMap((c: Json) => c.outputs ?? []).map((o: Json) => text(o.text ?? "")).join("");
    expect(out).toMatch(/8 of 8 wording\(s\) of baseline by sim-paraphraser@bad=0\.06: complete, \d+ draw\(s\) rejected/);
    expect(out).toMatch(/sim-eval-aware\s+\+0\.0 pp \[-7\.1, 7\.1\]\s+no gap\s+\+\d+\.\d pp \[\d+\.\d, \d+\.\d\]\s+gap/);
    expect(out).toMatch(/sim-faker\s+\+\d+\.\d pp \[[\d.]+, [\d.]+\]\s+gap\s+\+\d+\.\d pp \[[\d.]+, [\d.]+\]\s+gap/);
    expect(savedFigures(codeOf(nb))).toEqual(["08_wording_forest"]);
  });

  it("07: the exercises report 'not yet' and the solutions pass every check", () => {
    const out = (n: string) => read(fromRoot("notebooks", `${n}.ipynb`)).cells.flatMap((c: Json) => c.outputs ?? []).map((o: Json) => text(o.text ?? "")).join("");
    const ex = out("07_exercises");
    const sol = out("07_exercises_solutions");
    expect(ex).toContain("not yet");
    expect(sol).not.toContain("not yet");
    const [, passed, total] = /(\d+) of (\d+) checks pass/.exec(sol) ?? [];
    expect(Number(total)).toBeGreaterThanOrEqual(6);
    expect(passed).toBe(total);
  });
});

describe("workbook helpers", () => {
  it("reads the mode from the environment and never throws for a user error", async () => {
    expect((await openWorkbook("t", {})).mode).toBe("offline");
    const bad = await openWorkbook("t", { AFW_MODE: "online" });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.error).toMatch(/AFW_MODE must be offline, live or results/);
    const live = await openWorkbook("t", { AFW_MODE: "live" });
    expect(live.ok).toBe(false);
    expect(live.error).toMatch(/AFW_BASE_URL/);
    const ok = await openWorkbook("t", { AFW_MODE: "live", AFW_BASE_URL: "http://127.0.0.1:9/v1", AFW_MODELS: "a, b", AFW_N: "20" });
    expect(ok).toMatchObject({ ok: true, models: ["a", "b"], n: 20, judgeModel: null });
    const missing = await openWorkbook("t", { AFW_MODE: "results" });
    expect(missing.error).toMatch(/AFW_RESULTS/);
  });

  it("live mode takes a provider profile: AFW_PROVIDER or AFW_PROVIDER_FILE, its default address and its key variable", async () => {
    // a named provider: its own address and key variable, passed to every endpoint the workbook opens
    const a = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER: "anthropic", ANTHROPIC_API_KEY: "sk-ant-1", OPENAI_API_KEY: "sk-openai" });
    expect(a).toMatchObject({ ok: true, baseURL: "https://api.anthropic.com/v1", apiKey: "sk-ant-1" });
    expect(a.provider?.name).toBe("anthropic");
    expect(a.describe()).toMatch(/^mode: live — anthropic at https:\/\/api\.anthropic\.com\/v1;/);
    expect(endpointOptions(a)).toMatchObject({ baseURL: "https://api.anthropic.com/v1", apiKey: "sk-ant-1", provider: { name: "anthropic" } });
    // without AFW_PROVIDER the profile is inferred from the address, and OPENAI_API_KEY still works for it
    const r = await openWorkbook("t", { AFW_MODE: "live", AFW_BASE_URL: "https://openrouter.ai/api/v1", OPENAI_API_KEY: "sk-or" });
    expect(r.provider?.name).toBe("openrouter");
    expect(r.apiKey).toBe("sk-or");
    // one line for each user error
    const unknown = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER: "acme" });
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toMatch(/^AFW_PROVIDER: unknown provider "acme"; known: .*anthropic/);
    const noAddress = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER: "vllm" });
    expect(noAddress.error).toBe("live mode: vllm has no default address; set AFW_BASE_URL (e.g. http://127.0.0.1:8000/v1)");
    const both = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER: "vllm", AFW_PROVIDER_FILE: "x.json" });
    expect(both.error).toBe("set AFW_PROVIDER or AFW_PROVIDER_FILE, not both");
    const missingFile = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER_FILE: join(tmp, "nope.json") });
    expect(missingFile.error).toMatch(/^AFW_PROVIDER_FILE .*nope\.json: cannot read/);
    const badUrl = await openWorkbook("t", { AFW_MODE: "live", AFW_BASE_URL: "api.example.com" });
    expect(badUrl.error).toMatch(/AFW_BASE_URL must start with http/);
    // a saved profile (afw probe --save): its fields over the base it names; the address comes from AFW_BASE_URL
    const file = join(tmp, "profile.json");
    writeFileSync(file, JSON.stringify({ name: "my-server", base: "vllm" }));
    const saved = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER_FILE: file, AFW_BASE_URL: "http://127.0.0.1:8000/v1" });
    expect(saved).toMatchObject({ ok: true, baseURL: "http://127.0.0.1:8000/v1" });
    expect(saved.provider?.name).toBe("my-server");
  });

  it("a live run through AFW_PROVIDER=anthropic speaks Anthropic's Messages API (local mock)", async () => {
    const mock = await startAnthropicMock();
    try {
      const book = await openWorkbook("t", { AFW_MODE: "live", AFW_PROVIDER: "anthropic", AFW_BASE_URL: mock.baseURL, ANTHROPIC_API_KEY: "sk-ant-good-1", AFW_MODELS: "claude-sonnet-4-5", AFW_N: "2" });
      expect(book.ok).toBe(true);
      book.paths = { ...book.paths, runs: join(tmp, "runs"), cache: join(tmp, "cache") };
      const r = await runExperiment(book, "figure1", { conditions: ["baseline"] });
      expect(r.samples.length).toBe(4); // 2 queries × free, paid
      expect(r.dir!.startsWith(join(tmp, "runs"))).toBe(true);
      expect(mock.hits.length).toBeGreaterThanOrEqual(4);
      for (const h of mock.hits) {
        expect(h.path).toBe("/v1/messages");
        expect(h.headers["x-api-key"]).toBe("sk-ant-good-1");
        expect(typeof h.body.system === "string" || Array.isArray(h.body.system)).toBe(true);
      }
      for (const s of r.samples) expect(s).toMatchObject({ provider: "anthropic", error: null });
      expect(r.manifest?.provider ?? null).toBe("anthropic");
    } finally {
      await mock.close();
    }
  }, 60_000);

  it("a results folder with a malformed line gives one error naming the file and line, and no data", async () => {
    const dir = join(tmp, "bad-results");
    mkdirSync(dir);
    writeFileSync(join(dir, "samples.jsonl"), '{"not": "a sample"}\n');
    const book = await openWorkbook("t", { AFW_MODE: "results", AFW_RESULTS: dir });
    expect(book.ok).toBe(false);
    expect(book.error).toContain(`${join(dir, "samples.jsonl")}:1`);
    expect(book.describe()).toContain("✗ ");
    const run = await runExperiment(book, "figure1");
    expect(run.samples).toEqual([]);
  });

  it("runs an experiment offline (in-process simulation) and formats tables and names", async () => {
    const book = await openWorkbook("t", {});
    const r = await runExperiment(book, "three-tiers", { offlineN: 10, simulate: true, conditions: ["three-tiers"] });
    expect(r.samples.length).toBe(5 * 3 * 10); // 5 organisms × 3 tiers × 10 queries
    expect(new Set(r.samples.map((s) => s.tier))).toEqual(new Set(["free", "pro", "enterprise"]));
    expect(table([{ a: 1, b: "x" }])).toBe("a  b\n-  -\n1  x");
    expect(publishedName("meta-llama/llama-3.1-405b-instruct")).toBe("llama-3.1-405b");
    expect(publishedName("anthropic/claude-3.5-sonnet-20240620")).toBe("claude-3.5-sonnet");
  });
});

describe("a notebook in results mode", () => {
  it("given a folder with a malformed line, prints the file:line error and still runs to the end", async () => {
    // A real offline run (samples and the prompt files they reference), then its samples cut to two valid lines and one cut short.
    const dir = join(tmp, "results");
    const run = await runExperiment(await openWorkbook("t", {}), "figure1", { offlineModels: ["sim-refuser"], offlineN: 1 });
    cpSync(run.dir!, dir, { recursive: true });
    const lines = readFileSync(join(run.dir!, "samples.jsonl"), "utf8").trim().split("\n").slice(0, 2);
    writeFileSync(join(dir, "samples.jsonl"), [...lines, '{"key": "broken", "model": 3'].join("\n") + "\n");
    const out = join(tmp, "00_results.ipynb");
    const saved = { mode: process.env.AFW_MODE, results: process.env.AFW_RESULTS };
    process.env.AFW_MODE = "results";
    process.env.AFW_RESULTS = dir;
    try {
      const r = await runNotebook(fromRoot("notebooks", "00_quickstart.ipynb"), { outPath: out });
      expect(r.failedCell).toBeUndefined();
      expect(r.ok).toBe(true);
    } finally {
      if (saved.mode === undefined) delete process.env.AFW_MODE;
      else process.env.AFW_MODE = saved.mode;
      if (saved.results === undefined) delete process.env.AFW_RESULTS;
      else process.env.AFW_RESULTS = saved.results;
    }
    const nb = read(out);
    const outputs = nb.cells.filter((c: Json) => c.cell_type === "code").map((c: Json) => c.outputs.map((o: Json) => text(o.text ?? "")).join(""));
    // The mode cell: one clear line naming the file and line.
    expect(outputs[0]).toContain("mode: results");
    expect(outputs[0]).toContain(`✗ ${join(dir, "samples.jsonl")}:3: `);
    // Later cells skip their figures with the same reason instead of failing with a second error.
    expect(outputs.join("\n")).toMatch(/figure 00_quickstart_compliance_by_tier skipped: .*samples\.jsonl:\d+/);
    expect(nb.cells.some((c: Json) => (c.outputs ?? []).some((o: Json) => o.output_type === "display_data"))).toBe(false);
  }, 120_000);
});
