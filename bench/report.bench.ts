/**
 * `afw report` at paper scale (issue 13 item 5): results folders of 100,000
 * and 1,000,000 offline samples with their judgements, and the time and peak
 * memory of `afw report DIR --json --no-figures` run as a child process
 * (peak resident memory from /usr/bin/time -v), beside the same command of
 * the code before streaming analysis (an older commit, extracted to a
 * temporary folder and run the same way).
 *
 *   npx tsx bench/report.bench.ts [--sizes 100000,1000000] [--dir D] [--keep]
 *                                 [--old REF] [--old-max N] [--repeat R]
 *
 * The folders are written fast, straight through the store's writers, from
 * realistic records: the `motivations` experiment (five organisms, 17
 * conditions, their tiers) is run once in process on 8 queries and judged by
 * the scripted judge (compliance, partial compliance, AF with 20 votes,
 * motives); each (model, condition, tier) cell then gets Q queries × 8
 * samples, every record and judgement a copy of a harvested one of the same
 * cell under a new key (the free and paid copies of a query and sample come
 * from the same harvested pair, so gaps stay paired, and a query's samples
 * come from one harvested query, so queries differ). Outcomes are mixed in
 * as a real provider gives them: 0.3% blocked, 0.5% truncated, 0.2% failed
 * once and retried (two records), 0.05% failed for good. System prompts are
 * stored by reference in prompts/, as `afw run` stores them.
 *
 * Targets: at a million samples peak memory < 1 GB and ≤ 1.5× the
 * 100,000-sample figure, wall time < 30 s (two shared cores).
 * `--old REF` (default: the merge base with main) runs the old path on the
 * sizes up to `--old-max` (default 200,000: above it the old path needs
 * gigabytes).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getExperiment } from "../lib/experiments";
import { evaluate, openEndpoint } from "../lib/pipeline";
import { shippedQueries } from "../lib/queries";
import { openJudgementWriter, openSampleWriter, PromptStore, sampleKey, writeManifest } from "../lib/store/index";
import type { Judgement, RunManifest, Sample } from "../lib/schema";
import { fromRoot, projectRoot } from "../lib/util/paths";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const sizes = (arg("sizes") ?? "100000,1000000").split(",").map(Number);
const root = resolve(arg("dir") ?? join(tmpdir(), "afw-report-bench"));
const keep = process.argv.includes("--keep");
const oldMax = Number(arg("old-max") ?? 200_000);
const repeat = Number(arg("repeat") ?? 1);
const S = 8;

/** A 32-bit hash of a few integers (deterministic choices without a PRNG state). */
function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ x, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

interface Template {
  sample: Sample;
  judgements: Judgement[];
}

/** Harvest realistic records: the motivations suite on 8 queries, 2 samples each, judged by the scripted judge. */
async function harvest(): Promise<{ manifest: RunManifest; cells: Map<string, Map<string, Template>>; queries: string[] }> {
  const t0 = Date.now();
  const e = getExperiment("motivations");
  const endpoint = await openEndpoint({ offline: true, inProcess: true });
  const queries = shippedQueries(fromRoot()).slice(0, 8);
  const r = await evaluate(e, endpoint, { queries, n: 16, judges: ["compliance", "partial_compliance", "af_reasoning", "motives"] });
  await endpoint.close();
  const cells = new Map<string, Map<string, Template>>();
  for (const s of r.results!.samples) {
    const k = `${s.model}\u0000${s.condition}\u0000${s.tier}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = new Map()));
    c.set(`${s.query_id}\u0000${s.sample}`, { sample: s, judgements: Object.values(s.judgements) });
  }
  console.log(`harvested ${r.results!.samples.length} judged samples in ${cells.size} cells (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return { manifest: r.results!.manifest!, cells, queries: queries.map((q) => q.id) };
}

/** Write a folder of about `target` samples; returns the sample records written and the samples kept. */
async function generate(dir: string, target: number, h: Awaited<ReturnType<typeof harvest>>): Promise<{ records: number; samples: number; judgements: number; bytes: number }> {
  const t0 = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const Q = Math.max(1, Math.round(target / (h.cells.size * S)));
  const prompts = PromptStore.of(dir);
  mkdirSync(join(dir, "prompts"), { recursive: true });
  const sw = openSampleWriter(dir);
  const jw = openJudgementWriter(dir);
  const created = new Date().toISOString();
  const slim = new Map<Sample, Sample["request"]>();
  let records = 0;
  let samples = 0;
  let judgements = 0;
  const cellList = [...h.cells.entries()];
  const hq = h.queries.length;
  for (let q = 0; q < Q; q++) {
    const qid = `bench-${String(q).padStart(5, "0")}`;
    for (let ci = 0; ci < cellList.length; ci++) {
      const [ck, cell] = cellList[ci];
      const [model, condition, tier] = ck.split("\u0000");
      for (let s = 0; s < S; s++) {
        // one harvested query per query, a harvested sample per sample: free and paid copies share it
        const tq = h.queries[q % hq];
        const ts = mix(q, s) % 2;
        const t = cell.get(`${tq}\u0000${ts}`) ?? cell.values().next().value!;
        let request = slim.get(t.sample);
        if (!request) slim.set(t.sample, (request = prompts.slim(t.sample.request)));
        const key = sampleKey({ experiment: t.sample.experiment, condition, model, tier, query_id: qid, sample: s });
        const rec: Sample = { ...t.sample, key, query_id: qid, sample: s, request, judgements: {}, created_at: created };
        const u = mix(q, s, ci, 7) % 100_000;
        if (u < 50) {
          // failed for good
          sw.append({ ...rec, output_text: null, scratchpad: null, final_output: null, accepted: null, accept_then_refuse: false, usage: null, error: "HTTP 500: upstream error", error_kind: "transient", outcome: "failed", finish_reason: null, attempts: 6 });
          records++;
          samples++;
          continue;
        }
        if (u < 250) {
          // failed once, then retried
          sw.append({ ...rec, output_text: null, scratchpad: null, final_output: null, accepted: null, accept_then_refuse: false, usage: null, error: "HTTP 429: rate limited", error_kind: "transient", outcome: "failed", finish_reason: null, attempts: 6 });
          records++;
        }
        let out: Sample = rec;
        if (u >= 250 && u < 550) out = { ...rec, output_text: "", scratchpad: null, final_output: null, accepted: null, accept_then_refuse: false, outcome: "blocked", finish_reason: "content_filter" };
        else if (u >= 550 && u < 1050) out = { ...rec, outcome: "truncated", finish_reason: "length" };
        sw.append(out);
        records++;
        samples++;
        if (out.outcome !== "blocked") {
          for (const j of t.judgements) {
            jw.append({ sample_key: key, judgement: j, created_at: created });
            judgements++;
          }
        }
        if (records % 2000 === 0) {
          sw.flush();
          jw.flush();
        }
      }
    }
  }
  sw.close();
  jw.close();
  const m: RunManifest = { ...h.manifest, queries: { ...h.manifest.queries, count: Q }, samples_per_query: S, planned: samples, written: samples, status: "complete", updated_at: created };
  writeManifest(dir, m);
  const bytes = statSync(join(dir, "samples.jsonl")).size + statSync(join(dir, "judgements.jsonl")).size;
  console.log(`wrote ${dir}: ${samples} samples (${Q} queries × ${S} samples × ${h.cells.size} cells), ${records} sample records, ${judgements} judgements, ${(bytes / 1e9).toFixed(2)} GB, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { records, samples, judgements, bytes };
}

interface Timing {
  ok: boolean;
  seconds: number;
  maxRssMb: number;
  note: string;
}

/** Run `afw report DIR --json --no-figures` of a checkout under /usr/bin/time -v; JSON checked. */
function timeReport(checkout: string, dir: string): Timing {
  const out = join(tmpdir(), `afw-report-bench-${process.pid}.json`);
  const r = spawnSync("/usr/bin/time", ["-v", "sh", "-c", `exec node "${join(checkout, "bin/afw.js")}" report "${dir}" --json --no-figures > "${out}"`], { encoding: "utf8", maxBuffer: 1 << 26 });
  const err = r.stderr ?? "";
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN) / 1024;
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  let ok = r.status === 0;
  let note = "";
  if (ok) {
    try {
      const j = JSON.parse(readFileSync(out, "utf8"));
      const zero = [...j.rates, ...j.gaps].filter((x: { ci_low: number; ci_high: number }) => x.ci_low === x.ci_high).length;
      note = `${j.rates.length} rate rows, ${j.gaps.length} gap rows${j.verdicts ? `, ${j.verdicts.length} verdict rows` : ""}${zero ? `, ${zero} zero-width intervals` : ""}`;
    } catch (e) {
      ok = false;
      note = `output is not JSON: ${(e as Error).message}`;
    }
  } else note = `exit ${r.status}: ${err.split("\n").filter((l) => l && !/^\t/.test(l)).slice(-2).join(" | ").slice(0, 300)}`;
  rmSync(out, { force: true });
  return { ok, seconds, maxRssMb: rss, note };
}

/** The checkout of an older commit, extracted to a temporary folder, node_modules linked. */
function oldCheckout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), "afw-report-old-"));
  const tar = execFileSync("git", ["-C", projectRoot(), "archive", ref], { maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  symlinkSync(join(projectRoot(), "node_modules"), join(dir, "node_modules"));
  return dir;
}

function best(ts: Timing[]): Timing {
  return ts.reduce((a, b) => (b.ok && (!a.ok || b.seconds < a.seconds) ? b : a));
}

const h = await harvest();
mkdirSync(root, { recursive: true });
const oldRef = arg("old") ?? execFileSync("git", ["-C", projectRoot(), "merge-base", "HEAD", "main"], { encoding: "utf8" }).trim();
const old = oldRef === "none" ? null : oldCheckout(oldRef);
const rows: { size: number; samples: number; gb: number; now: Timing; before: Timing | null }[] = [];
try {
  for (const size of sizes) {
    const dir = join(root, `n${size}`);
    const g = await generate(dir, size, h);
    const now = best(Array.from({ length: repeat }, () => timeReport(projectRoot(), dir)));
    console.log(`  streaming: ${now.seconds.toFixed(1)} s, peak ${now.maxRssMb.toFixed(0)} MB (${now.note})`);
    let before: Timing | null = null;
    if (old && size <= oldMax) {
      before = timeReport(old, dir);
      console.log(`  old path (${oldRef.slice(0, 8)}): ${before.ok ? `${before.seconds.toFixed(1)} s, peak ${before.maxRssMb.toFixed(0)} MB` : "failed"} (${before.note})`);
    }
    rows.push({ size, samples: g.samples, gb: g.bytes / 1e9, now, before });
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
} finally {
  if (old) rmSync(old, { recursive: true, force: true });
}

console.log(`\nafw report DIR --json --no-figures (child process; peak RSS by /usr/bin/time -v; best of ${repeat})`);
console.log("| samples | files (GB) | time (s) | peak memory (MB) | old path time (s) | old path peak (MB) | time ratio old/new | memory ratio old/new |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const b = r.before;
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
  console.log(`| ${r.samples.toLocaleString("en")} | ${r.gb.toFixed(2)} | ${f(r.now.seconds)} | ${f(r.now.maxRssMb, 0)} | ${b ? (b.ok ? f(b.seconds) : "failed") : "not run"} | ${b?.ok ? f(b.maxRssMb, 0) : "–"} | ${b?.ok ? f(b.seconds / r.now.seconds, 2) : "–"} | ${b?.ok ? f(b.maxRssMb / r.now.maxRssMb, 2) : "–"} |`);
}
const small = rows.find((r) => r.size === Math.min(...sizes));
const big = rows.find((r) => r.size === Math.max(...sizes));
if (small && big && small !== big) {
  const grow = big.now.maxRssMb / small.now.maxRssMb;
  console.log(`\npeak memory ${big.samples.toLocaleString("en")} / ${small.samples.toLocaleString("en")} samples: ${grow.toFixed(2)}× (target ≤ 1.5×); at ${big.samples.toLocaleString("en")}: ${big.now.maxRssMb.toFixed(0)} MB (target < 1024), ${big.now.seconds.toFixed(1)} s (target < 30)`);
}
if (!keep) rmSync(root, { recursive: true, force: true });
