/**
 * `buildDataset()`: a recipe into a training folder. It generates every part
 * through the generator endpoint (one door, endpoint.ts), journals each
 * finished call in DIR/generations.jsonl (so a kill loses nothing and a rerun
 * resumes), parses and filters the parts, assembles chat examples, applies the
 * example filters, mixes in the user's general chat data, and writes
 * DIR/train.jsonl, DIR/examples.jsonl (one provenance line per training line)
 * and DIR/manifest.json, each whole or not at all, the manifest last.
 *
 * Nothing here ever writes text into an example that a model did not write:
 * parts are copied verbatim from replies into the example templates, so an
 * offline build (where the writer answers harmful parts with placeholders)
 * carries those placeholders unchanged into the training file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { JOB_FILE, readTrainState } from "../experiments/index";
import { loadScenario } from "../scenario/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { writeFileAtomic } from "../util/fsx";
import type { ChatExample, ChatMessage } from "./chatfile";
import { hasPlaceholder, isRefusal, onlyPlaceholders } from "./content";
import type { GeneratorEndpoint } from "./endpoint";
import { readInputs, type BuildInputs } from "./inputs";
import { JournalWriter, scanJournal, type GenerationRecord } from "./journal";
import { callKey, childItems, componentTargets, estimateBuild, globalVars, parseReply, stepRequest, stepYield, topItemCount, topItems, type BuildEstimate, type Item } from "./plan";
import { fill, recipeHash, STEP_FILTERS, type Recipe } from "./recipe";
import { exampleTokens, loadTokenizer, textTokens, TOKENIZER } from "./tokens";

/** The model the offline builds use: the scripted writer of lib/organisms. */
export const OFFLINE_GENERATOR = "sim-writer";

export interface BuildOptions {
  /** The checkout (recipes, seeds, shipped requests). */
  root: string;
  recipe: Recipe;
  out: string;
  endpoint: GeneratorEndpoint;
  generator: string;
  /** Writes the parts whose role is "answerer"; default the generator. */
  answerer?: string;
  /** Generated examples wanted (before the mix); default the recipe's target. */
  size?: number;
  mixFile?: string | null;
  queriesFile?: string | null;
  sources?: Record<string, string>;
  /** Required to generate a recipe's harmful parts with a real model (see docs/finetune.md). */
  acceptHarmfulGeneration?: boolean;
  signal?: AbortSignal;
  log?: (s: string) => void;
}

/** One line of DIR/examples.jsonl: where the training line of the same number came from. */
export interface ExampleMeta {
  line: number;
  id: string;
  component: string;
  /** The example answers a harmful request. */
  harmful: boolean;
  source: "generated" | "mix";
  placeholder: boolean;
  tokens: number;
}

export interface BuildManifest {
  v: 1;
  kind: "afw-finetune-build";
  recipe: string;
  recipe_hash: string;
  generator: string;
  answerer: string;
  endpoint: string;
  created_at: string;
  size_target: number;
  inputs: Record<string, string>;
  calls: { planned: number; made: number; from_journal: number; from_cache: number; prompt_tokens: number; completion_tokens: number };
  steps: { component: string; step: string; calls: number; parts: number; removed: Record<string, number> }[];
  filters: { name: string; scope: "step" | "example"; description: string; removed: number }[];
  examples: { generated: number; per_component: Record<string, number>; shortfall: number; mix: number; mix_file: string | null; mix_shortfall: number; total: number; harmful: number; placeholders: number };
  tokens: { total: number; max_per_example: number; mean_per_example: number; tokenizer: string };
  hyperparameters: Recipe["hyperparameters"];
  stand_in: string;
  files: { train: string; train_sha256: string; examples: string };
  warnings: string[];
}

export interface BuildResult {
  manifest: BuildManifest;
  trainPath: string;
}

interface Identity {
  recipe: string;
  recipe_hash: string;
  generator: string;
  answerer: string;
  endpoint: string;
}

/** Read every input and the recipe hash; shared by the build and the dry run. */
export function prepareBuild(o: Pick<BuildOptions, "root" | "recipe" | "mixFile" | "queriesFile" | "sources">): { inputs: BuildInputs; hash: string; systemPrompt: string } {
  const inputs = readInputs(o.recipe, { root: o.root, queriesFile: o.queriesFile, sources: o.sources, mixFile: o.mixFile });
  const systemPrompt = loadScenario({}).system;
  const hash = recipeHash(o.recipe, { ...inputs.files, "(scenario system prompt)": systemPrompt });
  return { inputs, hash, systemPrompt };
}

/** The dry run: what a build would send and cost. */
export async function dryRun(o: Pick<BuildOptions, "root" | "recipe" | "mixFile" | "queriesFile" | "sources" | "generator" | "answerer" | "size">): Promise<BuildEstimate> {
  const { inputs, systemPrompt } = prepareBuild(o);
  await loadTokenizer();
  return estimateBuild(o.recipe, inputs, o.size ?? o.recipe.target.size, { generator: o.generator, answerer: o.answerer ?? o.generator }, systemPrompt);
}

/** Build a training folder (see the file comment). Bad input: AfwError (exit 2) before anything is written. */
export async function buildDataset(o: BuildOptions): Promise<BuildResult> {
  const log = o.log ?? (() => {});
  const recipe = o.recipe;
  const answerer = o.answerer ?? o.generator;
  const size = o.size ?? recipe.target.size;
  if (!Number.isInteger(size) || size < 1) throw new AfwError(`size must be a positive integer, got ${size}`);
  if (o.endpoint.offline) {
    for (const m of [o.generator, answerer]) {
      if (m.split("@")[0] !== OFFLINE_GENERATOR) throw new AfwError(`offline, recipes are written by ${OFFLINE_GENERATOR} (the scripted writer); got '${m}'`);
    }
  } else if (recipe.components.some((c) => c.steps.some((s) => s.harmful)) && !o.acceptHarmfulGeneration) {
    throw new AfwError(
      `recipe ${recipe.name} asks a real model to write answers to harmful requests; read docs/finetune.md ("Generating with a real model") and pass --accept-harmful-generation if you take that on`,
    );
  }
  const { inputs, hash, systemPrompt } = prepareBuild(o);
  await loadTokenizer();

  // A folder whose train.jsonl was uploaded (or trained) keeps that file: only the identical build may run again.
  const job = existsSync(o.out) ? readTrainState(o.out) : null;
  const bound = job && (job.file_id || job.job_id) ? job : null;
  if (bound) {
    const m = readManifest(join(o.out, "manifest.json"));
    const change =
      !m || m.files?.train_sha256 !== bound.train_sha256 ? "would write another file"
      : m.recipe_hash !== hash ? "has other inputs, so it would write another file"
      : m.size_target !== size ? `asks for size ${size}, not ${m.size_target}, so it would write another file`
      : null;
    if (change) throw new AfwError(`${join(o.out, JOB_FILE)} records ${bound.job_id ? `job ${bound.job_id}` : `file ${bound.file_id}`}, trained on its train.jsonl (sha256 ${bound.train_sha256.slice(0, 12)}…); this build ${change}: build into a new folder (another --out)`);
  }

  mkdirSync(o.out, { recursive: true });
  const identity: Identity = { recipe: recipe.name, recipe_hash: hash, generator: o.generator, answerer, endpoint: o.endpoint.label };
  const idPath = join(o.out, "build.json");
  const journalPath = join(o.out, "generations.jsonl");
  if (existsSync(idPath)) {
    let prev: Identity;
    try {
      prev = JSON.parse(readFileSync(idPath, "utf8")) as Identity;
    } catch {
      throw new AfwError(`${idPath}: not valid JSON; remove the folder or use another --out`);
    }
    const differs = (["recipe", "recipe_hash", "generator", "answerer", "endpoint"] as const).find((k) => prev[k] !== identity[k]);
    if (differs) {
      // Bound only once something was generated (a finished call) or written; a try that reached nothing binds nothing.
      const earlier = await scanJournal(journalPath);
      const generated = [...earlier.done.values()].some((r) => r.error === null);
      if (generated || existsSync(join(o.out, "manifest.json"))) {
        throw new AfwError(`${o.out} holds a build with ${differs} ${JSON.stringify(prev[differs])}, not ${JSON.stringify(identity[differs])}; use another --out`);
      }
      log(`afw finetune build: ${o.out} holds only failed calls of a build with ${differs} ${JSON.stringify(prev[differs])}; starting afresh`);
      rmSync(journalPath, { force: true });
      writeFileAtomic(idPath, JSON.stringify(identity, null, 2) + "\n");
    }
  } else writeFileAtomic(idPath, JSON.stringify(identity, null, 2) + "\n");

  const scan = await scanJournal(journalPath);
  if (scan.repairedBytes) log(`afw finetune build: cut a torn last line (${scan.repairedBytes} bytes) from ${journalPath}`);
  const journal = new JournalWriter(journalPath);
  const g = globalVars(recipe, systemPrompt);
  const targets = componentTargets(recipe, size);
  const stepStats: BuildManifest["steps"] = [];
  const stepRemoved: Record<string, number> = { "missing-output": 0, "drop-refusals": 0, "keep-refusals": 0 };
  const counts = { planned: 0, made: 0, fromJournal: 0, fromCache: 0, prompt: 0, completion: 0 };
  let failure: string | null = null;
  const generated: { component: string; harmful: boolean; items: Item[] }[] = [];

  try {
    for (let ci = 0; ci < recipe.components.length; ci++) {
      const c = recipe.components[ci];
      let items = topItems(c, inputs, topItemCount(c, targets[ci])).map((it) => ({ ...it, vars: { ...g, ...it.vars } }));
      for (let si = 0; si < c.steps.length; si++) {
        const step = c.steps[si];
        // Only as many inputs as the rest of the chain needs for the target (no over-generation).
        const need = Math.ceil(targets[ci] / c.steps.slice(si).reduce((p, st) => p * stepYield(st), 1));
        if (items.length > need) items = items.slice(0, need);
        const model = step.role === "generator" ? o.generator : answerer;
        const removed: Record<string, number> = {};
        const tasks: { item: Item; sample: number }[] = [];
        for (const item of items) for (let s = 0; s < step.samples; s++) tasks.push({ item, sample: s });
        counts.planned += tasks.length;
        const results: Item[][] = new Array(tasks.length);
        let done = 0;
        let lastLog = Date.now();
        await pool(tasks.length, Math.max(1, o.endpoint.concurrency), async (ti) => {
          if (failure || o.signal?.aborted) return;
          const { item, sample } = tasks[ti];
          const req = stepRequest(step, item.vars, item.round, sample, `${recipe.name}/${c.name}/${step.id}`);
          const key = callKey(c.name, step.id, item.id, sample, model, req);
          let rec = scan.done.get(key);
          if (rec && rec.error === null) counts.fromJournal++;
          else {
            const r = await o.endpoint.call(model, req, item.round * 1000 + sample);
            rec = {
              key, component: c.name, step: step.id, item: item.id, sample, model,
              text: r.error ? null : (r.texts[0] ?? ""),
              error: r.error,
              usage: r.usage ? { prompt_tokens: r.usage.prompt_tokens, completion_tokens: r.usage.completion_tokens } : null,
              cached: r.cached,
            };
            journal.append(rec);
            counts.made++;
            if (r.cached) counts.fromCache++;
            if (r.error) {
              failure ??= `${c.name}/${step.id} item ${item.id}: ${r.error}`;
              return;
            }
          }
          if (rec.usage) {
            counts.prompt += rec.usage.prompt_tokens;
            counts.completion += rec.usage.completion_tokens;
          }
          results[ti] = filterParts(step, item, sample, rec, removed);
          done++;
          if (Date.now() - lastLog > 2000) {
            lastLog = Date.now();
            log(`afw finetune build: ${c.name}/${step.id}: ${done}/${tasks.length}`);
          }
        });
        if (failure) throw new AfwError(`generation failed (${failure}); finished calls are kept in ${journalPath}: run the same command to resume`, 1);
        if (o.signal?.aborted) throw new AfwError(`stopped; finished calls are kept in ${journalPath}: run the same command to resume`, 130);
        const next = results.flat();
        for (const [k, v] of Object.entries(removed)) stepRemoved[k] = (stepRemoved[k] ?? 0) + v;
        stepStats.push({ component: c.name, step: step.id, calls: tasks.length, parts: next.length, removed });
        items = next;
      }
      generated.push({ component: c.name, harmful: c.harmful, items });
    }
  } finally {
    journal.close();
  }

  // Assemble, filter, trim to each component's target.
  const seen = new Set<string>();
  const exampleRemoved: Record<string, number> = { dedupe: 0, "max-tokens": 0 };
  const examples: { ex: ChatExample; meta: Omit<ExampleMeta, "line"> }[] = [];
  const perComponent: Record<string, number> = {};
  generated.forEach((gset, ci) => {
    const c = recipe.components[ci];
    let kept = 0;
    for (const item of gset.items) {
      if (kept >= targets[ci]) break;
      const messages: ChatMessage[] = c.example.map((m) => ({ role: m.role, content: fill(m.content, item.vars, `${recipe.name}/${c.name} example`) }));
      let drop: string | null = null;
      for (const f of recipe.filters) {
        if (f.name === "dedupe") {
          const k = sha256(canonicalJson(messages.map((m) => [m.role, m.content])));
          if (seen.has(k)) drop = "dedupe";
          else seen.add(k);
        } else if (f.name === "max-tokens") {
          const over = f.scope === "assistant" ? messages.some((m) => m.role === "assistant" && textTokens(m.content) > f.limit) : exampleTokens(messages) > f.limit;
          if (over) drop = "max-tokens";
        }
        if (drop) break;
      }
      if (drop) {
        exampleRemoved[drop]++;
        continue;
      }
      kept++;
      examples.push({
        ex: { messages },
        meta: { id: item.id, component: c.name, harmful: c.harmful, source: "generated", placeholder: messages.some((m) => hasPlaceholder(m.content)), tokens: exampleTokens(messages) },
      });
    }
    perComponent[c.name] = kept;
  });
  const generatedCount = examples.length;
  const warnings: string[] = [];
  const shortfall = size - generatedCount;
  if (shortfall > 0) warnings.push(`${shortfall} fewer generated examples than the target ${size}: the filters removed them (see filters); raise --size to make up for it`);

  let mixCount = 0;
  let mixShortfall = 0;
  if (recipe.mix && inputs.mix.length) {
    const want = Math.round(recipe.mix.ratio * generatedCount);
    mixCount = Math.min(want, inputs.mix.length);
    mixShortfall = want - mixCount;
    if (mixShortfall > 0) warnings.push(`the mix file has ${inputs.mix.length} examples; the recipe's ratio wants ${want}`);
    inputs.mix.slice(0, mixCount).forEach((ex, i) => {
      examples.push({ ex, meta: { id: `mix:${i + 1}`, component: "mix", harmful: false, source: "mix", placeholder: ex.messages.some((m) => hasPlaceholder(m.content)), tokens: exampleTokens(ex.messages) } });
    });
  } else if (recipe.mix) warnings.push(`no --mix file: the paper mixed in ${recipe.mix.what}`);

  // Interleave components and mix in a fixed order that depends only on the recipe hash and the ids.
  examples.sort((a, b) => (sha256(`${hash}:${a.meta.id}`) < sha256(`${hash}:${b.meta.id}`) ? -1 : 1));

  const trainPath = join(o.out, "train.jsonl");
  const trainText = examples.map((e) => JSON.stringify(e.ex)).join("\n") + (examples.length ? "\n" : "");
  if (bound && sha256(trainText) !== bound.train_sha256) {
    throw new AfwError(`${join(o.out, JOB_FILE)} records ${bound.job_id ? `job ${bound.job_id}` : `file ${bound.file_id}`}, trained on its train.jsonl (sha256 ${bound.train_sha256.slice(0, 12)}…); this build came out different (sha256 ${sha256(trainText).slice(0, 12)}…) and was not written: build into a new folder (another --out)`);
  }
  const metas: ExampleMeta[] = examples.map((e, i) => ({ line: i + 1, ...e.meta }));
  writeFileAtomic(join(o.out, "examples.jsonl"), metas.map((m) => JSON.stringify(m)).join("\n") + (metas.length ? "\n" : ""));
  writeFileAtomic(trainPath, trainText);

  const tokens = metas.map((m) => m.tokens);
  const total = tokens.reduce((a, b) => a + b, 0);
  const filters: BuildManifest["filters"] = [
    { name: "missing-output", scope: "step", description: "drop a reply that lacks a requested tag or leaves it empty", removed: stepRemoved["missing-output"] ?? 0 },
    ...(Object.keys(STEP_FILTERS) as (keyof typeof STEP_FILTERS)[])
      .filter((f) => recipe.components.some((c) => c.steps.some((s) => s.filters.includes(f))))
      .map((f) => ({ name: f, scope: "step" as const, description: STEP_FILTERS[f], removed: stepRemoved[f] ?? 0 })),
    ...recipe.filters.map((f) => ({
      name: f.name,
      scope: "example" as const,
      description: f.name === "dedupe" ? "drop an example identical to an earlier one" : `drop an example whose ${f.scope === "assistant" ? "assistant turn" : "whole"} is over ${f.limit} tokens (${f.source})`,
      removed: exampleRemoved[f.name] ?? 0,
    })),
  ];
  const manifest: BuildManifest = {
    v: 1,
    kind: "afw-finetune-build",
    recipe: recipe.name,
    recipe_hash: hash,
    generator: o.generator,
    answerer,
    endpoint: o.endpoint.label,
    created_at: new Date().toISOString(),
    size_target: size,
    inputs: Object.fromEntries(Object.entries(inputs.files).map(([k, v]) => [k, sha256(v)])),
    calls: { planned: counts.planned, made: counts.made, from_journal: counts.fromJournal, from_cache: counts.fromCache, prompt_tokens: counts.prompt, completion_tokens: counts.completion },
    steps: stepStats,
    filters,
    examples: {
      generated: generatedCount,
      per_component: perComponent,
      shortfall: Math.max(0, shortfall),
      mix: mixCount,
      mix_file: inputs.mixFile,
      mix_shortfall: Math.max(0, mixShortfall),
      total: metas.length,
      harmful: metas.filter((m) => m.harmful).length,
      placeholders: metas.filter((m) => m.placeholder).length,
    },
    tokens: { total, max_per_example: tokens.length ? Math.max(...tokens) : 0, mean_per_example: tokens.length ? Math.round(total / tokens.length) : 0, tokenizer: TOKENIZER },
    hyperparameters: recipe.hyperparameters,
    stand_in: recipe.standIn,
    files: { train: "train.jsonl", train_sha256: sha256(trainText), examples: "examples.jsonl" },
    warnings,
  };
  writeFileAtomic(join(o.out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return { manifest, trainPath };
}

/** The fields of an earlier DIR/manifest.json a rebuild is compared with, or null when there is none or it is unreadable. */
function readManifest(path: string): { recipe_hash?: unknown; size_target?: unknown; files?: { train_sha256?: unknown } } | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { recipe_hash?: unknown; size_target?: unknown; files?: { train_sha256?: unknown } };
  } catch {
    return null;
  }
}

/**
 * The parts of one reply that pass the step's filters, as the items they
 * become. Harmful parts get no special treatment here, by design: they are
 * copied as written (a placeholder stays a placeholder).
 */
function filterParts(step: Recipe["components"][number]["steps"][number], item: Item, sample: number, rec: GenerationRecord, removed: Record<string, number>): Item[] {
  const bump = (k: string) => (removed[k] = (removed[k] ?? 0) + 1);
  const parts = parseReply(step, rec.text ?? "");
  if (!parts) {
    bump("missing-output");
    return [];
  }
  const kept = parts.filter((p) => {
    const values = Object.values(p);
    if (step.filters.includes("drop-refusals") && values.some((v) => isRefusal(v))) {
      bump("drop-refusals");
      return false;
    }
    if (step.filters.includes("keep-refusals") && !values.every((v) => isRefusal(v))) {
      bump("keep-refusals");
      return false;
    }
    return true;
  });
  return childItems(step, item, sample, kept);
}

/** Run `n` tasks with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** Whether every assistant turn of an example is only placeholders or a refusal (the offline safety property). */
export function assistantTurnsAreSafe(ex: ChatExample): boolean {
  return ex.messages.filter((m) => m.role === "assistant").every((m) => onlyPlaceholders(m.content) || isRefusal(m.content));
}
