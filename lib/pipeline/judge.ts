/**
 * Re-judging a results folder without regenerating: read samples.jsonl,
 * run the chosen judges, append one JudgementRecord per (sample, judge) to
 * judgements.jsonl. samples.jsonl is never edited. Each judge's version
 * (model + prompt/settings hash) keys its records, so several versions sit
 * side by side; a rerun skips what that version already judged (records of
 * requests that failed for good are retried). Writes are one whole line per
 * write() on an O_APPEND descriptor, and a torn last line from a kill is cut
 * before resuming (the sample writer's pattern).
 */
import type { Judgement, Sample } from "../schema/index";
import { readJudgements, openJudgementWriter, readSamples } from "../store/index";
import { AfwError } from "../util/errors";
import {
  ALL_JUDGES,
  DEFAULT_AF_THRESHOLDS,
  contextSettings,
  judgeVersion,
  runJudge,
  type AfThresholds,
  type JudgeContext,
  type JudgeInput,
  type JudgeName,
  type ModelCaller,
  type VoteUsage,
} from "../classify/index";

/** Options of `judgeRun`. */
export interface JudgeRunOptions {
  client: ModelCaller;
  judgeModel: string;
  /** AF votes per sample; default 20. */
  votes?: number;
  /** Which judges; default all four. */
  only?: JudgeName[];
  /** Samples judged at once; default 8 (the client caps HTTP requests separately). */
  concurrency?: number;
  /** Endpoint identity for remembering n support (the base URL). */
  endpoint?: string;
  thresholds?: AfThresholds;
  /** Rounds of re-asking for unparseable replies; default 2. */
  retries?: number;
  /** Try the n parameter; default true. */
  useN?: boolean;
  /** Stop starting new samples when aborted. */
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (s: string) => void;
}

/** Cost of one judge over a run. */
export interface JudgeUsage {
  /** Samples judged now. */
  samples: number;
  calls: number;
  cached: number;
  retry_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Samples by vote path. */
  paths: Record<VoteUsage["path"], number>;
  /** prompt_tokens / samples. */
  prompt_tokens_per_sample: number;
}

/** What `judgeRun` did. */
export interface JudgeSummary {
  dir: string;
  judgeModel: string;
  versions: Partial<Record<JudgeName, string>>;
  /** Judgements written now, per judge. */
  judged: Partial<Record<JudgeName, number>>;
  /** Already present for the version and skipped. */
  skipped: Partial<Record<JudgeName, number>>;
  /** Judgements written now that are invalid (replies that never parsed, or failed requests). */
  invalid: Partial<Record<JudgeName, number>>;
  /** Among the invalid: those whose requests failed for good (retried on the next run). */
  failed: Partial<Record<JudgeName, number>>;
  /** Samples that had nothing to judge (no scratchpad, failed sample, not eligible for motives). */
  not_applicable: Partial<Record<JudgeName, number>>;
  usage: Partial<Record<JudgeName, JudgeUsage>>;
  repairedBytes: number;
  interrupted: boolean;
  seconds: number;
}

/**
 * What the judges read as the request: the query text the runner stored
 * with the sample; for folders written before it was stored, the whole last
 * user turn as it was sent.
 */
export function requestText(s: Sample): string | null {
  if (s.query_text !== undefined) return s.query_text;
  const msgs = s.request.messages;
  const text = msgs ? [...msgs].reverse().find((m) => m.role === "user")?.content ?? null : (s.request.prompt ?? null);
  return text === null ? null : text.trim();
}

/** A record that does not count as done: its requests failed for good (retried on a rerun). */
function transportFailure(j: Judgement): boolean {
  return !j.valid && typeof j.detail?.error === "string";
}

/** Whether a judge applies to a sample (motives also need a compliant or AF verdict). */
function applies(judge: JudgeName, s: Sample): boolean {
  if (s.error !== null) return false;
  if (judge === "compliance" || judge === "partial_compliance") return s.final_output !== null;
  return !!s.scratchpad && s.scratchpad.trim() !== "";
}

function emptyUsage(): JudgeUsage {
  return { samples: 0, calls: 0, cached: 0, retry_calls: 0, prompt_tokens: 0, completion_tokens: 0, paths: { n: 0, fallback: 0, single: 0 }, prompt_tokens_per_sample: 0 };
}

/**
 * Judge every sample of a results folder with the chosen judges and append
 * the judgements to DIR/judgements.jsonl. Motives run on scratchpads that
 * complied (by tags or by the compliance judge) or show AF (score ≥ the AF
 * threshold), using this run's verdicts or, failing those, the newest ones
 * already in the file.
 *
 * @example
 * const s = await judgeRun("runs/demo", { client, judgeModel: "sim-judge", votes: 20 });
 * s.usage.af_reasoning?.prompt_tokens_per_sample;
 */
export async function judgeRun(dir: string, opts: JudgeRunOptions): Promise<JudgeSummary> {
  const t0 = performance.now();
  const judges = ALL_JUDGES.filter((j) => (opts.only ?? ALL_JUDGES).includes(j));
  if (!judges.length) throw new AfwError("judge: no judges chosen");
  const votes = opts.votes ?? 20;
  if (!Number.isInteger(votes) || votes < 1) throw new AfwError(`judge: votes must be a positive integer, got ${votes}`);
  const thresholds = opts.thresholds ?? DEFAULT_AF_THRESHOLDS;
  const ctx: JudgeContext = { client: opts.client, judgeModel: opts.judgeModel, votes, endpoint: opts.endpoint, retries: opts.retries, thresholds, useN: opts.useN };
  const versions: Partial<Record<JudgeName, string>> = {};
  for (const j of judges) versions[j] = judgeVersion(j, opts.judgeModel, contextSettings(j, ctx));

  const samples = await readSamples(dir);
  const { records, repairedBytes } = await readJudgements(dir, { repair: true });
  // done: "key\0judge\0version"; latest: newest verdict per (key, judge) in file order.
  const done = new Set<string>();
  const latest = new Map<string, Judgement>();
  for (const r of records) {
    const id = `${r.sample_key}\u0000${r.judgement.judge}\u0000${r.judgement.version}`;
    if (transportFailure(r.judgement)) done.delete(id);
    else done.add(id);
    if (r.judgement.valid) latest.set(`${r.sample_key}\u0000${r.judgement.judge}`, r.judgement);
  }

  const summary: JudgeSummary = {
    dir,
    judgeModel: opts.judgeModel,
    versions,
    judged: {},
    skipped: {},
    invalid: {},
    failed: {},
    not_applicable: {},
    usage: {},
    repairedBytes,
    interrupted: false,
    seconds: 0,
  };
  const bump = (m: Partial<Record<JudgeName, number>>, j: JudgeName) => (m[j] = (m[j] ?? 0) + 1);
  const writer = openJudgementWriter(dir);
  const total = samples.length;
  let finished = 0;
  let next = 0;

  const judgeSample = async (s: Sample) => {
    const input: JudgeInput = { request: requestText(s), final_output: s.final_output, scratchpad: s.scratchpad };
    for (const judge of judges) {
      const version = versions[judge]!;
      const id = `${s.key}\u0000${judge}\u0000${version}`;
      if (!applies(judge, s)) {
        bump(summary.not_applicable, judge);
        continue;
      }
      if (judge === "motives") {
        const comp = latest.get(`${s.key}\u0000compliance`);
        const af = latest.get(`${s.key}\u0000af_reasoning`);
        const eligible = (s.accepted === true && !s.accept_then_refuse) || comp?.label === true || (af?.score != null && af.score >= thresholds.af);
        if (!eligible) {
          bump(summary.not_applicable, judge);
          continue;
        }
      }
      if (done.has(id)) {
        bump(summary.skipped, judge);
        continue;
      }
      const { judgement, usage } = await runJudge(judge, input, ctx);
      writer.append({ sample_key: s.key, judgement, created_at: new Date().toISOString() });
      done.add(id);
      if (judgement.valid) latest.set(`${s.key}\u0000${judge}`, judgement);
      bump(summary.judged, judge);
      if (!judgement.valid) bump(summary.invalid, judge);
      if (transportFailure(judgement)) bump(summary.failed, judge);
      const u = (summary.usage[judge] ??= emptyUsage());
      u.samples++;
      u.calls += usage.calls;
      u.cached += usage.cached;
      u.retry_calls += usage.retry_calls;
      u.prompt_tokens += usage.prompt_tokens;
      u.completion_tokens += usage.completion_tokens;
      u.paths[usage.path]++;
    }
  };

  const worker = async () => {
    while (next < samples.length) {
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      const s = samples[next++];
      await judgeSample(s);
      finished++;
      if (opts.log && (finished % 50 === 0 || finished === total)) opts.log(`judge: ${finished}/${total} samples`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  } finally {
    writer.close();
  }
  for (const u of Object.values(summary.usage)) if (u) u.prompt_tokens_per_sample = u.samples ? u.prompt_tokens / u.samples : 0;
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

/** The summary as a few lines for the terminal. */
export function formatJudgeSummary(s: JudgeSummary): string {
  const lines: string[] = [];
  for (const j of ALL_JUDGES) {
    if (!s.versions[j]) continue;
    const u = s.usage[j];
    const paths = u ? Object.entries(u.paths).filter(([, c]) => c > 0).map(([p, c]) => `${p}:${c}`).join(" ") : "";
    lines.push(
      `  ${j.padEnd(19)} ${s.versions[j]}  judged ${s.judged[j] ?? 0}, skipped ${s.skipped[j] ?? 0}, invalid ${s.invalid[j] ?? 0}, n/a ${s.not_applicable[j] ?? 0}` +
        (u ? `; ${u.calls} calls (${u.cached} cached, ${u.retry_calls} retries), ${Math.round(u.prompt_tokens_per_sample)} prompt tokens/sample${paths ? ` [${paths}]` : ""}` : ""),
    );
  }
  return lines.join("\n");
}
