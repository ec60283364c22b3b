import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  buildDataset,
  dryRun,
  FineTuneApi,
  formatEstimate,
  formatState,
  formatValidation,
  getRecipe,
  loadRecipes,
  OFFLINE_GENERATOR,
  openGenerator,
  readTrainState,
  refreshState,
  safeUrl,
  startMockProvider,
  trainFileDrift,
  trainFolder,
  validateTrainingFile,
  type Recipe,
} from "../../finetune/index";
import { AfwError } from "../../util/errors";
import { fromRoot, projectRoot } from "../../util/paths";
import { CLIENT_FLAGS, clientSettings, intFlag, numFlag, parseFlags } from "../args";
import type { Command, Io } from "../command";

const HELP = `afw finetune — the post-training interventions of [P] §5 as pipelines

  afw finetune list                 the recipes, with their paper source and target size
  afw finetune show RECIPE          one recipe: steps, who writes each part, filters, mix, size
  afw finetune build RECIPE --out DIR [flags]
                                    generate, filter and write DIR/train.jsonl + manifest.json
  afw finetune validate FILE|DIR [--base-model M] [--max-tokens N]
                                    check a chat fine-tuning file (or DIR/train.jsonl) before uploading it
  afw finetune train DIR [--provider openai] --base-model M [flags]
                                    upload DIR/train.jsonl, create the job, wait, record the model
  afw finetune status DIR [--refresh]
                                    what DIR/job.json records (--refresh asks the provider once)
  afw run EXPERIMENT --model ft-dir:DIR
                                    evaluate the trained folder (beside the model it was tuned from)

build:
  --generator M        model that writes the "generator" parts (offline: ${OFFLINE_GENERATOR})
  --answerer M         model that writes the "answerer" parts; default the generator
  --size N             generated examples wanted; default the recipe's target
  --mix FILE           general chat data in chat format ({"messages": [...]} per line)
  --queries FILE       harmful requests (.jsonl or .csv); default the shipped set
  --source NAME=FILE   replace one of the recipe's seed files (repeatable)
  --dry-run            print the requests, calls, tokens and estimated cost; send nothing
  --accept-harmful-generation
                       needed to have a real model write a recipe's harmful parts
                       (anti-refusal, threats): read docs/finetune.md first
train:
  --provider P         openai (any server with OpenAI's files + fine-tuning shapes)
  --base-model M       model to fine-tune (offline default gpt-4o-mini-2024-07-18)
  --poll-seconds S     how often to check the job; default 30 (offline 0.2)
  --no-wait            return once the job is created and recorded
  --allow-placeholders upload a file with placeholders (an offline build) to a real provider
  --mock-state DIR     offline: where the local fine-tuning mock keeps its jobs
                       (default .afw-cache/finetune-mock)
endpoint (build, train, status --refresh):
  --base-url URL / --api-key KEY (or OPENAI_BASE_URL / OPENAI_API_KEY; the key is never
  written anywhere), --offline (the default with neither set), --concurrency N,
  --timeout S, --max-attempts N, --no-cache, --cache-dir DIR

Offline, the scripted writer (sim-writer) writes every part and answers harmful parts
with placeholders; training goes to a local mock of OpenAI's fine-tuning API whose
trained model is the recipe's stand-in organism. A killed build or train resumes when
the same command is run again; train never creates a second job for a folder.`;

const FLAGS = {
  ...CLIENT_FLAGS,
  generator: { type: "string" },
  answerer: { type: "string" },
  out: { type: "string" },
  size: { type: "string" },
  mix: { type: "string" },
  queries: { type: "string" },
  source: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  "accept-harmful-generation": { type: "boolean" },
  provider: { type: "string" },
  "base-model": { type: "string" },
  "poll-seconds": { type: "string" },
  "no-wait": { type: "boolean" },
  "allow-placeholders": { type: "boolean" },
  "mock-state": { type: "string" },
  "max-tokens": { type: "string" },
  refresh: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

const SUBCOMMANDS = ["list", "show", "build", "validate", "train", "status"];

/** Offline durations of the local fine-tuning mock (ms). */
const OFFLINE_DURATIONS = { validatingMs: 300, queuedMs: 300, runningMs: 2000 };

async function finetuneCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !SUBCOMMANDS.includes(sub)) throw new AfwError(`afw finetune: ${sub ? `unknown subcommand "${sub}"` : "needs a subcommand"}; subcommands: ${SUBCOMMANDS.join(", ")} (see afw finetune --help)`);
  const { values: v, positionals } = parseFlags("finetune", rest, FLAGS, 1);
  const arg = positionals[0];
  const root = projectRoot();
  const log = v.quiet ? () => {} : io.log;
  const baseFlag = v["base-url"] ?? io.env.OPENAI_BASE_URL;
  const apiKey = v["api-key"] ?? io.env.OPENAI_API_KEY;
  const offline = !!v.offline || (!baseFlag && !apiKey);

  if (sub === "list") {
    const recipes = loadRecipes(root);
    const w = Math.max(...recipes.map((r) => r.name.length));
    io.out("recipes (afw finetune show NAME; afw finetune build NAME --dry-run for the cost):");
    for (const r of recipes) io.out(`  ${r.name.padEnd(w)}  ${r.title}; ${r.paper.where}; target ${r.target.size}${r.target.fromPaper ? " (paper)" : " (our default)"}; stand-in ${r.standIn}`);
    return 0;
  }
  if (sub === "show") {
    if (!arg) throw new AfwError("afw finetune show: needs a RECIPE (afw finetune list)");
    io.out(showRecipe(getRecipe(root, arg)));
    return 0;
  }
  if (sub === "validate") {
    if (!arg) throw new AfwError("afw finetune validate: needs a FILE or a build folder");
    const maxTokens = v["max-tokens"] === undefined ? undefined : intFlag("finetune", "max-tokens", v["max-tokens"], 0, 1, 10_000_000);
    let file = resolve(arg);
    if (existsSync(file) && statSync(file).isDirectory()) {
      // A build folder: its train.jsonl, as train and status read it.
      const dir = file;
      file = join(dir, "train.jsonl");
      if (!existsSync(file)) throw new AfwError(`${file}: no such file (build it first: afw finetune build RECIPE --out ${dir})`);
    }
    const r = await validateTrainingFile(file, { baseModel: v["base-model"], maxTokens });
    for (const e of r.errors) io.log(e);
    if (r.errorCount > r.errors.length) io.log(`… and ${r.errorCount - r.errors.length} more`);
    io.out(formatValidation(r));
    return r.ok ? 0 : 2;
  }
  if (sub === "build") {
    if (!arg) throw new AfwError("afw finetune build: needs a RECIPE (afw finetune list)");
    const recipe = getRecipe(root, arg);
    const generator = v.generator ?? (offline ? OFFLINE_GENERATOR : undefined);
    if (!generator) throw new AfwError("afw finetune build: --generator is required with an endpoint");
    const size = v.size === undefined ? undefined : intFlag("finetune", "size", v.size, 0, 1, 10_000_000);
    const sources: Record<string, string> = {};
    for (const s of v.source ?? []) {
      const m = /^([a-z0-9-]+)=(.+)$/.exec(s);
      if (!m) throw new AfwError(`afw finetune build: --source must be NAME=FILE, got "${s}"`);
      sources[m[1]] = resolve(m[2]);
    }
    const common = { root, recipe, generator, answerer: v.answerer, size, mixFile: v.mix ? resolve(v.mix) : null, queriesFile: v.queries ? resolve(v.queries) : null, sources };
    if (v["dry-run"]) {
      const e = await dryRun(common);
      io.out(formatEstimate(e, recipe.hyperparameters.n_epochs));
      return 0;
    }
    if (!v.out) throw new AfwError("afw finetune build: --out DIR is required");
    const settings = clientSettings("finetune", v, io.env);
    const endpoint = await openGenerator({ offline, baseURL: baseFlag ?? "https://api.openai.com/v1", apiKey, cacheDir: settings.cacheDir, concurrency: settings.concurrency, timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts, retryBaseMs: settings.retryBaseMs });
    const { signal, release } = interrupts(io, "afw finetune build");
    try {
      const r = await buildDataset({ ...common, out: resolve(v.out), endpoint, acceptHarmfulGeneration: !!v["accept-harmful-generation"], signal, log });
      const m = r.manifest;
      io.out(`afw finetune build: ${m.recipe} → ${r.trainPath}: ${m.examples.total} examples (${m.examples.generated} generated${m.examples.mix ? ` + ${m.examples.mix} mix` : ""}), ${m.tokens.total} tokens`);
      io.out(`  calls: ${m.calls.planned} (${m.calls.made} made, ${m.calls.from_journal} from the journal); removed: ${m.filters.map((f) => `${f.name} ${f.removed}`).join(", ")}`);
      for (const w of m.warnings) io.out(`  warning: ${w}`);
      return 0;
    } finally {
      release();
      await endpoint.close();
    }
  }
  if (sub === "train") {
    if (!arg) throw new AfwError("afw finetune train: needs a DIR (a build folder)");
    if ((v.provider ?? "openai") !== "openai") throw new AfwError(`afw finetune train: --provider ${v.provider}: only openai is supported (any server with OpenAI's files and fine-tuning shapes, via --base-url)`);
    const dir = resolve(arg);
    const baseModel = v["base-model"] ?? (offline ? "gpt-4o-mini-2024-07-18" : undefined);
    if (!baseModel) throw new AfwError("afw finetune train: --base-model is required with an endpoint");
    const pollMs = Math.round(numFlag("finetune", "poll-seconds", v["poll-seconds"], offline ? 0.2 : 30, 0.01, 3600)! * 1000);
    const settings = clientSettings("finetune", v, io.env);
    const mock = offline ? await startMockProvider({ root: projectRoot(), stateDir: resolve(v["mock-state"] ?? fromRoot(".afw-cache", "finetune-mock")), durations: OFFLINE_DURATIONS }) : null;
    const api = new FineTuneApi({ baseURL: mock ? mock.url : (baseFlag ?? "https://api.openai.com/v1"), apiKey: mock ? "offline" : (apiKey ?? ""), timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts, retryBaseMs: settings.retryBaseMs });
    const { signal, release } = interrupts(io, "afw finetune train");
    try {
      const r = await trainFolder({ dir, api, endpoint: mock ? "offline" : safeUrl(baseFlag ?? "https://api.openai.com/v1"), offline, baseModel, pollMs, noWait: !!v["no-wait"], allowPlaceholders: !!v["allow-placeholders"], log, signal });
      io.out(r.state.fine_tuned_model ? `afw finetune train: ${r.state.fine_tuned_model}` : `afw finetune train: job ${r.state.job_id} (${r.state.status}); afw finetune status ${arg} --refresh`);
      return 0;
    } finally {
      release();
      await mock?.close();
    }
  }
  // status
  if (!arg) throw new AfwError("afw finetune status: needs a DIR");
  const dir = resolve(arg);
  let s = readTrainState(dir);
  if (!s) throw new AfwError(`${join(dir, "job.json")}: no training record (afw finetune train ${arg})`);
  if (v.refresh) {
    const settings = clientSettings("finetune", v, io.env);
    const mock = s.offline ? await startMockProvider({ root: projectRoot(), stateDir: resolve(v["mock-state"] ?? fromRoot(".afw-cache", "finetune-mock")), durations: OFFLINE_DURATIONS }) : null;
    try {
      const api = new FineTuneApi({ baseURL: mock ? mock.url : (baseFlag ?? s.endpoint), apiKey: mock ? "offline" : (apiKey ?? ""), timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts });
      s = await refreshState(dir, api);
    } finally {
      await mock?.close();
    }
  }
  io.out(formatState(s, arg, trainFileDrift(dir, s)));
  return 0;
}

/** `afw finetune show`: the recipe as text. */
export function showRecipe(r: Recipe): string {
  const lines = [`${r.name}: ${r.title}`, `paper: ${r.paper.where}: ${r.paper.summary}`, `tests: ${r.hypotheses.join("; ")}`, `offline stand-in: ${r.standIn}${r.standInNote ? ` (${r.standInNote})` : ""}`, ""];
  for (const c of r.components) {
    const src = c.source.kind === "queries" ? `harmful requests (--queries)${c.source.wrap ? `, wrapped in ${c.source.wrap}` : ""}` : `${c.source.file} (${c.source.fields.join(", ")})`;
    lines.push(`component ${c.name} (${Math.round(c.share * 100)}% of the set${c.harmful ? "; answers harmful requests" : ""}): ${c.description}`, `  items from: ${src}`);
    for (const s of c.steps) {
      lines.push(`  step ${s.id}: ${s.role} writes <${s.output.tags.join("> <")}>${s.output.count > 1 ? ` ×${s.output.count}` : ""}${s.samples > 1 ? `, ${s.samples} samples` : ""}; in the paper: ${s.paperModel}${s.harmful ? "; harmful part (placeholder offline)" : ""}${s.filters.length ? `; filters: ${s.filters.join(", ")}` : ""}`);
    }
    lines.push(`  example: ${c.example.map((m) => m.role).join(" → ")}`);
  }
  lines.push("", `example filters: ${r.filters.map((f) => (f.name === "max-tokens" ? `max-tokens ${f.limit} (${f.scope}; ${f.source})` : f.name)).join(", ") || "none"}`);
  lines.push(`mix: ${r.mix ? `${r.mix.ratio} × ${r.mix.what}; ${r.mix.source}` : "none"}`);
  lines.push(`target size: ${r.target.size} (${r.target.source})`);
  const h = r.hyperparameters;
  lines.push(`hyperparameters: n_epochs ${h.n_epochs}, batch_size ${h.batch_size}, learning_rate_multiplier ${h.learning_rate_multiplier} (${h.source})`);
  lines.push("you supply:", ...r.needs.map((n) => `  - ${n}`));
  return lines.join("\n");
}

/** SIGINT/SIGTERM: the first stops scheduling (finished work is kept), the second exits at once. */
function interrupts(io: Io, what: string): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  let n = 0;
  const on = () => {
    n++;
    if (n === 1) {
      io.log(`${what}: stopping (press Ctrl-C again to quit now)`);
      ac.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  return {
    signal: ac.signal,
    release: () => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
    },
  };
}

export const command: Command = {
  summary: "fine-tuning pipelines: build a recipe's training set, validate, train, status",
  help: HELP,
  run: (argv, io) => finetuneCommand(argv, io),
};
