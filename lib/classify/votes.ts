/**
 * Cheap votes: ask a judge for N answers through the model door's
 * `client.callVotes` — one request with the `n` parameter when the
 * provider takes it, else N requests. The fallback never depends on how an
 * error is worded: a request with `n` that fails for any reason that is not
 * fatal, or returns fewer choices, is asked again one request per vote, and
 * what worked is remembered per endpoint and model (lib/models/votes.ts).
 *
 * Every request goes through ModelClient, so the cache, retries, pace and
 * spend apply. The n-path caches the whole n-choice response; the fallback
 * caches each vote under its own sample index (the vote index).
 *
 * Each vote also carries a distinct `seed` (base + vote index on the
 * fallback; base on the n-path, where the choice index tells votes apart),
 * so the scripted judge gives the same vote i on both paths. Replies that do
 * not parse are asked again, a bounded number of rounds, with new seeds.
 */
import type { ErrorKind, Message, Request } from "../schema/index";
import type { CallResult, ModelClient, VotesResult } from "../models/index";
import { nSupportOf } from "../models/index";

/** What judging needs of a model client: `call` and `callVotes` (a ModelClient, or the in-process organisms of lib/pipeline). */
export type ModelCaller = Pick<ModelClient, "call" | "callVotes">;
import type { Parsed } from "./judge-parse";

/** How to collect votes. */
export interface VoteOptions {
  /** Kept for callers of the earlier API: n support is now remembered by the client per endpoint and model. */
  endpoint?: string;
  /** Rounds of extra requests for replies that do not parse; default 2. */
  retries?: number;
  /** Try the n parameter when more than one vote is wanted; default true. */
  useN?: boolean;
  /** Base seed sent with the requests; null sends none. Default 0. */
  seed?: number | null;
  /** Told about every call made (for the first-message-of-each-kind tally). */
  onCall?: (r: CallResult) => void;
}

/** What the votes of one judged sample cost. */
export interface VoteUsage {
  /** Calls made (cache hits included). */
  calls: number;
  /** Calls answered from the cache. */
  cached: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** "n": one request with n; "fallback": one request per vote; "single": one vote. */
  path: "n" | "fallback" | "single";
  /** Extra calls made for replies that did not parse. */
  retry_calls: number;
}

/** The votes of one judged sample. */
export interface VoteResult<T> {
  /** One parsed value per vote, null when the vote stayed invalid. */
  votes: (T | null)[];
  /** Why a vote is invalid (null for valid votes). */
  reasons: (string | null)[];
  usage: VoteUsage;
  /** Set when the requests failed for good (transport), not for unparseable replies. */
  error: string | null;
  /** How that failure acts (fatal: the run stops and nothing is recorded). */
  error_kind: ErrorKind | null;
  /** A call was cancelled (the client stopped): record nothing. */
  cancelled: boolean;
  /** The exact model snapshot that answered, when the provider said. */
  model_snapshot: string | null;
}

/**
 * What is known about n support for a model at a client's endpoint: true,
 * false, or undefined (not tried yet).
 */
export function nSupport(client: ModelCaller, model: string, _endpoint?: string): boolean | undefined {
  const host = client as unknown as Parameters<typeof nSupportOf>[0];
  return host && host.nSupport instanceof Map ? nSupportOf(host, model) : undefined;
}

/** Forget what was learnt about n support (tests). Clients keep their own memory; make a new client to forget it. */
export function resetNSupport(): void {}

/**
 * Does a failed call's reason say the `n` parameter is the problem? A 4xx
 * whose text names n (or choices). Not used to decide the fallback (which
 * never depends on wording); kept for reports.
 * @example rejectsN("400 Invalid request: n: only n=1 is supported") // true
 */
export function rejectsN(error: string): boolean {
  return /^4\d\d\b/.test(error) && /(^|[^A-Za-z0-9_])n([^A-Za-z0-9_]|$)|\bchoices\b|number of completions/i.test(error.replace(/^4\d\d\s*/, ""));
}

function request(messages: Message[], temperature: number, maxTokens: number, seed: number | null, n?: number): Request {
  const params: Request["params"] = { temperature, max_tokens: maxTokens };
  if (seed !== null) params.seed = seed;
  if (n !== undefined && n > 1) params.n = n;
  return { api: "chat", messages, params };
}

/**
 * Collect `votes` parsed answers of a judge to one prompt.
 * @example
 * const r = await collectVotes(client, "sim-judge", messages, { temperature: 1, max_tokens: 800, votes: 20 }, parseAfReply);
 * r.votes.filter((v) => v?.af).length / r.votes.filter(Boolean).length; // the AF score
 */
export async function collectVotes<T>(
  client: ModelCaller,
  model: string,
  messages: Message[],
  settings: { temperature: number; max_tokens: number; votes: number },
  parse: (text: string) => Parsed<T>,
  opts: VoteOptions = {},
): Promise<VoteResult<T>> {
  const N = settings.votes;
  const base = opts.seed === undefined ? 0 : opts.seed;
  const retries = opts.retries ?? 2;
  const usage: VoteUsage = { calls: 0, cached: 0, prompt_tokens: 0, completion_tokens: 0, path: N === 1 ? "single" : "fallback", retry_calls: 0 };
  const texts: (string | null)[] = new Array(N).fill(null);
  const reasons: (string | null)[] = new Array(N).fill("no reply");
  const votes: (T | null)[] = new Array(N).fill(null);
  let snapshot: string | null = null;

  const count = (rs: readonly CallResult[], retry: boolean) => {
    for (const r of rs) {
      usage.calls++;
      if (retry) usage.retry_calls++;
      if (r.cached) usage.cached++;
      if (r.usage) {
        usage.prompt_tokens += r.usage.prompt_tokens;
        usage.completion_tokens += r.usage.completion_tokens;
      }
      if (!snapshot && r.model_snapshot) snapshot = r.model_snapshot;
      opts.onCall?.(r);
    }
  };
  const stopped = (v: Pick<VotesResult, "cancelled" | "error_kind" | "error">): VoteResult<T> | null =>
    v.cancelled || v.error_kind === "fatal" ? { votes, reasons, usage, error: v.error ?? "cancelled", error_kind: v.error_kind ?? "transient", cancelled: v.cancelled, model_snapshot: snapshot } : null;

  // All N votes through the door: one request with n where the provider takes it, else one per vote.
  const first = await client.callVotes(model, request(messages, settings.temperature, settings.max_tokens, base), N, { sampleIndex: 0, useN: opts.useN ?? true });
  count(first.results, false);
  usage.path = first.path === "n" ? "n" : first.path === "single" ? "single" : "fallback";
  const stop = stopped(first);
  if (stop) return stop;
  const failures = first.results.filter((r) => r.error !== null);
  first.choices.forEach((c, i) => {
    if (c) texts[i] = c.text;
    else reasons[i] = (first.path === "split" ? first.results[first.results.length - N + i]?.error : failures[0]?.error) ?? "no choices";
  });
  const error = first.error;
  const errorKind = first.error_kind;

  const parseAt = (i: number) => {
    const t = texts[i];
    if (t === null) return;
    const p = parse(t);
    if (p.ok) {
      votes[i] = p.value;
      reasons[i] = null;
    } else reasons[i] = (p as { ok: false; reason: string }).reason; // explicit: tslab type-checks without strictNullChecks, where `if (p.ok)` does not narrow
  };
  for (let i = 0; i < N; i++) parseAt(i);

  // Ask again for replies that came back but did not parse (not for transport failures).
  for (let round = 1; round <= retries && error === null; round++) {
    const bad = votes.map((v, i) => (v === null && texts[i] !== null ? i : -1)).filter((i) => i >= 0);
    if (!bad.length) break;
    const roundSeed = base === null ? null : base + 10_000 * round;
    if (usage.path === "n" && bad.length > 1) {
      const v = await client.callVotes(model, request(messages, settings.temperature, settings.max_tokens, roundSeed), bad.length, { sampleIndex: round, useN: true });
      count(v.results, true);
      const s = stopped(v);
      if (s) return s;
      bad.forEach((i, k) => {
        const c = v.choices[k];
        if (c) {
          texts[i] = c.text;
          parseAt(i);
        }
      });
      if (v.error !== null) break;
    } else {
      const rs = await Promise.all(bad.map((i) => client.call(model, request(messages, settings.temperature, settings.max_tokens, roundSeed === null ? null : roundSeed + i), i)));
      count(rs, true);
      const s = rs.find((r) => r.cancelled || r.error_kind === "fatal");
      if (s) return stopped(s)!;
      rs.forEach((r, k) => {
        const i = bad[k];
        if (r.error === null && r.texts.length) {
          texts[i] = r.texts[0];
          parseAt(i);
        }
      });
    }
  }
  return { votes, reasons, usage, error, error_kind: error === null ? null : errorKind, cancelled: false, model_snapshot: snapshot };
}
