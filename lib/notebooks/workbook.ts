/**
 * Helpers for the workbook notebooks (notebooks/*.ipynb): the mode cell, an
 * experiment run that works the same offline (simulated organisms), live
 * (any OpenAI-compatible endpoint) or from a saved results folder, and a
 * figure helper that skips cleanly when there is nothing to draw.
 *
 *   import * as wb from "./lib/notebooks/workbook";
 *   const book = await wb.openWorkbook("01_compliance_gap");
 *   console.log(book.describe());
 *
 * Environment (read once, by `openWorkbook`):
 *   AFW_MODE          offline (default) | live | results
 *   AFW_PROVIDER      live: the provider profile by name (`afw providers`: anthropic,
 *                     openrouter, vllm, …); default: inferred from the base URL
 *   AFW_PROVIDER_FILE live: a saved profile instead (`afw probe --save`)
 *   AFW_BASE_URL      live: the endpoint (or OPENAI_BASE_URL); default the profile's own
 *   OPENAI_API_KEY    live: the key, or the profile's own variable (ANTHROPIC_API_KEY for
 *                     anthropic, …); sent as the provider wants it, written nowhere
 *   AFW_MODELS        live: comma list replacing each experiment's models
 *   AFW_JUDGE_MODEL   live: the judge model (judges are skipped without one)
 *   AFW_N             live: replace the paper's n (e.g. 20 for a cheap first look)
 *   AFW_RESULTS       results: a results folder written by `afw run`
 *   AFW_PARAPHRASES   live: a paraphrase set folder (afw paraphrase) for `paraphraseSet`
 *   AFW_PARAPHRASE_MODEL  live: the model that writes one, when AFW_PARAPHRASES is not set
 *
 * A results folder that does not load (a malformed line, a missing file)
 * does not stop the notebook: `openWorkbook` keeps the one-line error
 * (naming the file and line), the mode cell prints it, and every later
 * helper returns no data and draws nothing, so the notebook still runs to
 * its end and the error is the one thing it reports.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DataFrame } from "danfojs-node";
import type { JudgeName } from "../classify/index";
import { PUBLISHED_PATH } from "../analysis/index";
import { finetunesFromFactors, getExperiment, planExperiment, type Experiment, type Plan, type RecordedFinetune } from "../experiments/index";
import { offlineChain, type OfflineChainResult } from "../finetune/index";
import { buildParaphraseSet, crossExperiment, loadParaphraseSet, type ParaphraseSet } from "../paraphrase/index";
import { findProfile, inferProvider, listProfiles, loadProfileFile, type ProviderProfile } from "../models/index";
import { loadScenario } from "../scenario/index";
import { closeSharedExporter, show, type Figure, type HypothesisRow } from "../figures/index";
import { sampleRows, toFrame, type SampleRow } from "../frame/index";
import { loadRun, type LoadedRun } from "../store/index";
import { shippedQueries, SHIPPED_QUERIES_PATH } from "../queries/index";
import { evaluate, openEndpoint, type EndpointClient, type EndpointOptions } from "../pipeline/index";
import type { RunManifest, Sample } from "../schema/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { projectRoot } from "../util/paths";
import { redactUrl } from "../util/url";

export type Mode = "offline" | "live" | "results";
export const MODES: readonly Mode[] = ["offline", "live", "results"];

/** The checkout's folders a notebook reads and writes (the face finds them; the library is told). */
export interface WorkbookPaths {
  /** The checkout (lib/util/paths projectRoot()). */
  root: string;
  /** Saved figures: figures/. */
  figures: string;
  /** The response cache of live runs: .afw-cache/responses. */
  cache: string;
  /** Live results folders: runs/. */
  runs: string;
  /** The published numbers: data/paper/published.jsonl. */
  published: string;
}

/** The folders of the checkout this process runs in. */
export function workbookPaths(root: string = projectRoot()): WorkbookPaths {
  return { root, figures: join(root, "figures"), cache: join(root, ".afw-cache", "responses"), runs: join(root, "runs"), published: join(root, PUBLISHED_PATH) };
}

/** What the mode cell sets up; every helper below takes it. */
export interface Workbook {
  /** The checkout (shipped queries and data are read from here). */
  root: string;
  paths: WorkbookPaths;
  /** The notebook's short name (used for live results folders). */
  name: string;
  mode: Mode;
  /** False when the mode could not be set up (bad results folder, missing endpoint); `error` says why. */
  ok: boolean;
  error: string | null;
  /** Live: the endpoint and key. */
  baseURL: string | null;
  apiKey: string;
  /** Live: the provider profile (AFW_PROVIDER, AFW_PROVIDER_FILE, or inferred from the base URL); null otherwise. */
  provider: ProviderProfile | null;
  /** Live: AFW_MODELS (empty: each experiment's own models). */
  models: string[];
  /** The judge model: sim-judge offline, AFW_JUDGE_MODEL live (null: judges skipped). */
  judgeModel: string | null;
  /** Live: AFW_N, replacing the paper's n. */
  n: number | null;
  /** Results mode: the loaded folder. */
  results: LoadedRun | null;
  /** One paragraph for the mode cell to print. */
  describe(): string;
}

/**
 * Read the mode from the environment and set it up. Never throws for a
 * user error: a bad AFW_MODE, a live mode without an endpoint, or a results
 * folder that does not load gives `ok: false` and a one-line `error`.
 */
export async function openWorkbook(name: string, env: NodeJS.ProcessEnv = process.env): Promise<Workbook> {
  const raw = (env.AFW_MODE ?? "offline").trim().toLowerCase() || "offline";
  const paths = workbookPaths();
  const book: Workbook = {
    root: paths.root,
    paths,
    name,
    mode: "offline",
    ok: true,
    error: null,
    baseURL: null,
    apiKey: "",
    provider: null,
    models: [],
    judgeModel: "sim-judge",
    n: null,
    results: null,
    describe: () => describe(book),
  };
  if (!(MODES as readonly string[]).includes(raw)) {
    book.ok = false;
    book.error = `AFW_MODE must be offline, live or results, got "${env.AFW_MODE}"`;
    return book;
  }
  book.mode = raw as Mode;
  if (book.mode === "live") {
    const nonEmpty = (x: string | undefined) => (x === undefined || x.trim() === "" ? null : x.trim());
    const named = nonEmpty(env.AFW_PROVIDER);
    const file = nonEmpty(env.AFW_PROVIDER_FILE);
    let profile: ProviderProfile | null = null;
    if (named && file) {
      book.ok = false;
      book.error = "set AFW_PROVIDER or AFW_PROVIDER_FILE, not both";
      return book;
    }
    if (named) {
      profile = findProfile(named);
      if (!profile) {
        book.ok = false;
        book.error = `AFW_PROVIDER: unknown provider "${named}"; known: ${listProfiles().map((p) => p.name).join(", ")}`;
        return book;
      }
    } else if (file) {
      try {
        profile = loadProfileFile(resolve(file));
      } catch (e) {
        book.ok = false;
        book.error = (e as Error).message.replace(/^--provider-file /, "AFW_PROVIDER_FILE ");
        return book;
      }
    }
    book.baseURL = nonEmpty(env.AFW_BASE_URL) ?? nonEmpty(env.OPENAI_BASE_URL) ?? profile?.baseURL ?? null;
    book.models = (env.AFW_MODELS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    book.judgeModel = env.AFW_JUDGE_MODEL?.trim() || null;
    const n = Number(env.AFW_N);
    book.n = env.AFW_N && Number.isInteger(n) && n > 0 ? n : null;
    if (!book.baseURL) {
      book.ok = false;
      book.error = profile
        ? `live mode: ${profile.name} has no default address; set AFW_BASE_URL (e.g. http://127.0.0.1:8000/v1)`
        : "live mode needs AFW_BASE_URL (an OpenAI-compatible endpoint, e.g. https://openrouter.ai/api/v1) and OPENAI_API_KEY, or AFW_PROVIDER (afw providers)";
      return book;
    }
    if (!/^https?:\/\//i.test(book.baseURL)) {
      book.ok = false;
      book.error = `AFW_BASE_URL must start with http:// or https://, got "${book.baseURL}"`;
      return book;
    }
    book.provider = profile ?? inferProvider(book.baseURL);
    // The key: OPENAI_API_KEY as before, else the profile's own variable (ANTHROPIC_API_KEY, …).
    book.apiKey = nonEmpty(env[book.provider.keyEnv]) ?? nonEmpty(env.OPENAI_API_KEY) ?? "";
  } else if (book.mode === "results") {
    book.judgeModel = null;
    const dir = env.AFW_RESULTS;
    if (!dir) {
      book.ok = false;
      book.error = "results mode needs AFW_RESULTS, a folder written by afw run";
    } else {
      try {
        book.results = await loadRun(resolve(dir));
      } catch (e) {
        book.ok = false;
        book.error = e instanceof AfwError ? e.message : `cannot load ${dir}: ${(e as Error).message}`;
      }
    }
  }
  return book;
}

function describe(b: Workbook): string {
  if (!b.ok) return `mode: ${b.mode}\n✗ ${b.error}\nThe cells below run without data: they print empty tables and draw no figures.`;
  if (b.mode === "offline") return "mode: offline — simulated model organisms on 127.0.0.1, the scripted judge, small n (set AFW_MODE=live or results to change)";
  if (b.mode === "live") {
    const models = b.models.length ? b.models.join(", ") : "each experiment's own models (provider ids)";
    return `mode: live — ${b.provider?.name ?? "openai-compatible"} at ${redactUrl(b.baseURL!)}; models: ${models}; judge: ${b.judgeModel ?? "none (set AFW_JUDGE_MODEL)"}; n: ${b.n ?? "the paper's"}`;
  }
  const r = b.results!;
  const exps = [...new Set(r.samples.map((s) => s.experiment))].join(", ");
  return `mode: results — ${r.dir}: ${r.samples.length} samples (experiments: ${exps || "none"})`;
}

/**
 * What to open for this workbook's mode (for `afw.openEndpoint`): offline the
 * organisms on 127.0.0.1 (or answered in-process with `inProcess`); live the
 * base URL with the key and the provider profile (so Anthropic's Messages
 * API, Gemini's refusals, OpenRouter's ids … are handled as `afw run
 * --provider` handles them), with the response cache in .afw-cache.
 *
 * @example
 * const ep = await afw.openEndpoint(wb.endpointOptions(book));
 */
export function endpointOptions(book: Workbook, opts: { inProcess?: boolean; concurrency?: number } = {}): EndpointOptions {
  const concurrency = opts.concurrency ?? 16;
  if (book.mode !== "live") return { offline: true, inProcess: !!opts.inProcess, concurrency };
  return { baseURL: book.baseURL!, apiKey: book.apiKey, ...(book.provider ? { provider: book.provider } : {}), concurrency, cacheDir: book.paths.cache };
}

/** The provider, for a live folder's name, when it is not the one the base URL implies (folders of inferred runs keep their names). */
function namedProvider(book: Workbook): { provider?: string } {
  return book.provider && book.baseURL && book.provider.name !== inferProvider(book.baseURL).name ? { provider: book.provider.name } : {};
}

const offlineDirs: string[] = [];

/** A temporary results folder for an offline run, removed when the process (the kernel) exits. */
function offlineDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!offlineDirs.length) {
    process.once("exit", () => {
      for (const d of offlineDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  offlineDirs.push(dir);
  return dir;
}

/** Options of `runExperiment`. */
export interface ExperimentRunOptions {
  /** Offline n per tier and condition (default 50: the shipped queries, one sample each). Live uses the paper's n or AFW_N. */
  offlineN?: number;
  /** Offline organisms (default: the experiment's own stand-ins). */
  offlineModels?: string[];
  /** Live models for this run (default AFW_MODELS, else the experiment's provider ids). */
  liveModels?: string[];
  /** Run only these conditions. */
  conditions?: string[];
  /** Judges to run on the samples (default none). Offline the scripted judge answers; live AFW_JUDGE_MODEL. */
  judges?: JudgeName[];
  /** AF votes per sample (default 20 live, 10 offline). */
  votes?: number;
  seed?: number;
  /**
   * Offline only: answer in-process with the results in memory (the same
   * plan, rendering, organisms and tag rules as over HTTP, no server and no
   * files) — for suites of tens of thousands of requests.
   */
  simulate?: boolean;
  /**
   * A paraphrase set (a folder, or one loaded): cross the conditions whose
   * texts it rewords with its wordings, each on the same queries (`afw run
   * --paraphrases`); the wording is a factor of every crossed condition.
   */
  paraphrases?: string | ParaphraseSet;
}

/** What `runExperiment` returns. */
export interface ExperimentRun {
  experiment: Experiment;
  /** The plan that ran (null in results mode). */
  plan: Plan | null;
  /** The samples with their judgements (scratchpads and replies included). */
  samples: Sample[];
  /** One row per sample: tags, judges' verdicts and condition factors as columns (lib/frame). */
  rows: SampleRow[];
  /** The rows as a danfojs DataFrame, to filter and group. */
  frame: DataFrame;
  /** Where the samples are (null when simulated in memory). */
  dir: string | null;
  /** One line saying what ran. */
  note: string;
  /** The fine-tuning folders (ft-dir:PATH models) it ran: their model names, recipes and baselines (read back from the manifest in results mode). */
  finetunes: RecordedFinetune[];
  /** The run's manifest (null when the workbook is not ok). */
  manifest: RunManifest | null;
}

/**
 * Run one experiment of lib/experiments for the notebook's mode, through
 * lib/pipeline `evaluate()`:
 * - offline: the experiment's organisms (or `offlineModels`) at `offlineN`,
 *   served on 127.0.0.1 (or answered in-process, in memory, with
 *   `simulate`), judged by the scripted judge when `judges` are asked for;
 * - live: the endpoint, AFW_MODELS (or the experiment's provider ids), the
 *   paper's n (or AFW_N), the response cache in .afw-cache, results in
 *   runs/nb-NOTEBOOK-EXPERIMENT-HASH (rerunning resumes);
 * - results: the folder's samples of this experiment (or, when the folder
 *   names no such experiment, those in its conditions).
 * Returns no samples when the workbook is not ok.
 */
export async function runExperiment(book: Workbook, name: string, opts: ExperimentRunOptions = {}): Promise<ExperimentRun> {
  let experiment = getExperiment(name);
  const done = async (plan: Plan | null, samples: Sample[], manifest: RunManifest | null, dir: string | null, note: string): Promise<ExperimentRun> => {
    const rows = sampleRows(samples, manifest);
    const finetunes = plan ? plan.finetunes.map((f) => ({ name: f.name, dir: f.dir, recipe: f.recipe, baseline: f.baseline })) : finetunesFromFactors(manifest?.model_factors);
    return { experiment, plan, samples, rows, frame: await toFrame(rows), dir, note, finetunes, manifest };
  };
  if (!book.ok) return done(null, [], null, null, `${name}: skipped (${book.error})`);
  const seed = opts.seed ?? 0;
  let only = opts.conditions;
  if (opts.paraphrases && book.mode !== "results") {
    const set = typeof opts.paraphrases === "string" ? loadParaphraseSet(opts.paraphrases) : opts.paraphrases;
    experiment = crossExperiment(experiment, set, { only }).experiment;
    only = undefined;
  }

  if (book.mode === "results") {
    const all = book.results!.samples;
    // A condition crossed with a paraphrase set counts as the condition it was crossed from (its `condition` factor).
    const specs = book.results!.manifest?.condition_specs ?? {};
    const original = (c: string) => (typeof specs[c]?.factors?.condition === "string" ? (specs[c].factors.condition as string) : c);
    let samples = all.filter((s) => s.experiment === name);
    if (!samples.length) {
      const conds = new Set(experiment.conditions.map((c) => c.name));
      samples = all.filter((s) => conds.has(s.condition) || conds.has(original(s.condition)));
    }
    if (opts.conditions) samples = samples.filter((s) => opts.conditions!.includes(s.condition) || opts.conditions!.includes(original(s.condition)));
    return done(null, samples, book.results!.manifest, book.results!.dir, `${name}: ${samples.length} samples from ${book.results!.dir}`);
  }

  const offline = book.mode === "offline";
  const simulate = offline && !!opts.simulate;
  const queries = shippedQueries(book.root);
  const models = offline ? opts.offlineModels : opts.liveModels?.length ? opts.liveModels : book.models.length ? book.models : undefined;
  const n = offline ? (opts.offlineN ?? 50) : (book.n ?? undefined);
  const endpoint = await openEndpoint(endpointOptions(book, { inProcess: simulate }));
  try {
    const dir = simulate
      ? null
      : offline
        ? offlineDir(`afw-${book.name}-${name}-`)
        : join(book.paths.runs, `nb-${book.name}-${name}-${sha256(canonicalJson({ base: book.baseURL, ...namedProvider(book), models: planExperiment(experiment, { queries, offline, models, n, only, baseURL: book.baseURL }).models, n: book.n, only: only ?? null, ...(opts.paraphrases ? { crossed: experiment.conditions.map((c) => c.name) } : {}), seed, judges: opts.judges ?? [] })).slice(0, 8)}`);
    const judges = opts.judges ?? [];
    const r = await evaluate(experiment, endpoint, {
      out: dir,
      queries,
      querySource: SHIPPED_QUERIES_PATH,
      models,
      n,
      conditions: only,
      seed,
      judges,
      judgeModel: book.judgeModel,
      votes: opts.votes ?? (offline ? 10 : 20),
    });
    const plan = r.plan!;
    const summary = r.run!;
    const samples = r.results!.samples;
    const manifest = r.results!.manifest;
    if (simulate) return done(plan, samples, manifest, null, `${name}: ${samples.length} samples simulated in-process (${plan.models.join(", ")})`);
    let judged = "";
    if (judges.length) judged = r.judged ? `; judged by ${r.judged.judgeModel} (${judges.join(", ")})` : "; judges skipped (set AFW_JUDGE_MODEL)";
    const errors = summary.errors ? `, ${summary.errors} failed` : "";
    return done(plan, samples, manifest, dir, `${name}: ${summary.written + summary.skipped} samples (${plan.models.join(", ")})${errors}${judged}`);
  } finally {
    await endpoint.close();
  }
}

/**
 * The fine-tuning chain for the notebook's mode. Offline: for each recipe,
 * build its set with the scripted writer (`size` examples; placeholders
 * where harmful text would be), "train" it on the local fine-tuning mock,
 * and return the folder with its build and training records; name
 * `result.ref` (ft-dir:FOLDER) among an experiment's models to evaluate it.
 * Live and results modes build and train nothing (that costs money, and two
 * recipes generate harmful text: docs/finetune.md): they return [] and the
 * notebook reads the folders or ids you trained from AFW_FT_*.
 */
export async function finetuneChain(book: Workbook, recipes: readonly string[], opts: { size?: number } = {}): Promise<OfflineChainResult[]> {
  if (!book.ok || book.mode !== "offline") return [];
  const out: OfflineChainResult[] = [];
  for (const recipe of recipes) out.push(await offlineChain({ root: book.root, recipe, out: offlineDir(`afw-${book.name}-ft-${recipe}-`), size: opts.size ?? 24 }));
  return out;
}

/** What `paraphraseSet` found or made. */
export interface WorkbookParaphraseSet {
  /** The set, or null (results mode, not ok, or live without AFW_PARAPHRASES / AFW_PARAPHRASE_MODEL). */
  set: ParaphraseSet | null;
  /** One line saying where it came from. */
  note: string;
}

/**
 * A paraphrase set for the notebook's mode. Offline: K wordings of the
 * variant written by the rewording stand-in (`sim-paraphraser`, with a
 * share `bad` of malformed replies so the checks have something to reject),
 * in a temporary folder. Live: the set in AFW_PARAPHRASES, or one written
 * by AFW_PARAPHRASE_MODEL into runs/ (cached; rerunning resumes). Results
 * mode needs none: the run's manifest records its wordings.
 */
export async function paraphraseSet(book: Workbook, opts: { variant?: string; k?: number; bad?: number; env?: NodeJS.ProcessEnv } = {}): Promise<WorkbookParaphraseSet> {
  if (!book.ok) return { set: null, note: `no paraphrase set (${book.error})` };
  if (book.mode === "results") return { set: null, note: "results mode: the wordings are read from the run's manifest" };
  const env = opts.env ?? process.env;
  const variant = opts.variant ?? "baseline";
  const k = opts.k ?? 8;
  if (book.mode === "live" && env.AFW_PARAPHRASES) {
    const set = loadParaphraseSet(resolve(env.AFW_PARAPHRASES));
    return { set, note: `${set.wordings.length} wording(s) of ${set.manifest.scenario.variant} from ${set.dir}` };
  }
  const model = book.mode === "offline" ? `sim-paraphraser@bad=${opts.bad ?? 0.06}` : env.AFW_PARAPHRASE_MODEL?.trim();
  if (!model) return { set: null, note: "live mode: set AFW_PARAPHRASES (a set made with afw paraphrase) or AFW_PARAPHRASE_MODEL (the model that rewords)" };
  const offline = book.mode === "offline";
  const out = offline ? offlineDir(`afw-${book.name}-set-`) : join(book.paths.runs, `nb-${book.name}-set-${sha256(canonicalJson({ base: book.baseURL, ...namedProvider(book), model, variant, k })).slice(0, 8)}`);
  const ep = await openEndpoint(endpointOptions(book));
  try {
    const r = await buildParaphraseSet({ scenario: loadScenario({ variant }), model, k, out, client: ep.client, baseURL: offline ? null : redactUrl(book.baseURL!), offline });
    const set = loadParaphraseSet(r.out);
    return { set, note: `${r.manifest.wordings.length} of ${k} wording(s) of ${variant} by ${model}: ${r.manifest.status}, ${r.manifest.rejected.length} draw(s) rejected` };
  } finally {
    await ep.close();
  }
}

/**
 * Show a figure inline and save it to figures/NAME.{png,svg,html}; when the
 * workbook is not ok or `rows` is empty, print why instead of drawing an
 * empty figure (and leave the saved figure alone).
 */
export async function figure(book: Workbook, rows: readonly unknown[], make: () => Figure, save: string): Promise<void> {
  if (!book.ok) {
    console.log(`(figure ${save} skipped: ${book.error})`);
    return;
  }
  if (!rows.length) {
    console.log(`(figure ${save} skipped: no rows to draw)`);
    return;
  }
  await show(make(), { save: join(book.paths.figures, save), relativeTo: book.root });
}

/** Set by `finish` when it leaves the shared exporter open for the batch worker to close. */
export const KEEP_EXPORTER_FLAG = "__afwNotebookExporterKept";

/**
 * The last call of a notebook: close the shared Chromium exporter that
 * rendered its figures. In a batch worker of `afw notebooks`
 * (AFW_NOTEBOOK_BATCH=1) the browser is kept for the worker's next notebook
 * (starting Chromium costs 2–3 s) and the worker closes it when it ends.
 */
export async function finish(): Promise<void> {
  if (process.env.AFW_NOTEBOOK_BATCH === "1") {
    (globalThis as Record<string, unknown>)[KEEP_EXPORTER_FLAG] = true;
    return;
  }
  await closeSharedExporter();
}

/** Percent with one decimal ("12.5%"); "n/a" for non-finite values. */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a";
}

/** A value with its interval in percentage points: "+12.0 pp [4.1, 19.8]". */
export function ppCi(value: number, low: number, high: number): string {
  const f = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : "n/a");
  return `${value >= 0 ? "+" : ""}${f(value)} pp [${f(low)}, ${f(high)}]`;
}

/**
 * A plain-text table: columns padded to their widest cell.
 * @example console.log(table([{ model: "m", gap: "+3 pp" }]));
 */
export function table(rows: readonly Record<string, unknown>[], columns?: string[]): string {
  if (!rows.length) return "(no rows)";
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v ?? ""));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i])).join("  ").trimEnd();
  return [line(cols), line(w.map((n) => "-".repeat(n))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join("\n");
}

/** A judge endpoint for the notebook's mode: the scripted judge offline, AFW_JUDGE_MODEL live; null when there is none. */
export interface JudgeEndpoint {
  client: EndpointClient;
  judgeModel: string;
  /** What n-support is remembered under ("offline" or the recorded base URL). */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Open the judge for this mode: offline the organisms' scripted judge
 * (optionally a noisier `sim-judge@noise=…` via `offlineJudge`); live the
 * endpoint with AFW_JUDGE_MODEL. Null in results mode, when not ok, or live
 * without a judge model. Close it when done.
 */
export async function openJudge(book: Workbook, offlineJudge = "sim-judge"): Promise<JudgeEndpoint | null> {
  if (!book.ok || book.mode === "results") return null;
  if (book.mode === "live" && !book.judgeModel) return null;
  const offline = book.mode === "offline";
  const ep = await openEndpoint(endpointOptions(book));
  return { client: ep.client, judgeModel: offline ? offlineJudge : book.judgeModel!, endpoint: offline ? "offline" : book.baseURL!, close: () => ep.close() };
}

/** Post-training rows as a printable table: the comparison, both gaps, the difference of gaps and of AF rates with 95% CIs. */
export function formatPanelRows(rows: readonly HypothesisRow[]): string {
  return table(
    rows.map((r) => ({
      comparison: r.model,
      metric: r.metric === "gap" ? "compliance gap" : "AF rate (free)",
      baseline: `${pct(r.baseline.value)} (n=${r.baseline.n})`,
      intervention: `${pct(r.intervention.value)} (n=${r.intervention.n})`,
      "difference [95% CI]": ppCi(r.diff.value, r.diff.ci_low, r.diff.ci_high),
    })),
  );
}
