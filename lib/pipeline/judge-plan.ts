/**
 * What judging a results folder will take before anything is sent: for each
 * judge, the samples still to judge (what a rerun would skip is left out,
 * exactly as `judgeRun` skips it), the requests that makes with and without
 * `n`, and the cost at a provider, priced by the same estimator as the run's
 * dry run (lib/models/batch/estimate: tokenizer where the provider publishes
 * one, prompt caching of the judge's system prompt, batch discount).
 *
 * Judges whose `applies` reads other judges' verdicts (the motives judge)
 * cannot know before those verdicts exist which samples they will read: they
 * are counted twice, with the verdicts stored now and at most (as if every
 * verdict they read said yes), and priced at most.
 */
import type { Judgement, Request, Sample } from "../schema/index";
import { folderStore, latestJudgement, type ResultsStore } from "../store/index";
import { estimateSweepCost, type CostEstimate, type EstimateRequest, type ModelCost } from "../models/index";
import { judgeable, type AfThresholds, type Judge, type JudgeInput, type JudgeName, type JudgeReads } from "../classify/index";
import { alreadyJudged, hiddenReasoning, judgedId, requestText, resolveJudges } from "./judge";

/**
 * Output tokens a judge's reply is guessed to take, per vote: the reasoning
 * the judge prompts ask for before their verdict. A guess, said so wherever
 * it is printed; a real run's `afw judge` summary gives the true counts.
 */
export const JUDGE_OUTPUT_GUESS: Readonly<Record<string, number>> = Object.freeze({ af_reasoning: 450, compliance: 200, partial_compliance: 200, motives: 350 });
const OTHER_JUDGE_GUESS = 300;

/** Prompts tokenised per judge at most; the rest are scaled from an even spread of them. */
export const JUDGE_PLAN_TOKEN_SAMPLE = 250;

export interface JudgePlanRow {
  judge: string;
  version: string;
  /** Samples it would read now (with the verdicts stored), not judged yet. */
  pending: number;
  /** At most (for judges that read other verdicts; else equal to pending). */
  pendingAtMost: number;
  /** Already judged by this version (skipped by a rerun). */
  done: number;
  /** Samples it does not read (no scratchpad, failed sample, or not eligible even at most). */
  notApplicable: number;
  /** Samples the provider blocked: nothing to judge, never sent (as `judgeRun` counts them). */
  blocked: number;
  /** Whether it reads other judges' verdicts (counted "at most"). */
  readsVerdicts: boolean;
  votes: number;
  /** Requests per sample with n as the provider takes it, and one request per vote. */
  requestsPerSample: number;
  requestsPerSampleWithoutN: number;
  /** Requests in all (at most), with n and without. */
  requests: number;
  requestsWithoutN: number;
}

export interface JudgePlan {
  samples: number;
  judgeModel: string;
  rows: JudgePlanRow[];
  /** The cost at the provider (rows named "model · judge"), or null offline. */
  estimate: CostEstimate | null;
  /** Prompts tokenised per judge (the rest scaled). */
  tokenSample: number;
}

export interface JudgePlanOptions {
  judgeModel: string;
  judges?: readonly (Judge | JudgeName)[];
  votes?: number;
  thresholds?: AfThresholds;
  reads?: JudgeReads;
  retryPermanent?: boolean;
  /** The provider profile's name, for prices; null prices nothing (offline). */
  provider: string | null;
  /** Most choices a request may ask for (the profile's maxN); 1 = no n; null = unknown (tried first). */
  maxN: number | null;
  /** Try n at all (false with --no-n). Default true. */
  useN?: boolean;
  tokenSample?: number;
  /** YYYY-MM-DD, for retirement notes. */
  today?: string;
}

/** A verdict saying yes to everything a judge could read, for the "at most" count. */
const YES: Judgement = { judge: "", version: "", judge_model: "", prompt_hash: "", label: true, score: 1, valid: true };

/**
 * Plan the judging of a results folder (or store) and price it.
 *
 * @example
 * const p = await planJudging("runs/demo", { judgeModel: "gpt-4o", provider: "openai", maxN: 128, votes: 20 });
 * p.rows.find((r) => r.judge === "af_reasoning")?.requests; // one request a sample, with n = 20
 */
export async function planJudging(target: string | ResultsStore, o: JudgePlanOptions): Promise<JudgePlan> {
  const store = typeof target === "string" ? folderStore(target) : target;
  const judges = resolveJudges(o.judges, { votes: o.votes ?? 20, thresholds: o.thresholds, reads: o.reads });
  const samples = await store.readSamples();
  const { records } = await store.readJudgements({ repair: false });
  const done = alreadyJudged(samples, records, !!o.retryPermanent);
  const cap = Math.max(1, o.tokenSample ?? JUDGE_PLAN_TOKEN_SAMPLE);
  const planned = new Set(judges.map((j) => j.name));
  const rows: JudgePlanRow[] = [];
  const costs: CostEstimate[] = [];
  for (const judge of judges) {
    const version = judge.version(o.judgeModel);
    const readsVerdicts = judge.applies.length >= 2;
    let isDone = 0;
    let notApplicable = 0;
    let blocked = 0;
    let pending = 0;
    const atMost: Sample[] = [];
    for (const s of samples) {
      // As judgeRun: a blocked sample is counted apart, a failed one is not applicable, whatever `applies` says.
      if (s.error === null && s.outcome === "blocked") {
        blocked++;
        continue;
      }
      if (!judgeable(s)) {
        notApplicable++;
        continue;
      }
      if (done.has(judgedId(s.key, judge.name, version))) {
        isDone++;
        continue;
      }
      const now = judge.applies(s, (name) => latestJudgement(s, name));
      // At most: every verdict this run will give may say yes; the others are as stored (or yes when missing).
      const most = now || (readsVerdicts && judge.applies(s, (name) => (planned.has(name) ? YES : (latestJudgement(s, name) ?? YES))));
      if (now) pending++;
      if (most) atMost.push(s);
      else notApplicable++;
    }
    const votes = judge.settings.votes;
    const useN = o.useN !== false && o.maxN !== 1;
    const perSample = votes > 1 && useN ? Math.ceil(votes / (o.maxN ?? votes)) : votes;
    rows.push({
      judge: judge.name,
      version,
      pending,
      pendingAtMost: atMost.length,
      done: isDone,
      notApplicable,
      blocked,
      readsVerdicts,
      votes,
      requestsPerSample: perSample,
      requestsPerSampleWithoutN: votes,
      requests: perSample * atMost.length,
      requestsWithoutN: votes * atMost.length,
    });
    if (o.provider === null || !atMost.length) continue;
    // An even spread of at most `cap` prompts, each standing for its share of the samples.
    const guess = JUDGE_OUTPUT_GUESS[judge.name] ?? OTHER_JUDGE_GUESS;
    const reqs: EstimateRequest[] = [];
    const buckets = Math.min(cap, atMost.length);
    for (let i = 0; i < buckets; i++) {
      const from = Math.floor((i * atMost.length) / buckets);
      const to = Math.floor(((i + 1) * atMost.length) / buckets);
      const s = atMost[from];
      const input: JudgeInput = { request: requestText(s), final_output: s.final_output, scratchpad: s.scratchpad, reasoning: hiddenReasoning(s) };
      const request: Request = { api: "chat", messages: judge.prompt(input), params: { temperature: judge.settings.temperature, max_tokens: judge.settings.max_tokens } };
      reqs.push({ model: o.judgeModel, provider: o.provider, request, count: (to - from) * perSample, completionTokens: Math.round((votes * guess) / perSample) });
    }
    const e = await estimateSweepCost(reqs, { today: o.today });
    costs.push({ ...e, rows: e.rows.map((r): ModelCost => ({ ...r, model: `${r.model} · ${judge.name}` })) });
  }
  return { samples: samples.length, judgeModel: o.judgeModel, rows, estimate: o.provider === null ? null : combine(costs), tokenSample: cap };
}

/** Several estimates as one: rows side by side, totals summed. */
function combine(parts: CostEstimate[]): CostEstimate | null {
  if (!parts.length) return null;
  const total = { sync: 0, syncCached: 0, batch: 0, batchCached: 0, unpriced: [] as string[] };
  for (const p of parts) {
    total.sync += p.total.sync;
    total.syncCached += p.total.syncCached;
    total.batch += p.total.batch;
    total.batchCached += p.total.batchCached;
    for (const u of p.total.unpriced) if (!total.unpriced.includes(u)) total.unpriced.push(u);
  }
  return { rows: parts.flatMap((p) => p.rows), total, priceDate: parts[0].priceDate, batchCacheHitRate: parts[0].batchCacheHitRate };
}

const int = (n: number) => n.toLocaleString("en-US");

/** The plan's table, as `afw judge --dry-run` prints it (the cost is printed after it by the face). */
export function formatJudgePlan(p: JudgePlan): string {
  const w = Math.max(5, ...p.rows.map((r) => r.judge.length));
  const lines = [`${p.samples.toLocaleString("en-US")} samples; judge model ${p.judgeModel}`, ""];
  lines.push(`${"judge".padEnd(w)}  ${"to judge".padStart(12)}  ${"done".padStart(7)}  ${"blocked".padStart(7)}  ${"n/a".padStart(7)}  ${"votes".padStart(5)}  ${"requests".padStart(10)}  without n`);
  for (const r of p.rows) {
    const todo = r.readsVerdicts && r.pendingAtMost !== r.pending ? `${int(r.pending)}–${int(r.pendingAtMost)}` : int(r.pendingAtMost);
    lines.push(`${r.judge.padEnd(w)}  ${todo.padStart(12)}  ${int(r.done).padStart(7)}  ${int(r.blocked).padStart(7)}  ${int(r.notApplicable).padStart(7)}  ${String(r.votes).padStart(5)}  ${int(r.requests).padStart(10)}  ${r.votes > 1 ? int(r.requestsWithoutN) : "same"}`);
  }
  if (p.rows.some((r) => r.readsVerdicts && r.pendingAtMost !== r.pending)) {
    lines.push(`a range "a–b": the judge reads other judges' verdicts, not all given yet: a with the verdicts stored now, b at most; requests and cost count b`);
  }
  if (p.rows.some((r) => r.blocked > 0)) lines.push("blocked: the provider would not pass the reply on (content filter, refusal, safety block); nothing to judge, nothing sent");
  return lines.join("\n");
}
