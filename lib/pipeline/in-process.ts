/**
 * The simulated organisms answered in this process: the same bodies the
 * model client would send, the same `generate*` functions the organism
 * server calls, the same usage counting, and no HTTP. For sweeps of tens of
 * thousands of requests (the motivations verdict table over 20 seeds, the
 * notebooks' large offline suites); results are identical to the server's
 * because the organisms are deterministic in the body.
 */
import type { Params, Request, UsageTotals } from "../schema/index";
import { callVotes, type CallResult, type VotesOptions, type VotesResult } from "../models/index";
import { generateFor, makeRegistry, OrganismError, type Generated, type OrganismConfig } from "../organisms/index";

/** Calls answered before the in-process client lets timers and I/O run (progress, Ctrl-C, file writes). */
const YIELD_EVERY = 256;

/** A model client whose models are the simulated organisms, answered in-process. */
export class InProcessOrganisms {
  /** What the votes door needs to know of this "provider": the organisms take n. */
  readonly profile = { name: "organisms", maxN: null as number | null };
  readonly baseURL = "in-process";
  readonly nSupport = new Map<string, boolean>();
  readonly nProbes = new Map<string, Promise<void>>();
  private readonly registry: ReturnType<typeof makeRegistry>;
  private readonly t: UsageTotals = { requests: 0, cached: 0, retries: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 };
  private sinceYield = 0;

  constructor(organisms?: Record<string, OrganismConfig>) {
    this.registry = makeRegistry(organisms);
  }

  /** Answer one request, as `ModelClient.call` does (never rejects; failures set `error`). */
  async call(model: string, req: Request, _sampleIndex: number): Promise<CallResult> {
    if (++this.sinceYield >= YIELD_EVERY) {
      this.sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const start = performance.now();
    const chat = req.api === "chat";
    const body: Record<string, unknown> = chat ? { model, messages: req.messages } : { model, prompt: req.prompt };
    addParams(body, req.params);
    this.t.requests++;
    let g: Generated;
    try {
      g = generateFor(model, body, chat, this.registry);
    } catch (e) {
      this.t.errors++;
      const message = e instanceof OrganismError ? `${e.status} ${e.message}` : `internal error: ${(e as Error).message}`;
      // An unknown model is the organisms' 404: fatal for a run, as a provider's would be.
      const fatal = e instanceof OrganismError && e.status === 404;
      return {
        texts: [],
        usage: null,
        cached: false,
        attempts: 1,
        latency_ms: elapsed(start),
        error: message,
        finish_reasons: [],
        choices: [],
        outcome: "failed",
        error_kind: fatal ? "fatal" : e instanceof OrganismError && e.status < 500 ? "permanent" : "transient",
        cancelled: false,
        provider: "organisms",
        upstream_provider: null,
        model_snapshot: null,
        reasoning: null,
        status: e instanceof OrganismError ? e.status : null,
        discarded: { attempts: 0, usage: null },
      };
    }
    let completionChars = 0;
    for (const text of g.texts) completionChars += text.length;
    const prompt_tokens = Math.ceil(g.promptChars / 4);
    const completion_tokens = Math.ceil(completionChars / 4);
    this.t.prompt_tokens += prompt_tokens;
    this.t.completion_tokens += completion_tokens;
    return {
      texts: g.texts,
      usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
      cached: false,
      attempts: 1,
      latency_ms: elapsed(start),
      error: null,
      finish_reasons: g.texts.map(() => "stop"),
      choices: g.texts.map((text) => ({ text, finish_reason: "stop", outcome: "reply" as const, reasoning: null, refusal: null })),
      outcome: "reply",
      error_kind: null,
      cancelled: false,
      provider: "organisms",
      upstream_provider: null,
      model_snapshot: model,
      reasoning: null,
      status: null,
      discarded: { attempts: 0, usage: null },
    };
  }

  /** `n` answers to one request, as ModelClient.callVotes (one request with n, else one per vote). */
  callVotes(model: string, req: Request, n: number, opts: VotesOptions = {}): Promise<VotesResult> {
    return callVotes(this, model, req, n, opts);
  }

  /** Usage so far, in ModelClient's shape. */
  totals(): UsageTotals {
    return { ...this.t };
  }
}

/** The sampling parameters that are set, as the model client puts them on the body. */
function addParams(body: Record<string, unknown>, p: Params | undefined): void {
  if (!p) return;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.max_tokens !== undefined) body.max_tokens = p.max_tokens;
  if (p.top_p !== undefined) body.top_p = p.top_p;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.n !== undefined) body.n = p.n;
  if (p.stop !== undefined) body.stop = p.stop;
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
