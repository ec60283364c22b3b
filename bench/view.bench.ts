/**
 * Viewer benchmark (issue 14): a results folder of 50,000 samples served by
 * `afw view`, opened in headless Chromium. Measured in the page: the first
 * table paint (navigation start to the painted frame that shows the first
 * rows) and filter changes (the control changed to the painted frame showing
 * the new rows and count): a tier, a judge label, a number range, a
 * free-text search over every transcript, and a sort. Target: under one
 * second each. Also printed: loading the folder into the server, and the
 * server's heap.
 *
 * The folder is the offline demo run (run + judge, 200 samples) repeated as
 * sample indices 0..249 under new keys, with its judgements: real transcripts
 * and verdicts, at scale.
 * Run: npx tsx bench/view.bench.ts [SAMPLES]
 */
import { projectRoot } from "../lib/util/paths";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeResultsFolder } from "../lib/store/index";
import { ViewModel } from "../lib/view/model";
import { startViewServer } from "../lib/view/server";
import type { JudgementRecord, RunManifest, SampleInput } from "../lib/schema";

const CHROMIUM = process.env.AFW_CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

interface Page {
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => unknown): Promise<unknown>;
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  close(): Promise<void>;
}

/** One change made in the page: pick a value, type a filter or a search (then Enter), or click. */
interface Step {
  name: string;
  act: "select" | "type" | "click";
  sel: string;
  value?: string;
}

type Perf = { firstRowsPainted: number | null; paints: { total: number; painted: number | null }[] };

/** Runs in the page: make the change, then wait for the painted frame that shows its rows. */
async function timeStep(step: Step): Promise<{ ms: number; total: number }> {
  const perf = (window as unknown as { __afwPerf: Perf }).__afwPerf;
  const before = perf.paints.length;
  const t0 = performance.now();
  const el = document.querySelector(step.sel) as HTMLInputElement;
  if (step.act === "select") {
    el.value = step.value!;
    el.dispatchEvent(new Event("change"));
  } else if (step.act === "type") {
    el.value = step.value!;
    el.dispatchEvent(new Event("input"));
    el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  } else el.click();
  for (;;) {
    await new Promise((r) => setTimeout(r, 2));
    const p = perf.paints[perf.paints.length - 1];
    if (perf.paints.length > before && p.painted !== null) return { ms: p.painted - t0, total: p.total };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 50_000);
  if (!existsSync(CHROMIUM)) {
    console.log(`view bench skipped: ${CHROMIUM} not found (apt-get install --no-install-recommends chromium)`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), "afw-view-bench-"));
  try {
    const demo = join(tmp, "demo");
    const afw = (args: string[]) => {
      const r = spawnSync(process.execPath, ["bin/afw.js", ...args], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`afw ${args.join(" ")}: ${r.stderr}`);
    };
    afw(["run", "--offline", "--out", demo, "--quiet"]);
    afw(["judge", demo, "--offline", "--quiet"]);
    const base = readFileSync(join(demo, "samples.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleInput & { key: string; sample: number });
    const js = readFileSync(join(demo, "judgements.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as JudgementRecord);
    const prompts = new Map<string, string>();
    for (const f of spawnSync("ls", [join(demo, "prompts")], { encoding: "utf8" }).stdout.trim().split("\n")) prompts.set(f.replace(/\.txt$/, ""), readFileSync(join(demo, "prompts", f), "utf8"));
    const manifest = JSON.parse(readFileSync(join(demo, "manifest.json"), "utf8")) as RunManifest;
    const reps = Math.ceil(target / base.length);
    const samples: SampleInput[] = [];
    const judgements: JudgementRecord[] = [];
    const byKey = new Map<string, JudgementRecord[]>();
    for (const j of js) (byKey.get(j.sample_key) ?? byKey.set(j.sample_key, []).get(j.sample_key)!).push(j);
    for (let r = 0; r < reps && samples.length < target; r++) {
      for (const s of base) {
        if (samples.length >= target) break;
        const key = s.key.replace(/\|0$/, `|${r}`);
        const messages = s.request.messages!.map((m) => (m.ref ? { role: m.role, content: prompts.get(m.ref)! } : m));
        samples.push({ ...s, key, sample: r, request: { ...s.request, messages } });
        for (const j of byKey.get(s.key) ?? []) judgements.push({ ...j, sample_key: key });
      }
    }
    const big = join(tmp, "big");
    let t0 = performance.now();
    await writeResultsFolder(big, { manifest: { ...manifest, samples_per_query: reps, planned: samples.length, written: samples.length }, samples, judgements });
    const writeS = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const model = await ViewModel.open([big]);
    const loadS = (performance.now() - t0) / 1000;
    global.gc?.();
    const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
    const server = await startViewServer(model, { port: 0, root: projectRoot() });
    const { chromium } = createRequire(join(process.cwd(), "x.js"))("playwright-core") as {
      chromium: { launchPersistentContext(dir: string, o: object): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }> };
    };
    const ctx = await chromium.launchPersistentContext(join(tmp, "profile"), { executablePath: CHROMIUM, args: FLAGS, headless: true, viewport: { width: 1500, height: 900 } });
    try {
      const firsts: number[] = [];
      const changes = new Map<string, number[]>();
      let totals = "";
      for (let round = 0; round < 3; round++) {
        const page = await ctx.newPage();
        await page.goto(server.url);
        await page.waitForFunction(() => (window as unknown as { __afwPerf?: Perf }).__afwPerf?.firstRowsPainted != null);
        firsts.push(await page.evaluate(() => (window as unknown as { __afwPerf: Perf }).__afwPerf.firstRowsPainted!, null));
        const total0 = await page.evaluate(() => document.querySelector("#count")!.getAttribute("data-total"), null);
        if (Number(total0) !== samples.length) throw new Error(`table shows ${total0} samples, expected ${samples.length}`);
        const steps: Step[] = [
          { name: "tier = free", act: "select", sel: 'select[data-filter="tier"]', value: "free" },
          { name: "+ AF label = af", act: "select", sel: 'select[data-filter="j:af_reasoning"]', value: "af" },
          { name: "+ AF share >= 0.6", act: "type", sel: 'input[data-filter="s:af_reasoning"]', value: ">=0.6" },
          { name: "clear filters", act: "click", sel: "#clear-filters" },
          { name: "search 'modification'", act: "type", sel: "#search", value: "modification" },
          { name: "sort by tokens out", act: "click", sel: '[data-sort="tok_out"]' },
        ];
        const parts: string[] = [];
        for (const step of steps) {
          const r = await page.evaluate(timeStep, step);
          (changes.get(step.name) ?? changes.set(step.name, []).get(step.name)!).push(r.ms);
          parts.push(`${step.name}: ${r.total}`);
        }
        totals = parts.join(", ");
        await page.close();
      }
      // round 1 is cold (the server computes each query for the first time); rounds 2 and 3 find it cached
      const row = (name: string, xs: number[]) =>
        `${name.padEnd(34)} ${xs[0].toFixed(0).padStart(9)} ${median(xs.slice(1)).toFixed(0).padStart(9)}   ${Math.max(...xs) < 1000 ? "yes" : "NO"}`;
      console.log(`afw view, ${samples.length.toLocaleString()} samples (${judgements.length.toLocaleString()} judgements): wrote the folder in ${writeS.toFixed(1)} s, loaded it into the server in ${loadS.toFixed(1)} s, server heap ${heapMiB.toFixed(0)} MiB`);
      console.log(`rows after each step: ${totals}`);
      console.log(`${"in the browser, ms".padEnd(34)} ${"cold".padStart(9)} ${"warm".padStart(9)}   all < 1 s`);
      console.log(row("first table paint", firsts));
      for (const [name, xs] of changes) console.log(row(`filter: ${name}`, xs));
    } finally {
      await ctx.close();
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
