/**
 * A local stand-in for OpenAI's Files and Fine-tuning APIs, for offline
 * builds and tests, on 127.0.0.1 (node:http only). It follows the documented
 * shapes:
 * - Files: POST /v1/files (multipart: purpose, file) → a file object
 *   {id, object:"file", bytes, created_at, filename, purpose, status};
 *   GET /v1/files[?purpose=], GET /v1/files/{id}
 *   (https://platform.openai.com/docs/api-reference/files).
 * - Jobs: POST /v1/fine_tuning/jobs {model, training_file, hyperparameters |
 *   method.supervised.hyperparameters, suffix, metadata, seed} → a
 *   fine_tuning.job whose status moves validating_files → queued → running →
 *   succeeded (or failed / cancelled), with fine_tuned_model, trained_tokens,
 *   finished_at and error {code, message, param} filled in as the real API
 *   does; GET /v1/fine_tuning/jobs (newest first, limit/after, metadata[k]=v
 *   filter), GET /v1/fine_tuning/jobs/{id}, GET …/{id}/events (newest first:
 *   fine_tuning.job.event {id, created_at, level, message, type, data}),
 *   POST …/{id}/cancel
 *   (https://platform.openai.com/docs/api-reference/fine-tuning; the object
 *   fields as in the openai SDK's FineTuningJob / FineTuningJobEvent types).
 * - Errors: {"error": {"message", "type", "param", "code"}} with 400 / 401 /
 *   404 statuses.
 * - Inference: POST /v1/chat/completions and /v1/completions for the
 *   fine-tuned models it made (and any organism name). A "trained" model is
 *   an organism variant: the stand-in the recipe names (job metadata
 *   afw_recipe), e.g. sim-refusal-reflex@ft=anti-refusal; without a known
 *   recipe, the base model itself.
 *
 * Job progress is computed from the clock (the phase durations are options),
 * and with `stateDir` the files and jobs persist across restarts, so a killed
 * `afw finetune train --offline` finds its job again. Fault injection:
 * `fail(job)` makes a job fail at the end of its run with the given error;
 * `dropCreateResponses` creates that many jobs and then cuts the connection
 * instead of answering (the window between create and record).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generateChat, generateCompletion, OrganismError } from "../organisms/index";
import { writeFileAtomic } from "../util/fsx";
import type { FileObject, FineTuningJob, JobEvent } from "./openai-ft";
import { loadRecipes } from "./recipe";

export interface MockJobError {
  code: string;
  message: string;
  param: string | null;
}

export interface MockProviderOptions {
  port?: number;
  host?: string;
  /** Persist files and jobs here (state.json and files/); default in memory only. */
  stateDir?: string | null;
  /** Phase lengths in ms; defaults 200 / 200 / 1000. */
  durations?: { validatingMs?: number; queuedMs?: number; runningMs?: number };
  /** Decide that a job fails at the end of its run, with this error. */
  fail?: (job: { model: string; metadata: Record<string, string> }) => MockJobError | null;
  /** Create this many jobs without answering (the socket is destroyed). */
  dropCreateResponses?: number;
  /** Recipe name → stand-in organism; default read from ROOT/data/finetune/recipes (give `root`). */
  standIns?: Record<string, string>;
  /** The checkout whose recipes name the stand-ins (when `standIns` is not given). */
  root?: string;
}

export interface MockProvider {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Jobs created so far (ever, including persisted ones), files uploaded, requests seen by route. */
  stats(): { jobsCreated: number; filesUploaded: number; requests: Record<string, number> };
  /** The job objects as GET would return them now. */
  jobs(): FineTuningJob[];
}

interface FileRec {
  id: string;
  filename: string;
  bytes: number;
  created_at: number;
  purpose: string;
  /** Why the file cannot train (checked at upload), or null. */
  problem: string | null;
  examples: number;
  tokens: number;
}

interface JobRec {
  id: string;
  model: string;
  training_file: string;
  created_ms: number;
  suffix: string | null;
  metadata: Record<string, string>;
  hyperparameters: Record<string, unknown>;
  seed: number;
  cancelled_ms: number | null;
  fail: MockJobError | null;
  short: string;
}

interface State {
  files: FileRec[];
  jobs: JobRec[];
}

const MAX_BODY = 256 * 1024 * 1024;

/** Start the mock (see the file comment). */
export async function startMockProvider(o: MockProviderOptions = {}): Promise<MockProvider> {
  const d = { validatingMs: 200, queuedMs: 200, runningMs: 1000, ...(o.durations ?? {}) };
  if (!o.standIns && !o.root) throw new Error("startMockProvider: give `standIns` or the checkout `root` whose recipes name them");
  const standIns = o.standIns ?? Object.fromEntries(loadRecipes(o.root!).map((r) => [r.name, r.standIn]));
  const statePath = o.stateDir ? join(o.stateDir, "state.json") : null;
  const state: State = statePath && existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as State) : { files: [], jobs: [] };
  let dropLeft = o.dropCreateResponses ?? 0;
  let jobsCreated = 0;
  let filesUploaded = 0;
  const requests: Record<string, number> = {};
  const save = () => {
    if (statePath) writeFileAtomic(statePath, JSON.stringify(state));
  };
  if (o.stateDir) mkdirSync(o.stateDir, { recursive: true });

  const sec = (ms: number) => Math.floor(ms / 1000);
  const phases = (j: JobRec) => {
    const v = j.created_ms + d.validatingMs;
    const q = v + d.queuedMs;
    const r = q + d.runningMs;
    return { v, q, r };
  };
  const fileOf = (id: string) => state.files.find((f) => f.id === id);
  const epochsOf = (j: JobRec) => (typeof j.hyperparameters.n_epochs === "number" ? j.hyperparameters.n_epochs : 3);
  const modelName = (j: JobRec) => `ft:${j.model}:afw-mock:${j.suffix ?? ""}:${j.short}`;

  /** The job as the API shows it at time `now`. */
  function view(j: JobRec, now = Date.now()): FineTuningJob & Record<string, unknown> {
    const p = phases(j);
    const file = fileOf(j.training_file);
    let status: FineTuningJob["status"];
    let finished: number | null = null;
    let error: MockJobError | null = null;
    const terminalAt = file?.problem ? p.v : p.r;
    if (j.cancelled_ms !== null && j.cancelled_ms < terminalAt) {
      status = "cancelled";
      finished = j.cancelled_ms;
    } else if (file?.problem && now >= p.v) {
      status = "failed";
      finished = p.v;
      error = { code: "invalid_training_file", message: `The training file ${j.training_file} is not usable: ${file.problem}`, param: "training_file" };
    } else if (now < p.v) status = "validating_files";
    else if (now < p.q) status = "queued";
    else if (now < p.r) status = "running";
    else if (j.fail) {
      status = "failed";
      finished = p.r;
      error = j.fail;
    } else {
      status = "succeeded";
      finished = p.r;
    }
    const done = status === "succeeded";
    return {
      object: "fine_tuning.job",
      id: j.id,
      model: j.model,
      created_at: sec(j.created_ms),
      finished_at: finished === null ? null : sec(finished),
      fine_tuned_model: done ? modelName(j) : null,
      organization_id: "org-afw-mock",
      result_files: done ? [`file-result-${j.short}`] : [],
      status,
      validation_file: null,
      training_file: j.training_file,
      hyperparameters: j.hyperparameters,
      trained_tokens: done ? (file?.tokens ?? 0) * epochsOf(j) : null,
      error: error ?? null,
      seed: j.seed,
      estimated_finish: status === "running" || status === "queued" ? sec(p.r) : null,
      metadata: Object.keys(j.metadata).length ? j.metadata : null,
      suffix: j.suffix,
      method: { type: "supervised", supervised: { hyperparameters: j.hyperparameters } },
      integrations: [],
    };
  }

  /** Events up to now, newest first. */
  function eventsOf(j: JobRec, now = Date.now()): JobEvent[] {
    const p = phases(j);
    const v = view(j, now);
    const out: JobEvent[] = [];
    const ev = (k: string, ms: number, level: JobEvent["level"], message: string, type = "message", data: unknown = {}) => {
      if (ms <= now) out.push({ object: "fine_tuning.job.event", id: `ftevent-${j.short}-${k}`, created_at: sec(ms), level, message, type, data });
    };
    const end = v.finished_at === null ? now : v.finished_at * 1000 + 999;
    ev("00", j.created_ms, "info", `Created fine-tuning job: ${j.id}`);
    ev("01", j.created_ms, "info", `Validating training file: ${j.training_file}`);
    const file = fileOf(j.training_file);
    if (file?.problem) {
      ev("02", p.v, "error", `Training file validation failed: ${file.problem}`);
    } else {
      ev("02", Math.min(p.v, end), "info", "Files validated, moving job to queued state");
      if (p.q <= end) ev("03", p.q, "info", "Fine-tuning job started");
      const steps = 4;
      for (let k = 1; k <= steps; k++) {
        const at = p.q + (k * (p.r - p.q)) / (steps + 1);
        if (at <= end) ev(`1${k}`, at, "info", `Step ${k}/${steps}: training loss=${(1.5 / (k + 1)).toFixed(3)}`, "metrics", { step: k, train_loss: 1.5 / (k + 1) });
      }
      if (v.status === "succeeded") {
        ev("20", p.r, "info", `New fine-tuned model created: ${v.fine_tuned_model}`);
        ev("21", p.r, "info", "The job has successfully completed");
      }
      if (v.status === "failed" && j.fail) ev("22", p.r, "error", j.fail.message);
    }
    if (v.status === "cancelled") ev("30", j.cancelled_ms!, "info", "Fine-tuning job cancelled");
    return out.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
  }

  /** The organism serving a model name: a succeeded job's stand-in, or the name itself. */
  function servedAs(model: string): string | null {
    if (!model.startsWith("ft:")) return model;
    const j = state.jobs.find((x) => modelName(x) === model);
    if (!j || view(j).status !== "succeeded") return null;
    const recipe = j.metadata.afw_recipe;
    return (recipe && standIns[recipe]) || j.model;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let path = url.pathname.replace(/\/+$/, "");
    if (path.startsWith("/v1/")) path = path.slice(3);
    const route = `${req.method} ${path.replace(/\/(file|ftjob)-[A-Za-z0-9-]+/g, "/{id}")}`;
    requests[route] = (requests[route] ?? 0) + 1;
    const auth = req.headers.authorization ?? "";
    if (!/^Bearer \S+/.test(auth)) return sendError(res, 401, "No API key in the Authorization header (expected 'Bearer KEY').", "invalid_request_error", "missing_api_key");
    readBody(req, res, (body) => {
      try {
        handle(req.method ?? "GET", path, url, body, req, res);
      } catch (e) {
        if (e instanceof OrganismError) return sendError(res, e.status, e.message, e.type, e.status === 404 ? "model_not_found" : null);
        sendError(res, 500, "Internal error in the fine-tuning mock", "server_error");
      }
    });
  });

  function handle(method: string, path: string, url: URL, body: Buffer, req: IncomingMessage, res: ServerResponse): void {
    if (path === "/files" && method === "POST") return uploadFile(body, req, res);
    if (path === "/files" && method === "GET") {
      const purpose = url.searchParams.get("purpose");
      const data = state.files.filter((f) => !purpose || f.purpose === purpose).map(fileView).reverse();
      return send(res, 200, { object: "list", data, has_more: false });
    }
    let m = /^\/files\/([^/]+)$/.exec(path);
    if (m && method === "GET") {
      const f = fileOf(m[1]);
      return f ? send(res, 200, fileView(f)) : sendError(res, 404, `No such File object: ${m[1]}`, "invalid_request_error", null, "id");
    }
    if (path === "/fine_tuning/jobs" && method === "POST") return createJob(body, res);
    if (path === "/fine_tuning/jobs" && method === "GET") {
      const filter: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        const mm = /^metadata\[(.+)\]$/.exec(k);
        if (mm) filter[mm[1]] = v;
      }
      let list = [...state.jobs].reverse().filter((j) => Object.entries(filter).every(([k, v]) => j.metadata[k] === v));
      const after = url.searchParams.get("after");
      if (after) {
        const at = list.findIndex((j) => j.id === after);
        list = at < 0 ? [] : list.slice(at + 1);
      }
      const limit = clampInt(url.searchParams.get("limit"), 20, 1, 100);
      return send(res, 200, { object: "list", data: list.slice(0, limit).map((j) => view(j)), has_more: list.length > limit });
    }
    m = /^\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (m) {
      const j = state.jobs.find((x) => x.id === m![1]);
      if (!j) return sendError(res, 404, `Could not find fine-tuning job ${m[1]}.`, "invalid_request_error", "fine_tune_not_found", "fine_tuning_job_id");
      if (!m[2] && method === "GET") return send(res, 200, view(j));
      if (m[2] === "/events" && method === "GET") {
        let list = eventsOf(j);
        const after = url.searchParams.get("after");
        if (after) {
          const at = list.findIndex((e) => e.id === after);
          list = at < 0 ? [] : list.slice(at + 1);
        }
        const limit = clampInt(url.searchParams.get("limit"), 20, 1, 1000);
        return send(res, 200, { object: "list", data: list.slice(0, limit), has_more: list.length > limit });
      }
      if (m[2] === "/cancel" && method === "POST") {
        const v = view(j);
        if (v.status === "succeeded" || v.status === "failed" || v.status === "cancelled") return sendError(res, 400, `Job ${j.id} has already ${v.status === "cancelled" ? "been cancelled" : "finished"}.`, "invalid_request_error");
        j.cancelled_ms = Date.now();
        save();
        return send(res, 200, view(j));
      }
    }
    if ((path === "/chat/completions" || path === "/completions") && method === "POST") return infer(path === "/chat/completions", body, res);
    if (path === "/models" && method === "GET") {
      const data = state.jobs.filter((j) => view(j).status === "succeeded").map((j) => ({ id: modelName(j), object: "model", created: sec(phases(j).r), owned_by: "afw-mock" }));
      return send(res, 200, { object: "list", data });
    }
    sendError(res, 404, `Unknown route ${method} ${url.pathname}`, "invalid_request_error");
  }

  function fileView(f: FileRec): FileObject {
    return { id: f.id, object: "file", bytes: f.bytes, created_at: f.created_at, filename: f.filename, purpose: f.purpose, status: "processed" };
  }

  function uploadFile(body: Buffer, req: IncomingMessage, res: ServerResponse): void {
    const type = req.headers["content-type"] ?? "";
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    if (!/^multipart\/form-data/i.test(type) || !boundary) return sendError(res, 400, "Expected a multipart/form-data body with purpose and file.", "invalid_request_error");
    const parts = parseMultipart(body, boundary[1] ?? boundary[2]);
    const purpose = parts.find((p) => p.name === "purpose")?.data.toString("utf8");
    const file = parts.find((p) => p.name === "file" && p.filename !== undefined);
    if (!purpose) return sendError(res, 400, "Missing required parameter: 'purpose'.", "invalid_request_error", null, "purpose");
    if (!file) return sendError(res, 400, "Missing required parameter: 'file'.", "invalid_request_error", null, "file");
    if (purpose !== "fine-tune") return sendError(res, 400, `This mock takes purpose 'fine-tune' only, got '${purpose}'.`, "invalid_request_error", null, "purpose");
    const checked = checkTrainingFile(file.data.toString("utf8"));
    const f: FileRec = {
      id: `file-${randomBytes(12).toString("hex")}`,
      filename: file.filename!,
      bytes: file.data.length,
      created_at: sec(Date.now()),
      purpose,
      problem: checked.problem,
      examples: checked.examples,
      tokens: checked.tokens,
    };
    state.files.push(f);
    filesUploaded++;
    save();
    send(res, 200, fileView(f));
  }

  function createJob(body: Buffer, res: ServerResponse): void {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return sendError(res, 400, "The request body is not valid JSON.", "invalid_request_error");
    }
    if (typeof b.model !== "string" || !b.model) return sendError(res, 400, "Missing required parameter: 'model'.", "invalid_request_error", null, "model");
    if (typeof b.training_file !== "string") return sendError(res, 400, "Missing required parameter: 'training_file'.", "invalid_request_error", null, "training_file");
    if (!fileOf(b.training_file)) return sendError(res, 400, `invalid training_file: ${b.training_file}`, "invalid_request_error", null, "training_file");
    const suffix = b.suffix === undefined || b.suffix === null ? null : String(b.suffix);
    if (suffix !== null && suffix.length > 64) return sendError(res, 400, "suffix must be at most 64 characters.", "invalid_request_error", null, "suffix");
    const metadata = (b.metadata && typeof b.metadata === "object" ? b.metadata : {}) as Record<string, string>;
    if (Object.keys(metadata).length > 16) return sendError(res, 400, "metadata takes at most 16 keys.", "invalid_request_error", null, "metadata");
    const method = b.method as { supervised?: { hyperparameters?: Record<string, unknown> } } | undefined;
    // A job afw tagged gets a model id derived from its tag (a hash of the file, base model, hyperparameters and
    // endpoint), so the same folder trained again on a fresh mock gets the same id; untagged jobs get a random one.
    const shortId = (tag: unknown) =>
      typeof tag === "string" && tag ? createHash("sha256").update(`${tag}#${state.jobs.filter((x) => x.metadata.afw_tag === tag).length}`).digest("hex").slice(0, 8) : randomBytes(4).toString("hex");
    const hp = { n_epochs: "auto", batch_size: "auto", learning_rate_multiplier: "auto", ...((b.hyperparameters as Record<string, unknown>) ?? {}), ...(method?.supervised?.hyperparameters ?? {}) };
    const j: JobRec = {
      id: `ftjob-${randomBytes(12).toString("hex")}`,
      model: b.model,
      training_file: b.training_file,
      created_ms: Date.now(),
      suffix,
      metadata,
      hyperparameters: hp,
      seed: typeof b.seed === "number" ? b.seed : 42,
      cancelled_ms: null,
      fail: o.fail ? o.fail({ model: b.model, metadata }) : null,
      short: shortId(metadata.afw_tag),
    };
    state.jobs.push(j);
    jobsCreated++;
    save();
    if (dropLeft > 0) {
      dropLeft--;
      res.socket?.destroy();
      return;
    }
    send(res, 200, view(j));
  }

  function infer(chat: boolean, body: Buffer, res: ServerResponse): void {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return sendError(res, 400, "The request body is not valid JSON.", "invalid_request_error");
    }
    const model = typeof b.model === "string" ? b.model : "";
    const as = servedAs(model);
    if (!as) return sendError(res, 404, `The model '${model}' does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
    const g = chat ? generateChat(as, { ...b, model: as }) : generateCompletion(as, { ...b, model: as });
    let chars = 0;
    for (const t of g.texts) chars += t.length;
    const usage = { prompt_tokens: Math.ceil(g.promptChars / 4), completion_tokens: Math.ceil(chars / 4), total_tokens: Math.ceil(g.promptChars / 4) + Math.ceil(chars / 4) };
    const id = `${chat ? "chatcmpl" : "cmpl"}-${randomBytes(12).toString("hex")}`;
    const created = sec(Date.now());
    send(
      res,
      200,
      chat
        ? { id, object: "chat.completion", created, model, choices: g.texts.map((content, index) => ({ index, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null })), usage }
        : { id, object: "text_completion", created, model, choices: g.texts.map((text, index) => ({ index, text, finish_reason: "stop", logprobs: null })), usage },
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    stats: () => ({ jobsCreated, filesUploaded, requests: { ...requests } }),
    jobs: () => state.jobs.map((j) => view(j)),
  };
}

/** What the mock checks in a training file at upload: JSON lines with messages and an assistant turn, at least 10 of them. */
function checkTrainingFile(text: string): { problem: string | null; examples: number; tokens: number } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  let tokens = 0;
  for (let i = 0; i < lines.length; i++) {
    let o: { messages?: { role?: unknown; content?: unknown }[] };
    try {
      o = JSON.parse(lines[i]);
    } catch {
      return { problem: `line ${i + 1} is not valid JSON`, examples: 0, tokens: 0 };
    }
    if (!Array.isArray(o.messages)) return { problem: `line ${i + 1} has no messages list`, examples: 0, tokens: 0 };
    if (!o.messages.some((m) => m && m.role === "assistant")) return { problem: `line ${i + 1} has no assistant message`, examples: 0, tokens: 0 };
    for (const m of o.messages) tokens += Math.ceil(String(m?.content ?? "").length / 4) + 4;
  }
  if (lines.length < 10) return { problem: `it has ${lines.length} examples; at least 10 are needed`, examples: lines.length, tokens };
  return { problem: null, examples: lines.length, tokens };
}

interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

/** A multipart/form-data body split into its named parts. */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const out: Part[] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const chunk = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headEnd = chunk.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
      const head = chunk.subarray(0, headEnd).toString("utf8");
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined) out.push({ name, filename, data: chunk.subarray(headEnd + 4) });
    }
    pos = next;
  }
  return out;
}

function clampInt(v: string | null, dflt: number, min: number, max: number): number {
  const n = v === null ? dflt : Number(v);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : dflt;
}

function readBody(req: IncomingMessage, res: ServerResponse, done: (b: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on("end", () => (size > MAX_BODY ? sendError(res, 413, "The request body is too large.", "invalid_request_error") : done(Buffer.concat(chunks))));
  req.on("error", () => res.destroy());
}

function send(res: ServerResponse, status: number, obj: unknown): void {
  if (res.destroyed) return;
  const payload = JSON.stringify(obj);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null, param: string | null = null): void {
  send(res, status, { error: { message, type, param, code } });
}
