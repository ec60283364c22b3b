/**
 * `trainFolder()`: upload a build's train.jsonl, create the fine-tuning job
 * with the recipe's hyperparameters, and wait for it, keeping DIR/job.json
 * up to date (written whole each time) so that a kill at any moment loses
 * nothing and never leads to a second job:
 *
 * 1. The idempotency tag: a hash of the file, the base model, the
 *    hyperparameters and the endpoint. job.json is first written with the
 *    file's id, so a try that reached nothing (no file id, no job id: a
 *    refused connection, a bad key) leaves no record that binds the folder;
 *    an unbound record an older try left is replaced. Once a file id or a job
 *    id is recorded, the folder is bound to its tag.
 * 2. The file: reused if job.json has its id; else looked for among the
 *    provider's fine-tune files by its content-derived name and size (a kill
 *    after the upload but before job.json was written); else uploaded. Its id
 *    is written before the next step.
 * 3. The job: reused if job.json has its id; else looked for among the
 *    provider's jobs carrying the tag in their metadata (a kill, or a lost
 *    answer, between create and record); else created with the tag in its
 *    metadata. Its id is written before any waiting.
 * 4. Polling: the job every `pollMs`, its new events printed; the status,
 *    and at the end the fine-tuned model id or the provider's error, written.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { JOB_FILE, readTrainState, trainFileDrift, TrainState } from "../experiments/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { writeFileAtomic } from "../util/fsx";
import { FineTuneApi, ProviderError, TERMINAL, type FineTuningJob, type JobEvent } from "./openai-ft";
import { validateTrainingFile, type ValidationReport } from "./validate";

export { TrainState, JOB_FILE, readTrainState, trainFileDrift };

function writeState(dir: string, s: TrainState): void {
  s.updated_at = new Date().toISOString();
  writeFileAtomic(join(dir, JOB_FILE), JSON.stringify(s, null, 2) + "\n");
}

export interface TrainOptions {
  dir: string;
  api: FineTuneApi;
  /** "offline" or the redacted base URL (recorded). */
  endpoint: string;
  offline: boolean;
  baseModel: string;
  /** Poll interval in ms (default 30 s). */
  pollMs?: number;
  /** Return after the job is created, without waiting. */
  noWait?: boolean;
  /** Upload a file that carries placeholders (an offline build) to a real provider. */
  allowPlaceholders?: boolean;
  log?: (s: string) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  state: TrainState;
  validation: ValidationReport;
  /** True when a job was created by this call (false when an existing one was resumed). */
  created: boolean;
}

interface BuildManifestLite {
  recipe?: string;
  stand_in?: string;
  hyperparameters?: { n_epochs?: unknown; batch_size?: unknown; learning_rate_multiplier?: unknown };
}

/** Train a build folder (see the file comment). Resolves when the job succeeded (or, with noWait, was created). */
export async function trainFolder(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? (() => {});
  const trainPath = join(o.dir, "train.jsonl");
  if (!existsSync(trainPath)) throw new AfwError(`${trainPath}: no such file (build it first: afw finetune build RECIPE --out ${o.dir})`);
  const validation = await validateTrainingFile(trainPath, { baseModel: o.baseModel });
  if (!validation.ok) throw new AfwError(`${validation.errors[0]}${validation.errorCount > 1 ? ` (and ${validation.errorCount - 1} more; afw finetune validate ${trainPath})` : ""}`);
  if (validation.flagged.placeholders && !o.offline && !o.allowPlaceholders) {
    throw new AfwError(`${trainPath}: ${validation.flagged.placeholders} examples carry placeholders (an offline build); build with a real generator, or pass --allow-placeholders to upload it anyway`);
  }
  const manifestPath = join(o.dir, "manifest.json");
  const manifest: BuildManifestLite = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as BuildManifestLite) : {};
  const hp = manifest.hyperparameters ?? {};
  const pickHp = (v: unknown): number | "auto" => (typeof v === "number" ? v : "auto");
  const hyperparameters = { n_epochs: pickHp(hp.n_epochs), batch_size: pickHp(hp.batch_size), learning_rate_multiplier: pickHp(hp.learning_rate_multiplier) };
  const bytes = readFileSync(trainPath);
  const trainSha = sha256(bytes);
  const tag = `afw-${sha256(canonicalJson({ trainSha, base: o.baseModel, hyperparameters, endpoint: o.endpoint })).slice(0, 20)}`;
  const recipe = typeof manifest.recipe === "string" ? manifest.recipe : null;
  const now = new Date().toISOString();

  const recorded = readTrainState(o.dir);
  // A record with neither a file nor a job id binds nothing (no upload or job was ever recorded).
  const prev = recorded && (recorded.file_id || recorded.job_id || recorded.tag === tag) ? recorded : null;
  if (recorded && !prev) log(`afw finetune train: ${join(o.dir, JOB_FILE)} records no file and no job (an earlier try reached nothing); starting afresh`);
  if (prev && prev.tag !== tag) {
    const what = prev.train_sha256 !== trainSha ? "a different train.jsonl" : prev.base_model !== o.baseModel ? `base model ${prev.base_model}` : prev.endpoint !== o.endpoint ? `endpoint ${prev.endpoint}` : "other hyperparameters";
    throw new AfwError(`${join(o.dir, JOB_FILE)} records a job for ${what}; build into a new folder to train again`);
  }
  const s: TrainState = prev ?? {
    v: 1, kind: "afw-finetune-train", provider: "openai", endpoint: o.endpoint, offline: o.offline, base_model: o.baseModel,
    recipe, stand_in: typeof manifest.stand_in === "string" ? manifest.stand_in : null,
    train_sha256: trainSha, train_bytes: bytes.length, tag, suffix: `afw-${recipe ?? "set"}`.slice(0, 40),
    hyperparameters, file_id: null, job_id: null, status: null, fine_tuned_model: null, trained_tokens: null, error: null, events: [],
    created_at: now, updated_at: now,
  };
  if (s.status && TERMINAL.has(s.status)) return finish(s, validation, false, log);

  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ProviderError) throw new AfwError(`afw finetune train: ${what}: ${e.message}${s.job_id ? `; job ${s.job_id} is recorded in ${join(o.dir, JOB_FILE)}: run the same command to resume` : ""}`, e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429 ? 2 : 1);
      throw e;
    }
  };

  // 2. The file.
  const filename = `afw-${trainSha.slice(0, 16)}.jsonl`;
  if (!s.file_id) {
    const existing = (await call("listing files", () => o.api.listFiles())).data.find((f) => f.filename === filename && f.bytes === bytes.length && f.purpose === "fine-tune");
    if (existing) {
      log(`afw finetune train: ${trainPath} was already uploaded as ${existing.id}`);
      s.file_id = existing.id;
    } else {
      log(`afw finetune train: uploading ${trainPath} (${bytes.length} bytes, ${validation.examples} examples)`);
      try {
        s.file_id = (await o.api.uploadFile(trainPath, filename)).id;
      } catch (e) {
        if (!(e instanceof ProviderError) || !e.ambiguous) return call("uploading the file", () => Promise.reject(e));
        const found = (await call("listing files", () => o.api.listFiles())).data.find((f) => f.filename === filename && f.bytes === bytes.length);
        if (!found) throw new AfwError(`afw finetune train: uploading the file: ${e.message}; nothing was recorded: run the same command to try again`, 1);
        s.file_id = found.id;
      }
    }
    writeState(o.dir, s);
  }

  // 3. The job.
  let created = false;
  if (!s.job_id) {
    const adopted = await findTagged(o.api, tag, call);
    if (adopted) {
      log(`afw finetune train: found job ${adopted.id} already created for this folder`);
      s.job_id = adopted.id;
      s.status = adopted.status;
    } else {
      const body = {
        model: o.baseModel,
        training_file: s.file_id,
        suffix: s.suffix,
        metadata: { afw_tag: tag, ...(recipe ? { afw_recipe: recipe } : {}) },
        method: { type: "supervised", supervised: { hyperparameters: s.hyperparameters } },
      };
      try {
        const job = await o.api.createJob(body);
        s.job_id = job.id;
        s.status = job.status;
        created = true;
      } catch (e) {
        if (!(e instanceof ProviderError) || !e.ambiguous) return call("creating the job", () => Promise.reject(e));
        const found = await findTagged(o.api, tag, call);
        if (!found) throw new AfwError(`afw finetune train: creating the job: ${e.message}; no job with this folder's tag exists: run the same command to try again`, 1);
        log(`afw finetune train: the create call got no answer, but job ${found.id} exists; using it`);
        s.job_id = found.id;
        s.status = found.status;
      }
    }
    writeState(o.dir, s);
    log(`afw finetune train: job ${s.job_id} (${s.status}); recorded in ${join(o.dir, JOB_FILE)}`);
  }
  if (o.noWait) return { state: s, validation, created };

  // 4. Wait.
  const pollMs = o.pollMs ?? 30_000;
  for (;;) {
    const job = await call("checking the job", () => o.api.retrieveJob(s.job_id!));
    const events = await call("reading the job's events", () => o.api.listEvents(s.job_id!, 50));
    newEvents(s, events.data, log);
    const changed = applyJob(s, job);
    if (changed || events.data.length) writeState(o.dir, s);
    if (TERMINAL.has(job.status)) return finish(s, validation, created, log);
    if (o.signal?.aborted) throw new AfwError(`stopped waiting; job ${s.job_id} goes on at the provider: run the same command (or afw finetune status ${o.dir} --refresh) later`, 130);
    await sleep(pollMs, o.signal);
  }
}

/** One GET of the job, recorded; for `afw finetune status --refresh`. */
export async function refreshState(dir: string, api: FineTuneApi): Promise<TrainState> {
  const s = readTrainState(dir);
  if (!s) throw new AfwError(`${join(dir, JOB_FILE)}: no training record (afw finetune train ${dir} first)`);
  if (!s.job_id || TERMINAL.has(s.status ?? "")) return s;
  const job = await api.retrieveJob(s.job_id).catch((e: unknown) => {
    throw new AfwError(`afw finetune status: ${(e as Error).message}`, 1);
  });
  const ev = await api.listEvents(s.job_id, 50).catch(() => null);
  if (ev) newEvents(s, ev.data, () => {});
  applyJob(s, job);
  writeState(dir, s);
  return s;
}

async function findTagged(api: FineTuneApi, tag: string, call: <T>(what: string, f: () => Promise<T>) => Promise<T>): Promise<FineTuningJob | null> {
  // Ask with the metadata filter, and check the metadata ourselves too (a server may ignore the filter).
  let after: string | undefined;
  for (let page = 0; page < 20; page++) {
    const list = await call("listing jobs", () => api.listJobs({ limit: 100, after, metadata: { afw_tag: tag } }));
    const hit = list.data.find((j) => j.metadata?.afw_tag === tag);
    if (hit) return hit;
    if (!list.has_more || !list.data.length) return null;
    after = list.data[list.data.length - 1].id;
  }
  return null;
}

function applyJob(s: TrainState, job: FineTuningJob): boolean {
  const before = canonicalJson([s.status, s.fine_tuned_model, s.trained_tokens, s.error]);
  s.status = job.status;
  s.fine_tuned_model = job.fine_tuned_model ?? null;
  s.trained_tokens = job.trained_tokens ?? null;
  s.error = job.error && job.error.message ? { code: job.error.code ?? null, message: job.error.message, param: job.error.param ?? null } : null;
  return canonicalJson([s.status, s.fine_tuned_model, s.trained_tokens, s.error]) !== before;
}

function newEvents(s: TrainState, events: JobEvent[], log: (s: string) => void): void {
  const seen = new Set(s.events.map((e) => e.id));
  // The list is newest first; reversed it is oldest first, and the stable sort keeps that order within a second.
  const fresh = [...events].reverse().filter((e) => !seen.has(e.id)).sort((a, b) => a.created_at - b.created_at);
  for (const e of fresh) {
    log(`  [${new Date(e.created_at * 1000).toISOString()}] ${e.level}: ${e.message}`);
    s.events.push({ id: e.id, created_at: e.created_at, level: e.level, message: e.message });
  }
  if (s.events.length > 200) s.events.splice(0, s.events.length - 200);
}

function finish(s: TrainState, validation: ValidationReport, created: boolean, log: (s: string) => void): TrainResult {
  if (s.status === "succeeded") {
    log(`afw finetune train: job ${s.job_id} succeeded: ${s.fine_tuned_model}`);
    return { state: s, validation, created };
  }
  if (s.status === "failed") throw new AfwError(`fine-tuning job ${s.job_id} failed: ${s.error ? `${s.error.message}${s.error.code ? ` (${s.error.code})` : ""}` : "the provider gave no reason"}`, 1);
  throw new AfwError(`fine-tuning job ${s.job_id} was cancelled`, 1);
}

/** The one-screen summary `afw finetune status` prints; `drift` (trainFileDrift) is printed as a warning. */
export function formatState(s: TrainState, dir: string, drift: string | null = null): string {
  const lines = [
    `${dir}: ${s.recipe ?? "(no recipe)"} on ${s.base_model} via ${s.endpoint}`,
    ...(drift ? [`warning: ${drift}`] : []),
    `file ${s.file_id ?? "(not uploaded)"}; job ${s.job_id ?? "(not created)"}; status ${s.status ?? "(none)"}`,
    `hyperparameters: n_epochs ${s.hyperparameters.n_epochs}, batch_size ${s.hyperparameters.batch_size}, learning_rate_multiplier ${s.hyperparameters.learning_rate_multiplier}`,
  ];
  if (s.fine_tuned_model) lines.push(`fine-tuned model: ${s.fine_tuned_model}${s.trained_tokens ? ` (${s.trained_tokens} trained tokens)` : ""}`);
  if (s.offline && s.stand_in) lines.push(`offline: the mock serves it as the organism ${s.stand_in}`);
  if (s.status === "succeeded" && !drift) lines.push(`evaluate it: afw run EXPERIMENT ${s.offline ? "--offline " : ""}--model ft-dir:${dir} (the model it was tuned from runs beside it)`);
  if (s.error) lines.push(`error: ${s.error.message}${s.error.code ? ` (${s.error.code})` : ""}`);
  const last = s.events.slice(-5);
  if (last.length) lines.push("last events:", ...last.map((e) => `  ${new Date(e.created_at * 1000).toISOString()} ${e.level}: ${e.message}`));
  return lines.join("\n");
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
