/**
 * Several answers to one request (a judge's votes): one request with `n`
 * when the provider takes it, else one request per vote.
 *
 * The fallback never depends on how an error is worded: if the request
 * with `n` fails for any reason that is not fatal, or comes back with fewer
 * choices than asked, the votes are asked one request each. What worked is
 * remembered per endpoint and model (a refusal or a short answer is
 * remembered; a transient failure is not, since the next try may work).
 * Profiles that say the provider takes no `n` (Anthropic, llama.cpp) go
 * straight to one request per vote.
 *
 * Vote i of the fallback is cached under sample index `sampleIndex + i`
 * and, when the request has a seed, asks with seed + i, so that repeated
 * votes differ and a rerun asks the same.
 */
import type { ErrorKind, Request } from "../schema/index";
import type { ChoiceResult } from "./parse";
import type { CallResult } from "./types";

/**
 * What callVotes needs of a client (a ModelClient, or the pipeline's
 * in-process organisms): `call`, where it learns n support, and its identity.
 */
export interface VotesHost {
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult>;
  readonly profile: { readonly name: string; readonly maxN: number | null };
  readonly baseURL: string;
  readonly nSupport: Map<string, boolean>;
  readonly nProbes: Map<string, Promise<void>>;
}

/** Options of callVotes. */
export interface VotesOptions {
  /** Sample index of vote 0 (vote i uses sampleIndex + i on the fallback). Default 0. */
  sampleIndex?: number;
  /** Try one request with n first. Default true. */
  useN?: boolean;
}

/** The votes of one request. */
export interface VotesResult {
  /** One choice per vote (length n); null where that vote failed. */
  choices: (ChoiceResult | null)[];
  /** Every call made, in order. */
  results: CallResult[];
  /** "n": one request with n; "split": one request per vote; "single": n was 1. */
  path: "n" | "split" | "single";
  /** The first failure when no vote came back (a fatal one included), else null. */
  error: string | null;
  error_kind: ErrorKind | null;
  /** A call was cancelled (the client stopped): nothing of these votes may be recorded. */
  cancelled: boolean;
  /** The snapshot that answered (the first answered call's `model`), when the provider said. */
  model_snapshot: string | null;
}

function snapshotOf(results: readonly CallResult[]): string | null {
  for (const r of results) if (r.model_snapshot) return r.model_snapshot;
  return null;
}

/** What was learnt about n, per provider + endpoint + model, for the life of the process. */
const learnt = new Map<string, boolean>();

/** Forget what was learnt about n support (tests). */
export function resetVotesMemory(): void {
  learnt.clear();
}

/** What is known about n support of a model at a client's endpoint: true, false, or undefined (not tried). */
export function nSupportOf(client: VotesHost, model: string): boolean | undefined {
  return client.nSupport.get(model) ?? learnt.get(memoKey(client, model));
}

function memoKey(client: VotesHost, model: string): string {
  return `${client.profile.name}\u0000${client.baseURL}\u0000${model}`;
}

function withN(req: Request, n: number | undefined, seedOffset = 0): Request {
  const params = { ...req.params };
  if (n !== undefined && n > 1) params.n = n;
  else delete params.n;
  if (params.seed !== undefined && seedOffset) params.seed = params.seed + seedOffset;
  return { ...req, params };
}

/**
 * `n` answers to one request through `client` (see the module comment).
 * @example
 * const v = await callVotes(client, "gpt-4o-2024-11-20", judgeRequest, 20, { sampleIndex: 0 });
 * v.choices.filter((c) => c && c.outcome === "reply").length // usable votes
 */
export async function callVotes(client: VotesHost, model: string, req: Request, n: number, opts: VotesOptions = {}): Promise<VotesResult> {
  const base = opts.sampleIndex ?? 0;
  if (!Number.isInteger(n) || n < 1) throw new Error(`callVotes: n must be a positive integer, got ${n}`);
  if (n === 1) {
    const r = await client.call(model, withN(req, undefined), base);
    return { choices: [r.error === null ? (r.choices[0] ?? null) : null], results: [r], path: "single", error: r.error, error_kind: r.error ? r.error_kind : null, cancelled: r.cancelled, model_snapshot: r.model_snapshot };
  }
  const results: CallResult[] = [];
  const key = memoKey(client, model);
  const maxN = client.profile.maxN;
  const tryN = (opts.useN ?? true) && (maxN === null || maxN >= n);
  if (tryN) {
    // While another call is finding out whether n works here, wait for its answer.
    for (let p = client.nProbes.get(model); p && nSupportOf(client, model) === undefined; p = client.nProbes.get(model)) await p;
    if (nSupportOf(client, model) !== false) {
      let done: (() => void) | null = null;
      if (nSupportOf(client, model) === undefined) client.nProbes.set(model, new Promise<void>((r) => (done = r)));
      try {
        const r = await client.call(model, withN(req, n), base);
        results.push(r);
        if (r.cancelled || r.error_kind === "fatal") return { choices: new Array(n).fill(null), results, path: "n", error: r.error, error_kind: r.error_kind, cancelled: r.cancelled, model_snapshot: null };
        if (r.error === null && r.choices.length >= n) {
          client.nSupport.set(model, true);
          learnt.set(key, true);
          return { choices: r.choices.slice(0, n), results, path: "n", error: null, error_kind: null, cancelled: false, model_snapshot: r.model_snapshot };
        }
        if (r.error === null || r.error_kind === "permanent") {
          client.nSupport.set(model, false);
          learnt.set(key, false);
        }
      } finally {
        if (done) {
          client.nProbes.delete(model);
          (done as () => void)();
        }
      }
    }
  }
  const rs = await Promise.all(Array.from({ length: n }, (_, i) => client.call(model, withN(req, undefined, i), base + i)));
  results.push(...rs);
  const choices = rs.map((r) => (r.error === null ? (r.choices[0] ?? null) : null));
  // A fatal error or a cancelled vote stops the whole set (nothing of it may be recorded).
  const stop = rs.find((r) => r.error_kind === "fatal" && !r.cancelled) ?? rs.find((r) => r.cancelled) ?? null;
  const firstFail = stop ?? rs.find((r) => r.error !== null) ?? null;
  const none = choices.every((c) => c === null);
  return {
    choices,
    results,
    path: "split",
    error: (none || stop) && firstFail ? firstFail.error : null,
    error_kind: (none || stop) && firstFail ? firstFail.error_kind : null,
    cancelled: rs.some((r) => r.cancelled),
    model_snapshot: snapshotOf(rs),
  };
}
