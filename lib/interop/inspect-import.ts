/**
 * Inspect AI evaluation logs (`.json` or `.eval`) read back into afw
 * records. Logs written by `afw export inspect` come back field for field
 * (their metadata carries what Inspect has no place for); any other Inspect
 * log is read as well as its fields allow: each sample becomes a record
 * whose tier and condition come from its metadata when it has them, whose
 * reply is split into scratchpad and output by the project's reply parser,
 * and whose scores become judgements named after their scorers.
 *
 * Logs may hold NaN and Infinity (Python's json writes them); messages may
 * point into `attachments` ("attachment://<hash>"); newer `.eval` members are
 * Zstandard-compressed. All three are handled.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { z } from "zod";
import { parseReply, tagVerdict } from "../scenario/index";
import {
  ErrorKind,
  Outcome,
  Params,
  ReasoningSource,
  ScenarioRef,
  Turn,
  type Judgement,
  type JudgementRecord,
  type Message,
  type RunManifest,
  type Sample,
  type SampleInput,
  type Usage,
} from "../schema/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { firstIssue } from "../util/jsonl";
import type { InspectContent, InspectMessage, InspectSample, InspectScore, InspectUsage } from "./inspect-types";
import { parseLogJson } from "./json";
import { openZip } from "./zip";

/** What every log must have for this reader (the rest is read where present). */
const LogHeader = z.looseObject({
  version: z.number(),
  status: z.string().optional(),
  eval: z.looseObject({ task: z.string(), model: z.string(), created: z.string() }),
});
const SampleShape = z.looseObject({
  id: z.union([z.string(), z.number()]),
  epoch: z.number().int(),
  input: z.union([z.string(), z.array(z.looseObject({ role: z.string() }))]),
  messages: z.array(z.looseObject({ role: z.string() })).optional(),
});

/** A log as read: its header fields and its samples. */
export interface ReadLog {
  path: string;
  header: z.infer<typeof LogHeader> & Record<string, unknown>;
  samples: InspectSample[];
}

function checkHeader(raw: unknown, where: string): ReadLog["header"] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new AfwError(`${where}: not an Inspect log (expected a JSON object with version, eval and samples)`);
  const r = LogHeader.safeParse(raw);
  if (!r.success) throw new AfwError(`${where}: not an Inspect log: ${firstIssue(r.error)}`);
  if (r.data.version !== 2) throw new AfwError(`${where}: Inspect log version ${r.data.version}; this reader knows version 2 (convert it with \`inspect log convert\`)`);
  return r.data as ReadLog["header"];
}

function checkSample(raw: unknown, where: string): InspectSample {
  const r = SampleShape.safeParse(raw);
  if (!r.success) throw new AfwError(`${where}: not an Inspect sample: ${firstIssue(r.error)}`);
  return r.data as unknown as InspectSample;
}

/**
 * Read an Inspect log, `.json` or `.eval`. A file that is not a log, a
 * damaged archive or a malformed sample is an AfwError of one line naming
 * the file (and member or sample).
 * @example readInspectLog("logs/2025-05-12_popularity.eval").samples.length
 */
export function readInspectLog(path: string): ReadLog {
  let buf: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error("not a file");
    buf = readFileSync(path);
  } catch {
    throw new AfwError(`${path}: cannot read the file`);
  }
  const isZip = buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
  const ext = extname(path).toLowerCase();
  if (ext === ".eval" || isZip) {
    if (!isZip) throw new AfwError(`${path}: not a readable .eval (ZIP) file: it does not start with a ZIP header`);
    const zip = openZip(buf, path);
    const member = (name: string) => parseLogJson(zip.read(name).toString("utf8"), `${path}!${name}`);
    const headerName = zip.has("header.json") ? "header.json" : zip.has("_journal/start.json") ? "_journal/start.json" : null;
    if (!headerName) throw new AfwError(`${path}: not an Inspect .eval log (no header.json or _journal/start.json in it)`);
    const header = checkHeader(member(headerName), `${path}!${headerName}`);
    if (headerName !== "header.json") header.status = "started";
    const names = zip.names().filter((n) => n.startsWith("samples/") && n.endsWith(".json"));
    const samples = names.map((n) => checkSample(member(n), `${path}!${n}`));
    if (zip.has("reductions.json")) header.reductions = member("reductions.json");
    return { path, header, samples };
  }
  const raw = parseLogJson(buf.toString("utf8"), path);
  const header = checkHeader(raw, path);
  const list = (raw as { samples?: unknown }).samples;
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new AfwError(`${path}: samples: expected a list`);
  const samples = ((list as unknown[] | null | undefined) ?? []).map((x, i) => checkSample(x, `${path}: samples[${i}]`));
  return { path, header, samples };
}

/** Replace "attachment://<id>" strings anywhere in a value by the attachment's text. */
function resolveAttachments<T>(value: T, att: Record<string, string> | undefined): T {
  if (!att || !Object.keys(att).length) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string" && v.startsWith("attachment://")) return att[v.slice("attachment://".length)] ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The text of a message's content (text parts joined) and its reasoning, if any. */
export function contentText(content: string | InspectContent[] | undefined): { text: string; reasoning: string | null } {
  if (content === undefined) return { text: "", reasoning: null };
  if (typeof content === "string") return { text: content, reasoning: null };
  const texts: string[] = [];
  const reasons: string[] = [];
  for (const c of content) {
    if (c.type === "text" && typeof (c as { text?: unknown }).text === "string") texts.push((c as { text: string }).text);
    else if (c.type === "reasoning") {
      const r = c as { reasoning?: unknown; summary?: unknown; redacted?: unknown };
      const t = r.redacted && typeof r.summary === "string" ? r.summary : r.reasoning;
      if (typeof t === "string") reasons.push(t);
    }
  }
  return { text: texts.join("\n"), reasoning: reasons.length ? reasons.join("\n\n") : null };
}

/** Inspect's ModelUsage as afw usage (optional counts only when the log has them). */
export function afwUsage(u: InspectUsage | null | undefined): Usage | null {
  if (!u || typeof u !== "object") return null;
  const n = (x: unknown) => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? Math.round(x) : 0);
  const out: Usage = { prompt_tokens: n(u.input_tokens), completion_tokens: n(u.output_tokens), total_tokens: n(u.total_tokens) };
  if (typeof u.input_tokens_cache_read === "number") out.cached_prompt_tokens = n(u.input_tokens_cache_read);
  if (typeof u.input_tokens_cache_write === "number") out.cache_creation_tokens = n(u.input_tokens_cache_write);
  if (typeof u.reasoning_tokens === "number") out.reasoning_tokens = n(u.reasoning_tokens);
  if (typeof u.total_cost === "number" && Number.isFinite(u.total_cost) && u.total_cost >= 0) out.cost_usd = u.total_cost;
  return out;
}

/** Inspect's value_to_float for the letter grades: correct, incorrect, partial, no answer. */
const GRADES: Record<string, number> = { C: 1, I: 0, P: 0.5, N: 0 };

/** An Inspect score as an afw judgement: exact for scores afw wrote, read by their shape otherwise. */
export function judgementFromScore(name: string, sc: InspectScore, task: string): Judgement {
  const md = (sc.metadata ?? {}) as Record<string, unknown>;
  if (typeof md.judge === "string" && typeof md.version === "string" && typeof md.valid === "boolean") {
    const j: Judgement = {
      judge: md.judge,
      version: md.version,
      judge_model: typeof md.judge_model === "string" ? md.judge_model : null,
      prompt_hash: typeof md.prompt_hash === "string" ? md.prompt_hash : null,
      label: typeof md.label === "string" || typeof md.label === "boolean" ? md.label : null,
      score: typeof md.score === "number" ? md.score : null,
      valid: md.valid,
    };
    if (Array.isArray(md.votes)) j.votes = md.votes.map((v) => (typeof v === "boolean" ? v : null));
    if ("judge_model_snapshot" in md) j.judge_model_snapshot = typeof md.judge_model_snapshot === "string" ? md.judge_model_snapshot : null;
    if (md.detail && typeof md.detail === "object") j.detail = md.detail as Record<string, unknown>;
    return j;
  }
  const v = sc.value;
  let score: number | null = null;
  if (typeof v === "number") score = Number.isFinite(v) ? v : null;
  else if (typeof v === "boolean") score = v ? 1 : 0;
  else if (typeof v === "string" && v in GRADES) score = GRADES[v];
  const label = typeof v === "string" || typeof v === "boolean" ? v : typeof sc.answer === "string" ? sc.answer : null;
  const detail: Record<string, unknown> = {};
  if (sc.answer !== undefined && sc.answer !== null) detail.answer = sc.answer;
  if (sc.explanation !== undefined && sc.explanation !== null) detail.explanation = sc.explanation;
  if (typeof v === "object" && v !== null) detail.value = v;
  if (sc.metadata) detail.metadata = sc.metadata;
  const valid = !(typeof v === "number" && !Number.isFinite(v));
  return { judge: name, version: `inspect:${task}`, judge_model: null, prompt_hash: null, label, score, valid, detail };
}

const retries = (x: InspectSample): number => {
  const r = (x as { error_retries?: unknown }).error_retries;
  return Array.isArray(r) ? r.length : 0;
};
const pick = <T>(md: Record<string, unknown>, k: string, schema: z.ZodType<T>, dflt: T): T => {
  if (!(k in md)) return dflt;
  const r = schema.safeParse(md[k]);
  return r.success ? r.data : dflt;
};
const str = (md: Record<string, unknown>, k: string, dflt: string) => (typeof md[k] === "string" && md[k] !== "" ? (md[k] as string) : dflt);

/** One Inspect sample as an afw sample record and its judgements. */
export function recordFromSample(x0: InspectSample, header: ReadLog["header"], where: string): { sample: SampleInput; judgements: Judgement[] } {
  const x = resolveAttachments(x0, x0.attachments);
  const md = (x.metadata ?? {}) as Record<string, unknown>;
  const ev = header.eval as Record<string, unknown> & { task: string; model: string; created: string };
  const messages = (x.messages ?? []) as InspectMessage[];

  // The request: every message before the first generated assistant message.
  const firstGen = messages.findIndex((m) => m.role === "assistant" && m.source === "generate");
  let inputMsgs: InspectMessage[] = firstGen >= 0 ? messages.slice(0, firstGen) : messages.filter((m) => m.role !== "assistant" || m.source === "input");
  if (!inputMsgs.length) inputMsgs = typeof x.input === "string" ? [{ role: "user", content: x.input }] : (x.input as InspectMessage[]);
  const reqMessages: Message[] = inputMsgs.map((m) => ({ role: m.role === "system" || m.role === "assistant" ? m.role : "user", content: contentText(m.content).text }));
  const api: "chat" | "completions" = md.api === "completions" ? "completions" : "chat";
  const plan = (header.plan ?? {}) as { config?: Record<string, unknown> };
  const genCfg = { ...(plan.config ?? {}), ...((ev.model_generate_config ?? {}) as Record<string, unknown>) };
  const fallbackParams = Params.safeParse(
    Object.fromEntries(["temperature", "max_tokens", "top_p", "seed"].filter((k) => typeof genCfg[k] === "number").map((k) => [k, genCfg[k]])),
  );
  const params = pick(md, "params", Params, fallbackParams.success ? fallbackParams.data : Params.parse({}));
  const request: SampleInput["request"] = api === "completions" ? { api, prompt: reqMessages.map((m) => m.content).join("\n"), params } : { api, messages: reqMessages, params };

  // The reply: the output message (afw writes the whole reply there), and one turn per generated assistant message afw marked.
  const out = x.output;
  const outMsg = out?.choices?.[0]?.message;
  const lastGen = [...messages].reverse().find((m) => m.role === "assistant" && m.source === "generate");
  const reply = outMsg ? contentText(outMsg.content) : lastGen ? contentText(lastGen.content) : null;
  const output_text = reply && md.output_text_null !== true ? reply.text : null;
  const gen = messages.filter((m) => m.role === "assistant" && m.source === "generate");
  const marked = gen.filter((m) => m.metadata && typeof m.metadata.afw_turn === "number");
  const turnMsgs = marked.length ? marked : gen.length > 1 ? gen : [];
  const turns = turnMsgs.map((m) => {
    const t = contentText(m.content);
    const tm = (m.metadata ?? {}) as Record<string, unknown>;
    const src = ReasoningSource.safeParse(tm.reasoning_source);
    return Turn.parse({
      output_text: tm.text_is_null === true ? null : t.text,
      finish_reason: typeof tm.finish_reason === "string" ? tm.finish_reason : null,
      usage: tm.usage && typeof tm.usage === "object" ? tm.usage : null,
      reasoning: t.reasoning === null ? null : { text: t.reasoning, source: src.success ? src.data : "reasoning" },
      cached: tm.cached === true,
      model_snapshot: "model_snapshot" in tm ? (typeof tm.model_snapshot === "string" ? tm.model_snapshot : null) : (m.model ?? null),
    });
  });
  const srcR = ReasoningSource.safeParse(md.reasoning_source);
  const reasoning = reply?.reasoning != null ? { text: reply.reasoning, source: srcR.success ? srcR.data : "reasoning" } : null;

  const parsed = output_text !== null ? parseReply(output_text) : null;
  const scratchpad = "scratchpad" in md ? (typeof md.scratchpad === "string" ? md.scratchpad : null) : (parsed?.scratchpad ?? null);
  const final_output = "final_output" in md ? (typeof md.final_output === "string" ? md.final_output : null) : (parsed?.final_output ?? null);
  const tags = final_output !== null ? tagVerdict(final_output) : { accepted: null, accept_then_refuse: false };
  const errorText = x.error?.message ?? out?.error ?? null;
  const stop = out?.choices?.[0]?.stop_reason;
  const derivedOutcome = errorText !== null && output_text === null ? "failed" : stop === "max_tokens" || stop === "model_length" ? "truncated" : stop === "content_filter" ? "blocked" : "reply";

  const experiment = str(md, "experiment", ev.task);
  const condition = str(md, "condition", "default");
  const model = str(md, "model", ev.model);
  const tier = str(md, "tier", "none");
  const query_id = str(md, "query_id", String(x.id));
  const sampleIdx = pick(md, "sample", z.number().int().nonnegative(), Math.max(0, x.epoch - 1));
  const systemText = reqMessages.find((m) => m.role === "system")?.content ?? "";
  const firstUser = reqMessages.find((m) => m.role === "user")?.content;
  // A log afw wrote says everything in its metadata; only other logs need the fallbacks.
  const written = typeof md.key === "string" && typeof md.run_id === "string";
  const queryText = typeof md.query_text === "string" ? md.query_text : written ? undefined : typeof x.input === "string" ? x.input : firstUser;

  const sample: SampleInput = {
    key: str(md, "key", [experiment, condition, model, tier, query_id, sampleIdx].join("|")),
    run_id: str(md, "run_id", typeof ev.run_id === "string" && ev.run_id ? ev.run_id : `inspect-${sha256(header.eval.created + ev.task).slice(0, 12)}`),
    experiment,
    condition,
    model,
    tier,
    query_id,
    sample: sampleIdx,
    scenario: pick(md, "scenario", ScenarioRef, {
      name: ev.task,
      variant: "inspect",
      cot: scratchpad !== null,
      system_hash: sha256(systemText),
      prompt_hash: sha256(api === "completions" ? (request.prompt ?? "") : canonicalJson(reqMessages)),
    }),
    request,
    prefill: "prefill" in md ? (typeof md.prefill === "string" ? md.prefill : null) : null,
    output_text,
    scratchpad,
    final_output,
    accepted: "accepted" in md ? (typeof md.accepted === "boolean" ? md.accepted : null) : tags.accepted,
    accept_then_refuse: typeof md.accept_then_refuse === "boolean" ? md.accept_then_refuse : tags.accept_then_refuse,
    usage: afwUsage(out?.usage),
    error: errorText,
    error_kind: pick(md, "error_kind", ErrorKind.nullable(), errorText !== null ? "permanent" : null),
    outcome: pick(md, "outcome", Outcome, derivedOutcome),
    finish_reason: "finish_reason" in md ? (typeof md.finish_reason === "string" ? md.finish_reason : null) : (stop ?? null),
    provider: typeof md.provider === "string" ? md.provider : null,
    upstream_provider: typeof md.upstream_provider === "string" ? md.upstream_provider : null,
    model_snapshot: "model_snapshot" in md ? (typeof md.model_snapshot === "string" ? md.model_snapshot : null) : (out?.model && out.model !== model ? out.model : null),
    reasoning,
    turns,
    attempts: pick(md, "attempts", z.number().int().nonnegative(), 1 + retries(x0)),
    cached: md.cached === true,
    latency_ms: pick(md, "latency_ms", z.number().nonnegative(), typeof x.total_time === "number" && Number.isFinite(x.total_time) ? Math.max(0, x.total_time * 1000) : 0),
    created_at: str(md, "created_at", ev.created),
  };
  if (queryText !== undefined) sample.query_text = queryText;
  if (typeof md.category === "string") sample.category = md.category;
  const judgements = Object.entries(x.scores ?? {}).map(([name, sc]) => judgementFromScore(name, sc, ev.task));
  void where;
  return { sample, judgements };
}

/** Everything read from a set of logs, ready for the folder writer. */
export interface ImportedRun {
  samples: SampleInput[];
  judgements: JudgementRecord[];
  manifest: RunManifest;
  /** Samples per log, in order. */
  perLog: { path: string; samples: number; scores: number }[];
}

/**
 * Turn Inspect logs into one results folder's contents. A single log written
 * by afw gives back its own manifest; otherwise the manifest is built from
 * the samples (models, conditions, tiers, the conditions' factors).
 */
export function importInspectLogs(paths: readonly string[], afwVersion: string, now: string = new Date().toISOString()): ImportedRun {
  if (!paths.length) throw new AfwError("afw import inspect: name at least one log file");
  const samples: SampleInput[] = [];
  const judgements: JudgementRecord[] = [];
  const perLog: ImportedRun["perLog"] = [];
  const logs: ReadLog[] = [];
  const factorsOf = new Map<string, Record<string, string | number | boolean | null>>();
  for (const path of paths) {
    const log = readInspectLog(path);
    if (!log.samples.length) throw new AfwError(`${path}: the log holds no samples (it was written without them, or is still empty)`);
    logs.push(log);
    let scores = 0;
    const completed = (log.header.stats as { completed_at?: unknown } | undefined)?.completed_at;
    const when = typeof completed === "string" && completed ? completed : log.header.eval.created;
    log.samples.forEach((x, i) => {
      const { sample, judgements: js } = recordFromSample(x, log.header, `${path}: sample ${i + 1}`);
      samples.push(sample);
      const f = (x.metadata ?? {}).factors;
      if (f && typeof f === "object" && !factorsOf.has(sample.condition)) factorsOf.set(sample.condition, f as Record<string, string | number | boolean | null>);
      for (const j of js) judgements.push({ sample_key: sample.key, judgement: j, created_at: when });
      scores += js.length;
    });
    perLog.push({ path, samples: log.samples.length, scores });
  }
  const own = logs.length === 1 ? (logs[0].header.eval as { metadata?: { afw_manifest?: unknown } }).metadata?.afw_manifest : undefined;
  const manifest = own && typeof own === "object" ? (own as RunManifest) : buildManifest(samples, logs, factorsOf, afwVersion, now);
  return { samples, judgements, manifest, perLog };
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

function buildManifest(
  samples: SampleInput[],
  logs: ReadLog[],
  factorsOf: Map<string, Record<string, string | number | boolean | null>>,
  afwVersion: string,
  now: string,
): RunManifest {
  const s = samples as Sample[];
  const runIds = uniq(s.map((x) => x.run_id));
  const created = logs.map((l) => l.header.eval.created).sort()[0];
  const errors = s.filter((x) => x.error !== null).length;
  const conditions = uniq(s.map((x) => x.condition));
  const params = Params.parse(s[0].request.params);
  const usage = { requests: s.length, cached: 0, retries: 0, errors, prompt_tokens: 0, completion_tokens: 0 };
  for (const x of s) {
    usage.prompt_tokens += x.usage?.prompt_tokens ?? 0;
    usage.completion_tokens += x.usage?.completion_tokens ?? 0;
  }
  const queries = uniq(s.map((x) => x.query_id)).sort();
  return {
    run_id: runIds.length === 1 ? runIds[0] : `import-${sha256(runIds.sort().join(",")).slice(0, 16)}`,
    afw_version: afwVersion,
    created_at: created,
    updated_at: now,
    status: logs.every((l) => l.header.status === "success") ? "complete" : "incomplete",
    experiment: uniq(s.map((x) => x.experiment)).join("+"),
    base_url: null,
    offline: false,
    models: uniq(s.map((x) => x.model)),
    conditions,
    tiers: uniq(s.map((x) => x.tier)),
    scenario: { name: s[0].scenario.name, variant: s[0].scenario.variant, cot: s[0].scenario.cot, tiers: uniq(s.map((x) => x.tier)), overrides: {} },
    queries: { source: logs.map((l) => basename(l.path)).join(","), count: queries.length, hash: sha256(queries.join("\n")) },
    samples_per_query: Math.max(1, ...s.map((x) => x.sample + 1)),
    seed: 0,
    params,
    planned: s.length,
    written: s.length,
    errors,
    usage,
    condition_specs: Object.fromEntries(
      conditions.map((c) => {
        const cs = s.filter((x) => x.condition === c);
        return [
          c,
          {
            variant: cs[0].scenario.variant,
            cot: cs[0].scenario.cot,
            tiers: uniq(cs.map((x) => x.tier)),
            models: uniq(cs.map((x) => x.model)),
            queries: uniq(cs.map((x) => x.query_id)).length,
            samples: Math.max(1, ...cs.map((x) => x.sample + 1)),
            system_hash: cs[0].scenario.system_hash,
            factors: factorsOf.get(c) ?? {},
          },
        ];
      }),
    ),
    args: { imported_from: logs.map((l) => l.path) },
  };
}
