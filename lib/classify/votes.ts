/**
 * Cheap votes: ask a judge for N answers in ONE request with the `n`
 * parameter when the provider supports it, else send N requests. Support is
 * detected (an error that mentions n, or fewer choices than asked) and
 * remembered per (endpoint, model) for the life of the process.
 *
 * Every request goes through ModelClient, so the cache, retries and usage
 * totals apply. The n-path caches the whole n-choice response; the fallback
 * caches each vote under its own sample index (the vote index).
 *
 * Each vote also carries a distinct `seed` (base + vote index on the
 * fallback; base on the n-path, where the choice index tells votes apart),
 * so the scripted judge gives the same vote i on both paths. Replies that do
 * not parse are asked again, a bounded number of rounds, with new seeds.
 */
import type { Message, Request } from "../schema/index";
import type { CallResult, ModelClient } from "../models/index";

/** What judging needs of a model client: `call` (a ModelClient, or the in-process organisms of lib/pipeline). */
export type ModelCaller = Pick<ModelClient, "call">;
import type { Parsed } from "./judge-parse";

/** How to collect votes. */
export interface VoteOptions {
  /** Identity of the endpoint for remembering n support (e.g. its base URL); default: the client object. */
  endpoint?: string;
  /** Rounds of extra requests for replies that do not parse; default 2. */
  retries?: number;
  /** Try the n parameter when more than one vote is wanted; default true. */
  useN?: boolean;
  /** Base seed sent with the requests; null sends none. Default 0. */
  seed?: number | null;
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
}

const supportByEndpoint = new Map<string, boolean>();
const supportByClient = new WeakMap<ModelCaller, Map<string, boolean>>();
/** The first n-request per (endpoint, model) in flight: others wait for its verdict instead of probing too. */
const probes = new Map<unknown, Map<string, Promise<void>>>();

interface Support {
  get(m: string): boolean | undefined;
  set(m: string, v: boolean): void;
  probe(m: string): Promise<void> | undefined;
  startProbe(m: string): () => void;
}

function supportMap(client: ModelCaller, endpoint: string | undefined): Support {
  let get: (m: string) => boolean | undefined;
  let set: (m: string, v: boolean) => void;
  if (endpoint !== undefined) {
    get = (m) => supportByEndpoint.get(`${endpoint}\u0000${m}`);
    set = (m, v) => void supportByEndpoint.set(`${endpoint}\u0000${m}`, v);
  } else {
    let map = supportByClient.get(client);
    if (!map) supportByClient.set(client, (map = new Map()));
    const mm = map;
    get = (m) => mm.get(m);
    set = (m, v) => void mm.set(m, v);
  }
  const owner: unknown = endpoint ?? client;
  let pm = probes.get(owner);
  if (!pm) probes.set(owner, (pm = new Map()));
  const pending = pm;
  return {
    get,
    set,
    probe: (m) => pending.get(m),
    startProbe: (m) => {
      let done!: () => void;
      pending.set(m, new Promise<void>((r) => (done = r)));
      return () => {
        pending.delete(m);
        if (!pending.size) probes.delete(owner);
        done();
      };
    },
  };
}

/**
 * What is known about n support for a model at an endpoint: true, false, or
 * undefined (not tried yet).
 */
export function nSupport(client: ModelCaller, model: string, endpoint?: string): boolean | undefined {
  return supportMap(client, endpoint).get(model);
}

/** Forget what was learnt about n support (tests). */
export function resetNSupport(): void {
  supportByEndpoint.clear();
}

/**
 * Does a failed call's reason say the `n` parameter is the problem? A 4xx
 * whose text names n (or choices).
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
  const support = supportMap(client, opts.endpoint);
  const usage: VoteUsage = { calls: 0, cached: 0, prompt_tokens: 0, completion_tokens: 0, path: N === 1 ? "single" : "fallback", retry_calls: 0 };
  const texts: (string | null)[] = new Array(N).fill(null);
  const reasons: (string | null)[] = new Array(N).fill("no reply");
  const seedAt = (k: number) => (base === null ? null : base + k);

  const call = async (req: Request, index: number, retry: boolean): Promise<CallResult> => {
    const r = await client.call(model, req, index);
    usage.calls++;
    if (retry) usage.retry_calls++;
    if (r.cached) usage.cached++;
    if (r.usage) {
      usage.prompt_tokens += r.usage.prompt_tokens;
      usage.completion_tokens += r.usage.completion_tokens;
    }
    return r;
  };

  let error: string | null = null;
  let done = false;
  const wantN = N > 1 && (opts.useN ?? true);
  // While another call is finding out whether n works here, wait for its answer.
  for (let p = support.probe(model); wantN && support.get(model) === undefined && p; p = support.probe(model)) await p;
  if (wantN && support.get(model) !== false) {
    const finish = support.get(model) === undefined ? support.startProbe(model) : null;
    try {
      const r = await call(request(messages, settings.temperature, settings.max_tokens, seedAt(0), N), 0, false);
      if (r.error === null && r.texts.length >= N) {
        support.set(model, true);
        usage.path = "n";
        for (let i = 0; i < N; i++) texts[i] = r.texts[i];
        done = true;
      } else if (r.error !== null && !rejectsN(r.error)) {
        error = r.error;
        done = true;
      } else support.set(model, false);
    } finally {
      finish?.();
    }
  }
  if (!done) {
    const rs = await Promise.all(
      texts.map((_, i) => call(request(messages, settings.temperature, settings.max_tokens, seedAt(i)), i, false)),
    );
    rs.forEach((r, i) => {
      if (r.error === null && r.texts.length) texts[i] = r.texts[0];
      else reasons[i] = r.error ?? "no choices";
    });
    if (rs.every((r) => r.error !== null)) error = rs[0].error;
  }

  const votes: (T | null)[] = new Array(N).fill(null);
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
      const r = await call(request(messages, settings.temperature, settings.max_tokens, roundSeed, bad.length), round, true);
      if (r.error !== null) break;
      bad.forEach((i, k) => {
        if (k < r.texts.length) texts[i] = r.texts[k];
        parseAt(i);
      });
    } else {
      const rs = await Promise.all(
        bad.map((i) => call(request(messages, settings.temperature, settings.max_tokens, roundSeed === null ? null : roundSeed + i), i, true)),
      );
      rs.forEach((r, k) => {
        const i = bad[k];
        if (r.error === null && r.texts.length) {
          texts[i] = r.texts[0];
          parseAt(i);
        }
      });
    }
  }
  return { votes, reasons, usage, error };
}
