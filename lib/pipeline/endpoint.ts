/**
 * The one place a model client is made. Every face (afw run, judge, demo,
 * validate-judge, the notebook helpers) opens an endpoint here: offline, the
 * simulated organisms served on 127.0.0.1 (or answered in-process); online,
 * a provider's base URL and key with the provider profile and client
 * settings. The endpoint says which provider it speaks to, maps the
 * experiment catalogue's model names to the ids that provider serves them
 * under, checks a request before anything is sent, and reports the money
 * spent through it.
 */
import {
  DEFAULT_PROVIDER,
  findProfile,
  modelIdAt,
  ModelClient,
  resolveProfile,
  type CallResult,
  type FatalProviderError,
  type Override,
  type PlanCheck,
  type ProviderProfile,
  type RateControl,
  type RetryInfo,
  type VotesOptions,
  type VotesResult,
} from "../models/index";
import { openBatchBackend, type BatchBackend, type BatchLimits } from "../models/batch/index";
import { AfwError } from "../util/errors";
import { startOrganismServer, type OrganismConfig } from "../organisms/index";
import type { Request, SpendRow, UsageTotals } from "../schema/index";
import { InProcessOrganisms } from "./in-process";
import { DEFAULT_BASE_URL, redactUrl } from "../util/url";

export { DEFAULT_BASE_URL, redactUrl };

/** What the pipeline needs of a model client: one call, several votes, the usage totals. */
export interface EndpointClient {
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult>;
  callVotes(model: string, req: Request, n: number, opts?: VotesOptions): Promise<VotesResult>;
  totals(): UsageTotals;
  /** The request's parameters the provider is not sent (its default applies); absent or [] when all are sent. */
  paramsNotSent?(model: string, req: Request): string[];
}

/** Options of `openEndpoint`. */
export interface EndpointOptions {
  /** Offline: the simulated organisms. Default: offline when neither a base URL nor a key is given. */
  offline?: boolean;
  /** Offline only: answer in this process instead of over HTTP on 127.0.0.1 (no response cache). */
  inProcess?: boolean;
  /** Online: the provider's base URL; default the profile's own, else DEFAULT_BASE_URL. */
  baseURL?: string;
  /** Online: the key (sent as the provider wants it, never written anywhere). */
  apiKey?: string;
  /**
   * Online: the provider profile, by name ("anthropic", "vllm", …; `afw
   * providers`), as a profile object (a `--provider-file`), or omitted to
   * infer it from the base URL.
   */
  provider?: string | ProviderProfile;
  /** OpenRouter: pin the upstream providers, in order, with no fallbacks. */
  providerOrder?: readonly string[] | null;
  /** Refusals to override (send anyway): prefill, temperature, retired, completions. */
  allow?: readonly Override[];
  /** reasoning_effort to send (OpenRouter: reasoning.effort), when the model takes one. */
  reasoningEffort?: string | null;
  /** Anthropic extended thinking budget (budget_tokens). */
  thinkingBudget?: number | null;
  /** Anthropic prompt caching of the system prompt; default true. */
  promptCache?: boolean;
  /** "adaptive" (default: learnt rate, shared pause) or "fixed" (the earlier behaviour). */
  rateControl?: RateControl;
  /**
   * Ask each provider for a catalogue model under the id it serves it as
   * (modelIdAt: "anthropic/claude-3-opus" → "claude-3-opus-20240229" at
   * anthropic); default true. Samples keep the name the run asked for.
   */
  mapModels?: boolean;
  /** Requests in flight; default 16. */
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  /** The response cache folder; null or omitted: no cache. */
  cacheDir?: string | null;
  onRetry?: (info: RetryInfo) => void;
  /** Each distinct warning once (a retiring model, an unverified prefill, …). */
  onWarning?: (line: string) => void;
  /** Today's date for retirement checks (YYYY-MM-DD); default the clock's. */
  today?: string;
  /** Offline: extra organisms, or overriding definitions of built-in ones. */
  organisms?: Record<string, OrganismConfig>;
}

/** An open endpoint: the client, what to record about it, and how to close it. */
export interface Endpoint {
  client: EndpointClient;
  offline: boolean;
  inProcess: boolean;
  /** The base URL to record (user info and query removed), null offline. */
  baseURL: string | null;
  /** "offline", or the recorded base URL: what n-support is remembered under. */
  id: string;
  concurrency: number;
  /** The provider profile's name (recorded in the manifest), null offline. */
  provider: string | null;
  /** The OpenRouter pin asked for, or null. */
  providerOrder: string[] | null;
  /**
   * The id a model is asked for at this provider: the catalogue's id for a
   * paper model, the name itself for a model the catalogue does not know;
   * null when the catalogue says this provider does not serve it.
   */
  modelId(model: string): string | null;
  /** Check a request for a model (by the run's name) before sending: a refusal and its warnings. Always ok offline. */
  check(model: string, req: Request): PlanCheck | null;
  /** Money spent through this endpoint so far, per model (by the id the provider was asked for, which the price table knows). */
  spend(): SpendRow[];
  /** The fatal provider error that stopped the client, or null. */
  fatal(): FatalProviderError | null;
  /** The model client itself (provider ids, not the run's names), for the batch door; null when answered in-process. */
  modelClient: ModelClient | null;
  /**
   * The provider's batch API with this endpoint's address and key (OpenAI,
   * Anthropic). Throws a one-line AfwError offline or for a provider
   * without one here.
   */
  batchBackend(o?: { limits?: Partial<BatchLimits>; retryBaseMs?: number }): BatchBackend & { close(): void };
  close(): Promise<void>;
}

/**
 * A client that asks the provider for its own id of a model while the
 * pipeline keeps the run's name (samples, keys and judgements say what the
 * run asked for; `model_snapshot` says what answered).
 */
export class MappedClient implements EndpointClient {
  constructor(
    private readonly inner: EndpointClient,
    private readonly id: (model: string) => string,
  ) {}
  call(model: string, req: Request, sampleIndex: number): Promise<CallResult> {
    return this.inner.call(this.id(model), req, sampleIndex);
  }
  callVotes(model: string, req: Request, n: number, opts?: VotesOptions): Promise<VotesResult> {
    return this.inner.callVotes(this.id(model), req, n, opts);
  }
  totals(): UsageTotals {
    return this.inner.totals();
  }
  paramsNotSent(model: string, req: Request): string[] {
    return this.inner.paramsNotSent?.(this.id(model), req) ?? [];
  }
}

/**
 * Open an endpoint. Offline (the default without a base URL or key) starts
 * the organism server on 127.0.0.1 and points a model client at it, or with
 * `inProcess` answers in this process; online points a model client at the
 * base URL through the provider's profile. Close it when done (stops the server).
 *
 * @example
 * const ep = await openEndpoint({ offline: true });
 * try { await evaluate(getExperiment("figure1"), ep, { out: "runs/f1", queries }); } finally { await ep.close(); }
 * @example
 * const ep = await openEndpoint({ provider: "anthropic", apiKey: process.env.ANTHROPIC_API_KEY, cacheDir: ".afw-cache/responses" });
 */
export async function openEndpoint(opts: EndpointOptions = {}): Promise<Endpoint> {
  const offline = opts.offline ?? (!opts.baseURL && !opts.apiKey && !opts.provider);
  const concurrency = opts.concurrency ?? 16;
  const noSpend = (): SpendRow[] => [];
  if (offline && opts.inProcess) {
    return {
      client: new InProcessOrganisms(opts.organisms),
      offline: true,
      inProcess: true,
      baseURL: null,
      id: "offline",
      concurrency,
      provider: null,
      providerOrder: null,
      modelId: (m) => m,
      check: () => null,
      spend: noSpend,
      fatal: () => null,
      modelClient: null,
      batchBackend: () => {
        throw new AfwError("--batch: the simulated organisms answer at once and have no batch API; give a provider with one (--provider openai or anthropic)");
      },
      close: async () => {},
    };
  }
  const server = offline ? await startOrganismServer({ port: 0, organisms: opts.organisms }) : null;
  try {
    let profile: ProviderProfile | undefined = undefined;
    let baseURL: string;
    if (server) baseURL = server.url;
    else {
      const named = typeof opts.provider === "string" && opts.provider !== "" ? findProfile(opts.provider) : null;
      baseURL = opts.baseURL ?? (named?.baseURL || (typeof opts.provider === "object" ? opts.provider.baseURL : null) || DEFAULT_BASE_URL);
      profile = resolveProfile(opts.provider, baseURL);
    }
    const client = new ModelClient({
      baseURL,
      apiKey: server ? "offline" : (opts.apiKey ?? ""),
      concurrency,
      timeoutMs: opts.timeoutMs,
      maxAttempts: opts.maxAttempts,
      retryBaseMs: opts.retryBaseMs,
      cacheDir: opts.cacheDir ?? null,
      // The organism server's port changes every run: its answers are keyed without it.
      ...(server ? { cacheScope: null } : {}),
      onRetry: opts.onRetry,
      onWarning: opts.onWarning,
      today: opts.today,
      ...(server
        ? {}
        : {
            provider: profile,
            providerOrder: opts.providerOrder ?? null,
            allow: opts.allow,
            reasoningEffort: opts.reasoningEffort ?? null,
            thinkingBudget: opts.thinkingBudget ?? null,
            promptCache: opts.promptCache,
            rateControl: opts.rateControl,
          }),
    });
    // Catalogue ids only for the built-in named providers; the generic profile and saved profiles take names as given.
    const mapping = !server && opts.mapModels !== false && client.profile.name !== DEFAULT_PROVIDER && findProfile(client.profile.name) !== null;
    const modelId = (m: string): string | null => (mapping ? modelIdAt(client.profile.name, m) : m);
    const idOf = (m: string) => modelId(m) ?? m;
    const recorded = server ? null : redactUrl(baseURL);
    return {
      client: mapping ? new MappedClient(client, idOf) : client,
      offline,
      inProcess: false,
      baseURL: recorded,
      id: recorded ?? "offline",
      concurrency,
      provider: server ? null : client.profile.name,
      providerOrder: server || !opts.providerOrder?.length ? null : [...opts.providerOrder],
      modelId,
      check: (m, req) => (server ? null : client.check(idOf(m), req)),
      // The organisms cost nothing: an offline endpoint reports no spend.
      spend: () => (server ? [] : client.spend.rows()),
      fatal: () => client.fatal,
      modelClient: client,
      batchBackend: (o = {}) => {
        if (server) throw new AfwError("--batch: the simulated organisms answer at once and have no batch API; give a provider with one (--provider openai or anthropic)");
        return openBatchBackend({ provider: client.profile.name, baseURL, apiKey: opts.apiKey ?? "", limits: o.limits, ...(o.retryBaseMs !== undefined ? { retryBaseMs: o.retryBaseMs } : {}) });
      },
      close: async () => void (await server?.close()),
    };
  } catch (e) {
    await server?.close();
    throw e;
  }
}
