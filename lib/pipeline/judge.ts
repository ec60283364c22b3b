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
import { folderStore, latestJudgement, type ResultsStore } from "../store/index";
import { AfwError } from "../util/errors";
import { ErrorTally } from "../models/index";
import { ALL_JUDGES, builtinJudge, DEFAULT_AF_THRESHOLDS, judgeable, runJudge, type AfThresholds, type Judge, type JudgeContext, type JudgeInput, type JudgeName, type JudgeReads, type ModelCaller, type VoteUsage } from "../classify/index";

/** Options of `judgeRun`. */
export interface JudgeRunOptions {
  client: ModelCaller;
  judgeModel: string;
  /** Judges to run: built-in names or judge values, run in this order (built-ins in their own order); default all four built-ins. */
  judges?: readonly (Judge | JudgeName)[];
  /** The built-in judges to run (the same as `judges` with names). */
  only?: JudgeName[];
  /** AF votes per sample for the built-in AF judge; default 20. */
  votes?: number;
  /** Samples judged at once; default 8 (the client caps HTTP requests separately). */
  concurrency?: number;
  /** Endpoint identity for remembering n support (the base URL). */
  endpoint?: string;
  thresholds?: AfThresholds;
  /** Rounds of re-asking for unparseable replies; default 2. */
  retries?: number;
  /** Try the n parameter; default true. */
  useN?: boolean;
  /** What the built-in AF judge reads: the scratchpad (default), the provider's hidden reasoning, or both (a different judge version). */
  reads?: JudgeReads;
  /** Judge again what failed for good with a permanent error (context too long, an invalid request); default false. */
  retryPermanent?: boolean;
  /**
   * Ask a sample's judges whose `applies` reads no other judge's verdict
   * (declares one parameter) at the same time, then the others in order;
   * default false (one judge after another). The batch door uses it, so
   * that those judges share a round.
   */
  together?: boolean;
  /** Stop starting new samples when aborted. */
  signal?: AbortSignal;
  /** Progress lines, and the first message of each kind of error (once). */
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

/** Counts per judge family. */
export type PerJudge<T> = Partial<Record<string, T>>;

/** What `judgeRun` did. */
export interface JudgeSummary {
  /** The results folder, or null for results in memory. */
  dir: string | null;
  judgeModel: string;
  /** Each judge's version, in the order the judges ran. */
  versions: PerJudge<string>;
  /**
   * Judgements written now, per judge: judged + invalid + failed. The same
   * words as the report's judge tables (lib/analysis/judge-tables).
   */
  written: PerJudge<number>;
  /** Written now with a verdict (valid: counted as a yes or a no), per judge. */
  judged: PerJudge<number>;
  /** Already present for the version and skipped. */
  skipped: PerJudge<number>;
  /** Written now whose replies arrived but never parsed after the retries (invalid: never a yes or a no). */
  invalid: PerJudge<number>;
  /** Written now whose requests failed for good: no reply arrived (retried on the next run; permanent failures only with retryPermanent). */
  failed: PerJudge<number>;
  /** Samples the provider blocked (outcome "blocked": nothing to judge; not sent). */
  blocked: PerJudge<number>;
  /** The provider's one-line message when a fatal error stopped judging (nothing was written for the judgements in flight), else null. */
  fatal: string | null;
  /** Failures and blocked replies by kind, over every call. */
  errors: ReturnType<ErrorTally["counts"]>;
  /** Samples that had nothing to judge (no scratchpad, failed sample, not eligible for motives); blocked ones are counted in `blocked`. */
  not_applicable: PerJudge<number>;
  usage: PerJudge<JudgeUsage>;
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

/**
 * The hidden reasoning the provider returned for a sample (apart from the
 * reply), every turn's joined, or null.
 */
export function hiddenReasoning(s: Sample): string | null {
  const turns = (s.turns ?? []).map((t) => t.reasoning?.text ?? "").filter((t) => t.trim() !== "");
  if (turns.length) return turns.join("\n\n");
  return s.reasoning && s.reasoning.text.trim() !== "" ? s.reasoning.text : null;
}

/** A record whose requests failed for good (retried on a rerun; a permanent failure only when asked). */
function transportFailure(j: Judgement): boolean {
  return !j.valid && typeof j.detail?.error === "string";
}

/** A failure that another try would not fix (context too long, an invalid request). */
function permanentFailure(j: Judgement): boolean {
  return transportFailure(j) && j.detail?.error_kind === "permanent";
}

/** The id of one (sample, judge, version) in the set `alreadyJudged` returns. */
export function judgedId(sampleKey: string, judge: string, version: string): string {
  return `${sampleKey}\u0000${judge}\u0000${version}`;
}

/**
 * The (sample, judge, version) ids a rerun skips: every stored judgement
 * but those whose requests failed for good (a permanent failure stays done
 * unless `retryPermanent`). The stored judgements are merged into their
 * samples as loading does, so judges that read other verdicts see them.
 */
export function alreadyJudged(samples: readonly Sample[], records: readonly { sample_key: string; judgement: Judgement }[], retryPermanent: boolean): Set<string> {
  const done = new Set<string>();
  const byKey = new Map(samples.map((s) => [s.key, s] as const));
  for (const r of records) {
    const id = judgedId(r.sample_key, r.judgement.judge, r.judgement.version);
    if (transportFailure(r.judgement) && !(permanentFailure(r.judgement) && !retryPermanent)) done.delete(id);
    else done.add(id);
    const s = byKey.get(r.sample_key);
    if (s) s.judgements[`${r.judgement.judge}@${r.judgement.version}`] = r.judgement;
  }
  return done;
}

function emptyUsage(): JudgeUsage {
  return { samples: 0, calls: 0, cached: 0, retry_calls: 0, prompt_tokens: 0, completion_tokens: 0, paths: { n: 0, fallback: 0, single: 0 }, prompt_tokens_per_sample: 0 };
}

/** The judges of a run as values, in running order (built-ins in their own order: motives last, it reads the others). */
export function resolveJudges(list: readonly (Judge | JudgeName)[] | undefined, opts: { votes?: number; thresholds?: AfThresholds; reads?: JudgeReads } = {}): Judge[] {
  const want = list ?? ALL_JUDGES;
  const names = new Set(want.filter((j): j is JudgeName => typeof j === "string"));
  for (const n of names) if (!ALL_JUDGES.includes(n)) throw new AfwError(`judge: unknown judge "${n}" (known: ${ALL_JUDGES.join(", ")})`);
  const builtins = ALL_JUDGES.filter((n) => names.has(n)).map((n) => builtinJudge(n, opts));
  const values = want.filter((j): j is Judge => typeof j !== "string");
  const out = [...values.filter((j) => j.name !== "motives"), ...builtins.filter((j) => j.name !== "motives"), ...builtins.filter((j) => j.name === "motives"), ...values.filter((j) => j.name === "motives")];
  const seen = new Set<string>();
  for (const j of out) {
    if (seen.has(j.name)) throw new AfwError(`judge: two judges named "${j.name}"`);
    seen.add(j.name);
  }
  return out;
}

/**
 * Judge every sample of a results folder (or store) with the chosen judges
 * and append the judgements beside the samples (DIR/judgements.jsonl).
 * Each judge reads the samples it applies to; the motives judge reads
 * scratchpads that complied (by tags or by the compliance judge) or show AF
 * (score ≥ the AF threshold), by the verdicts that count so far (this run's,
 * or failing those, those already stored).
 *
 * @example
 * const s = await judgeRun("runs/demo", { client, judgeModel: "sim-judge", votes: 20 });
 * s.usage.af_reasoning?.prompt_tokens_per_sample;
 */
export async function judgeRun(target: string | ResultsStore, opts: JudgeRunOptions): Promise<JudgeSummary> {
  const t0 = performance.now();
  const store = typeof target === "string" ? folderStore(target) : target;
  const votes = opts.votes ?? 20;
  if (!Number.isInteger(votes) || votes < 1) throw new AfwError(`judge: votes must be a positive integer, got ${votes}`);
  const thresholds = opts.thresholds ?? DEFAULT_AF_THRESHOLDS;
  const judges = resolveJudges(opts.judges ?? opts.only, { votes, thresholds, reads: opts.reads });
  if (!judges.length) throw new AfwError("judge: no judges chosen");
  const tally = new ErrorTally();
  let fatal: string | null = null;
  const onCall: JudgeContext["onCall"] = (r) => {
    const line = tally.add(r);
    // The fatal error is said once, by whoever stops (the command's "stopped:" line).
    if (line && r.error_kind !== "fatal" && !r.cancelled) opts.log?.(`judge: ${line}`);
  };
  const ctx: JudgeContext = { client: opts.client, judgeModel: opts.judgeModel, votes, endpoint: opts.endpoint, retries: opts.retries, thresholds, useN: opts.useN, onCall };
  const versions: PerJudge<string> = {};
  for (const j of judges) versions[j.name] = j.version(opts.judgeModel);

  const samples = await store.readSamples();
  const { records, repairedBytes } = await store.readJudgements({ repair: true });
  const done = alreadyJudged(samples, records, !!opts.retryPermanent);

  const summary: JudgeSummary = {
    dir: store.dir,
    judgeModel: opts.judgeModel,
    versions,
    written: {},
    judged: {},
    skipped: {},
    invalid: {},
    failed: {},
    blocked: {},
    not_applicable: {},
    usage: {},
    repairedBytes,
    interrupted: false,
    seconds: 0,
    fatal: null,
    errors: tally.counts(),
  };
  const bump = (m: PerJudge<number>, j: string) => (m[j] = (m[j] ?? 0) + 1);
  const writer = store.openJudgementWriter();
  const total = samples.length;
  let finished = 0;
  let next = 0;

  // With `together`, the judges that read no verdict go first, all at once; the others follow in order.
  const free = opts.together ? judges.filter((j) => j.applies.length < 2) : [];
  const after = judges.filter((j) => !free.includes(j));
  const judgeSample = async (s: Sample) => {
    const input: JudgeInput = { request: requestText(s), final_output: s.final_output, scratchpad: s.scratchpad, reasoning: hiddenReasoning(s) };
    const verdict = (judge: string) => latestJudgement(s, judge);
    if (free.length) await Promise.all(free.map((judge) => judgeOne(s, judge, input, verdict)));
    for (const judge of after) if (!(await judgeOne(s, judge, input, verdict))) return;
  };

  /** One judge on one sample; false when judging stopped. */
  const judgeOne = async (s: Sample, judge: Judge, input: JudgeInput, verdict: (judge: string) => Judgement | null): Promise<boolean> => {
    const version = versions[judge.name]!;
    const id = judgedId(s.key, judge.name, version);
    if (s.error === null && s.outcome === "blocked") {
      bump(summary.blocked, judge.name);
      return true;
    }
    // No judge reads a sample that failed or was blocked, whatever its own `applies` says.
    if (!judgeable(s) || !judge.applies(s, verdict)) {
      bump(summary.not_applicable, judge.name);
      return true;
    }
    if (done.has(id)) {
      bump(summary.skipped, judge.name);
      return true;
    }
    if (fatal !== null || opts.signal?.aborted) return false;
    const { judgement, usage, stopped } = await runJudge(judge, input, ctx);
    if (stopped !== null) {
      // Interrupted: nothing written, a rerun redoes it.
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        return false;
      }
      // A fatal provider error (or the client stopped): write nothing; the run stops, a rerun redoes it.
      if (fatal === null) fatal = stopped.replace(/^(cancelled|not sent): /, "");
      return false;
    }
    writer.append({ sample_key: s.key, judgement, created_at: new Date().toISOString() });
    done.add(id);
    s.judgements[`${judgement.judge}@${judgement.version}`] = judgement;
    bump(summary.written, judge.name);
    if (judgement.valid) bump(summary.judged, judge.name);
    else if (transportFailure(judgement)) bump(summary.failed, judge.name);
    else bump(summary.invalid, judge.name);
    const u = (summary.usage[judge.name] ??= emptyUsage());
    u.samples++;
    u.calls += usage.calls;
    u.cached += usage.cached;
    u.retry_calls += usage.retry_calls;
    u.prompt_tokens += usage.prompt_tokens;
    u.completion_tokens += usage.completion_tokens;
    u.paths[usage.path]++;
    return true;
  };

  const worker = async () => {
    while (next < samples.length && fatal === null) {
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
  summary.fatal = fatal;
  summary.errors = tally.counts();
  return summary;
}

/**
 * The summary as a few lines for the terminal: per judge, the samples
 * judged now (a valid verdict), invalid (replies that never parsed), requests
 * failed (no reply; retried next time), skipped (judged before), blocked by
 * the provider and not applicable; the words of the report's judge tables.
 */
export function formatJudgeSummary(s: JudgeSummary): string {
  const lines: string[] = [];
  for (const j of Object.keys(s.versions)) {
    const u = s.usage[j];
    const paths = u ? Object.entries(u.paths).filter(([, c]) => c > 0).map(([p, c]) => `${p}:${c}`).join(" ") : "";
    lines.push(
      `  ${j.padEnd(19)} ${s.versions[j]}  judged ${s.judged[j] ?? 0}, invalid ${s.invalid[j] ?? 0}, requests failed ${s.failed[j] ?? 0}, skipped ${s.skipped[j] ?? 0}, blocked ${s.blocked[j] ?? 0}, n/a ${s.not_applicable[j] ?? 0}` +
        (u ? `; ${u.calls} calls (${u.cached} cached, ${u.retry_calls} retries), ${Math.round(u.prompt_tokens_per_sample)} prompt tokens/sample${paths ? ` [${paths}]` : ""}` : ""),
    );
  }
  return lines.join("\n");
}
