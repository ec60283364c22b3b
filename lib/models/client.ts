/**
 * ModelClient: the one door to models. It speaks to one endpoint of one
 * provider (a profile from providers.ts: OpenAI-shaped chat/completions, or
 * Anthropic's native Messages API), shapes each request for that provider
 * and model, refuses an impossible one before sending, caps requests in
 * flight, paces the whole client when the provider says to wait, retries
 * what is worth retrying, caches answers on disk, adds up tokens and money,
 * and stops at once on an error that no retry can fix.
 *
 * - A call resolves, never rejects. Its CallResult says the outcome
 *   (reply | truncated | blocked | failed), the error kind when it failed
 *   (transient | permanent | fatal), the finish reason, the snapshot that
 *   answered, the upstream provider, hidden reasoning and usage.
 * - A fatal error (bad key, no permission, unknown model, no quota, a
 *   request shape refused for every sample, a plan refused before sending)
 *   sets `client.fatal`, aborts `client.signal`, cancels every request in
 *   flight (they resolve with `cancelled: true`) and sends nothing more.
 * - Blocked replies are results: never retried, cached like any answer.
 */
import { setMaxListeners } from "node:events";
import type { Request, UsageTotals, Usage } from "../schema/index";
import { AfwError } from "../util/errors";
import { ResponseCache, requestCacheKey } from "./cache";
import { classifyHttpError, FatalProviderError, readErrorBody, type FatalReason } from "./errors";
import { todayIso } from "./model-rules";
import { Pacer, type Ticket } from "./pacer";
import { MalformedResponseError, outcomeOf, parseAnthropicBody, parseOpenAIBody, UpstreamError, type ChoiceResult, type ProviderReply } from "./parse";
import { buildAnthropicBody, buildOpenAIBody, checkRequest, paramsNotSent, type Override, type PlanCheck } from "./plan";
import { DEFAULT_PROVIDER, resolveProfile, type ProviderProfile } from "./providers";
import { oneLine, redact } from "./redact";
import { redactUrl } from "../util/url";
import { backoffMs, classifyFailure, retryAfterWait, type Wait } from "./retry";
import { Spend } from "./spend";
import { createAgents, postJson } from "./transport";
import type { CallResult, ModelClientOptions, PreparedRequest, RetryInfo } from "./types";
import { callVotes, type VotesOptions, type VotesResult } from "./votes";

const DEFAULTS = { concurrency: 16, timeoutMs: 120_000, maxAttempts: 6, maxRateLimitRetries: 20, retryBaseMs: 1000, retryMaxMs: 60_000 };

/**
 * What one HTTP attempt came to: a reply (ok), or a failure classified.
 * One flat shape (not a union): tslab compiles the library without
 * strictNullChecks, where `if (x.ok)` does not narrow a union.
 */
interface Attempt {
  ok: boolean;
  reply: ProviderReply | null;
  cancelled: boolean;
  kind: "transient" | "permanent" | "fatal";
  fatal: FatalReason | null;
  congestion: boolean;
  blocked: boolean;
  status: number | null;
  reason: string;
  retryAfterMs: number | null;
  /** The server's wait with its precision (whole seconds are rounded up). */
  wait: Wait | null;
  /** Usage of a 200 that was answered (and billed) but cannot be used. */
  billed: Usage | null;
  answered: boolean;
}

/**
 * A client for one endpoint.
 * @example
 * const client = new ModelClient({ baseURL: "https://api.anthropic.com/v1", apiKey: key, provider: "anthropic", cacheDir: ".afw-cache" });
 * const r = await client.call("claude-sonnet-4-5", { api: "chat", messages: [{ role: "user", content: "Hi" }], params: { temperature: 0, max_tokens: 50 } }, 0);
 * if (client.fatal) throw client.fatal; // stop the run: one line, exit code 3
 * else if (r.error) console.log(r.error_kind, r.error); else console.log(r.outcome, r.texts[0]);
 */
export class ModelClient {
  /** The provider profile requests go through. */
  readonly profile: ProviderProfile;
  readonly baseURL: string;
  /** Money spent through this client, per model (manifest.spend = client.spend.rows()). */
  readonly spend: Spend;
  private readonly apiKey: string;
  private readonly pacer: Pacer;
  private readonly cache: ResponseCache | null;
  private readonly agents: ReturnType<typeof createAgents>;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRateLimitRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly allow: readonly Override[];
  private readonly providerOrder: readonly string[] | null;
  private readonly urlScope: string | null;
  private readonly unsent = new Map<string, string[]>();
  private readonly reasoningEffort: string | null;
  private readonly thinkingBudget: number | null;
  private readonly promptCache: boolean;
  private readonly anthropicVersion: string;
  private readonly today: string;
  private readonly onRetry: ModelClientOptions["onRetry"];
  private readonly onFatal: ModelClientOptions["onFatal"];
  private readonly onWarning: ModelClientOptions["onWarning"];
  private readonly stopper = new AbortController();
  private fatalErr: FatalProviderError | null = null;
  private readonly checks = new Map<string, PlanCheck>();
  private readonly warned = new Set<string>();
  /** n support learnt per model at this endpoint (see votes.ts). */
  readonly nSupport = new Map<string, boolean>();
  /** The first n-request per model in flight (others wait for its answer). */
  readonly nProbes = new Map<string, Promise<void>>();
  private readonly t: UsageTotals = { requests: 0, cached: 0, retries: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 };
  private cachedPromptTokens = 0;
  private cachedCompletionTokens = 0;

  constructor(opts: ModelClientOptions) {
    if (!opts || typeof opts.baseURL !== "string" || !/^https?:\/\//i.test(opts.baseURL)) {
      throw new AfwError(`model base URL must start with http:// or https://, got ${JSON.stringify(opts?.baseURL)}`);
    }
    this.baseURL = opts.baseURL.replace(/\/+$/, "");
    this.profile = resolveProfile(opts.provider, this.baseURL);
    this.apiKey = typeof opts.apiKey === "string" && opts.apiKey !== "" ? opts.apiKey : "EMPTY";
    const concurrency = positiveInt("concurrency", opts.concurrency ?? DEFAULTS.concurrency);
    this.timeoutMs = positiveInt("timeoutMs", Math.round(opts.timeoutMs ?? DEFAULTS.timeoutMs));
    this.maxAttempts = positiveInt("maxAttempts", opts.maxAttempts ?? DEFAULTS.maxAttempts);
    this.maxRateLimitRetries = nonNegative("maxRateLimitRetries", opts.maxRateLimitRetries ?? DEFAULTS.maxRateLimitRetries);
    this.retryBaseMs = nonNegative("retryBaseMs", opts.retryBaseMs ?? DEFAULTS.retryBaseMs);
    this.retryMaxMs = nonNegative("retryMaxMs", opts.retryMaxMs ?? DEFAULTS.retryMaxMs);
    const mode = opts.rateControl ?? "adaptive";
    if (mode !== "adaptive" && mode !== "fixed") throw new AfwError(`model client option rateControl must be "adaptive" or "fixed", got ${JSON.stringify(mode)}`);
    this.pacer = new Pacer(concurrency, mode);
    this.cache = opts.cacheDir ? new ResponseCache(opts.cacheDir) : null;
    this.agents = createAgents(concurrency);
    this.allow = opts.allow ?? [];
    this.providerOrder = opts.providerOrder && opts.providerOrder.length ? [...opts.providerOrder] : null;
    const own = this.profile.baseURL ? this.profile.baseURL.replace(/\/+$/, "") : null;
    this.urlScope = opts.cacheScope !== undefined ? opts.cacheScope : own !== null && own.toLowerCase() === this.baseURL.toLowerCase() ? null : redactUrl(this.baseURL);
    if (this.providerOrder && !this.profile.pinnable) throw new AfwError(`--provider-order needs a router that takes a provider pin (openrouter), not ${this.profile.name}`);
    this.reasoningEffort = opts.reasoningEffort ?? null;
    this.thinkingBudget = opts.thinkingBudget ?? null;
    this.promptCache = opts.promptCache ?? true;
    this.anthropicVersion = opts.anthropicVersion ?? "2023-06-01";
    this.today = opts.today ?? todayIso();
    this.onRetry = opts.onRetry;
    this.onFatal = opts.onFatal;
    this.onWarning = opts.onWarning;
    this.spend = new Spend();
    // Every request in flight and every waiter listens to the stop signal: no listener limit.
    setMaxListeners(0, this.stopper.signal);
    if (opts.signal) {
      const ext = opts.signal;
      if (ext.aborted) this.stopper.abort(ext.reason);
      else ext.addEventListener("abort", () => this.stop(ext.reason), { once: true });
    }
  }

  /** The fatal error that stopped the client, or null. */
  get fatal(): FatalProviderError | null {
    return this.fatalErr;
  }

  /** Aborted when the client stops (a fatal error, stop(), or the caller's signal). */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Throw the fatal error if the client stopped on one. */
  throwIfFatal(): void {
    if (this.fatalErr) throw this.fatalErr;
  }

  /** Stop from outside: cancel requests in flight, send nothing more. */
  stop(reason: unknown = new Error("stopped")): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort(reason);
    this.pacer.drain(reason);
  }

  /**
   * Check a request against the profile and the model before sending (memoised
   * per model and request shape). Planners call it to refuse a run up front.
   */
  check(model: string, req: Request): PlanCheck {
    const last = req.api === "chat" && req.messages?.length ? req.messages[req.messages.length - 1] : null;
    const shape = [
      model,
      req.api,
      last?.role === "assistant" ? `prefill:${/\s$/.test(last.content) ? "ws" : "ok"}` : "",
      req.params?.temperature,
      req.params?.n ?? "",
      req.params?.seed === undefined ? "" : "seed",
    ].join("\u0000");
    let c = this.checks.get(shape);
    if (!c) {
      c = checkRequest(this.profile, model, req, { allow: this.allow, today: this.today, reasoningEffort: this.reasoningEffort, baseURL: this.baseURL, thinkingBudget: this.thinkingBudget });
      this.checks.set(shape, c);
      // A refused request says only why it was refused (one line); its warnings come with a request that is sent.
      if (c.ok) for (const w of c.warnings) this.warn(w);
    }
    return c;
  }

  /**
   * Send one request (or serve it from the cache). Resolves, never rejects.
   * `sampleIndex` tells repeated samples of the same request apart in the cache.
   */
  async call(model: string, req: Request, sampleIndex: number): Promise<CallResult> {
    const start = performance.now();
    let attempts = 0;
    const discarded = { attempts: 0, usage: null as Usage | null };
    try {
      if (this.fatalErr) return this.cancelled(`not sent: ${this.fatalErr.message}`, 0, start, discarded);
      if (this.stopper.signal.aborted) return this.cancelled("not sent: the client was stopped", 0, start, discarded);
      if (req.api === "chat" ? !Array.isArray(req.messages) : typeof req.prompt !== "string") {
        return this.fail(model, "bad request: chat requests need messages, completions requests need a prompt", "permanent", null, 0, start, discarded);
      }
      const key = this.cacheKey(model, req, sampleIndex);
      if (key) {
        const hit = this.cacheLookup(key);
        if (hit) {
          const t = this.t;
          t.requests++;
          t.cached++;
          if (hit.usage) {
            t.prompt_tokens += hit.usage.prompt_tokens;
            t.completion_tokens += hit.usage.completion_tokens;
            this.cachedPromptTokens += hit.usage.prompt_tokens;
            this.cachedCompletionTokens += hit.usage.completion_tokens;
          }
          return this.success(hit, true, 0, start, discarded, model);
        }
      }

      // Checked after the cache: an answer already stored needs no provider (a retired judge's cached verdicts stay usable).
      const chk = this.check(model, req);
      if (!chk.ok || (this.profile.wire === "anthropic" && req.api !== "chat")) {
        const why = chk.refusal ?? `${this.profile.name} has no completions endpoint`;
        this.setFatal(new FatalProviderError(`${this.profile.label}: ${why}`, "plan", this.profile.name));
        return this.fail(model, why, "fatal", null, 0, start, discarded);
      }
      let errorAttempts = 0;
      let rateRetries = 0;
      for (;;) {
        attempts++;
        let ticket: Ticket;
        try {
          ticket = await this.pacer.acquire(this.stopper.signal);
        } catch {
          return this.cancelled(this.stopLine(), attempts - 1, start, discarded);
        }
        let out: Attempt;
        try {
          out = await this.attempt(model, req, chk);
        } catch (e) {
          this.pacer.release(ticket, "other");
          throw e;
        }
        this.pacer.release(ticket, out.ok ? "ok" : out.congestion ? "congestion" : "other");
        if (out.ok && out.reply) {
          const reply = out.reply;
          if (key) this.remember(key, model, req, reply);
          this.t.retries += attempts - 1;
          return this.success(reply, false, attempts, start, discarded, model);
        }
        if (out.cancelled) return this.cancelled(this.stopLine(), attempts, start, discarded);
        if (out.answered) {
          discarded.attempts++;
          if (out.billed) discarded.usage = addUsage(discarded.usage, out.billed);
        }
        const reason = redact(out.reason, this.apiKey);
        if (out.blocked) {
          // The provider refused to pass the input on (OpenRouter moderation): a recorded outcome.
          this.t.retries += attempts - 1;
          return this.success(
            { choices: [{ text: "", finish_reason: `blocked: ${reason}`, outcome: "blocked", reasoning: null, refusal: reason }], usage: null, model_snapshot: null, upstream_provider: null },
            false,
            attempts,
            start,
            discarded,
            model,
          );
        }
        if (out.kind === "fatal") {
          this.setFatal(new FatalProviderError(`${this.profile.label}: ${reason}`, out.fatal ?? "refused", this.profile.name, out.status));
          return this.fail(model, reason, "fatal", out.status, attempts, start, discarded);
        }
        if (out.kind === "permanent") return this.fail(model, reason, "permanent", out.status, attempts, start, discarded);

        let delayMs: number;
        if (out.congestion && this.pacer.mode === "adaptive") {
          rateRetries++;
          if (rateRetries > this.maxRateLimitRetries) {
            return this.fail(model, `${reason} (gave up after ${attempts} attempts)`, "transient", out.status, attempts, start, discarded);
          }
          // The whole client waits what the provider certainly means: a precise wait as given; a
          // whole-second retry-after (rounded up) one second less; the learnt rate paces the rest.
          const w = out.wait;
          const shared = w === null ? backoffMs(rateRetries, this.retryBaseMs, this.retryMaxMs) : w.precise ? w.ms : Math.max(0, w.ms - 1000);
          delayMs = Math.min(shared, this.retryMaxMs);
          this.pacer.pause(delayMs);
        } else {
          errorAttempts++;
          if (errorAttempts >= this.maxAttempts) {
            const msg = attempts > 1 ? `${reason} (gave up after ${attempts} attempts)` : reason;
            return this.fail(model, msg, "transient", out.status, attempts, start, discarded);
          }
          delayMs = out.retryAfterMs != null ? Math.min(out.retryAfterMs, this.retryMaxMs) : backoffMs(errorAttempts, this.retryBaseMs, this.retryMaxMs);
        }
        this.tellRetry({ model, sampleIndex, attempt: attempts, delayMs, status: out.status, reason });
        if (!(out.congestion && this.pacer.mode === "adaptive") && delayMs > 0) {
          if (!(await sleep(delayMs, this.stopper.signal))) return this.cancelled(this.stopLine(), attempts, start, discarded);
        }
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return this.fail(model, redact(oneLine(`internal error: ${msg}`), this.apiKey), "transient", null, attempts, start, discarded);
    }
  }

  /** call(), but a fatal error throws the FatalProviderError (for loops that stop on the first one). */
  async callOrThrow(model: string, req: Request, sampleIndex: number): Promise<CallResult> {
    const r = await this.call(model, req, sampleIndex);
    this.throwIfFatal();
    return r;
  }

  /**
   * `n` answers to one request: one request with `n` when the provider takes
   * it, else (or when that request fails for any non-fatal reason, or returns
   * fewer choices) one request per vote; what worked is remembered per model.
   */
  callVotes(model: string, req: Request, n: number, opts: VotesOptions = {}): Promise<VotesResult> {
    return callVotes(this, model, req, n, opts);
  }

  /**
   * Totals so far. `requests` counts finished calls (cache hits included),
   * `cached` the hits among them, `retries` the extra HTTP attempts, `errors`
   * the calls that failed for good. Token counts include cache hits (the
   * tokens their stored answers took when first made); see cachedTokens().
   */
  totals(): UsageTotals {
    return { ...this.t };
  }

  /** Tokens of the answers served from the cache: subtract from totals() to get what was spent now. */
  cachedTokens(): { prompt_tokens: number; completion_tokens: number } {
    return { prompt_tokens: this.cachedPromptTokens, completion_tokens: this.cachedCompletionTokens };
  }

  /** HTTP requests in flight right now (never above the concurrency limit). */
  get inFlight(): number {
    return this.pacer.inFlight;
  }

  /** How the pace went: the concurrency limit, the learnt rate (requests/s; null while unpaced), times it was cut, its lowest, shared pauses. */
  pace(): { limit: number; ceiling: number; rate: number | null; cuts: number; lowestRate: number | null; pauses: number } {
    return { limit: this.pacer.limit, ceiling: this.pacer.ceiling, rate: this.pacer.rate, cuts: this.pacer.cuts, lowestRate: this.pacer.lowestRate, pauses: this.pacer.pauses };
  }

  /**
   * The request as the provider gets it: the plan check, and the JSON body
   * call() sends (a batch line carries the same body, byte for byte), or the
   * refusal when the plan check refuses it. `path` is the endpoint below the
   * base URL ("/chat/completions", "/completions", "/messages").
   */
  prepare(model: string, req: Request): PreparedRequest {
    const check = this.check(model, req);
    const path = this.profile.wire === "anthropic" ? "/messages" : req.api === "chat" ? "/chat/completions" : "/completions";
    if (!check.ok || (this.profile.wire === "anthropic" && req.api !== "chat")) {
      return { check, refusal: check.refusal ?? `${this.profile.name} has no completions endpoint`, body: null, path };
    }
    return { check, refusal: null, body: this.bodyOf(model, req, check), path };
  }

  /**
   * Read a 200 body exactly as call() does. Throws MalformedResponseError or
   * UpstreamError for a body that is not a usable reply.
   */
  readReply(model: string, req: Request, data: unknown): ProviderReply {
    if (this.profile.wire === "anthropic") return parseAnthropicBody(data);
    return parseOpenAIBody(req.api, data, { thinkClosingOnly: this.check(model, req).traits.thinkTag });
  }

  /** The response-cache key of a call, or null when the client has no cache. */
  cacheKey(model: string, req: Request, sampleIndex: number): string | null {
    return this.cache ? requestCacheKey(this.cacheScope(model), req, sampleIndex) : null;
  }

  /** The stored answer under `key`, or null (a miss, or no cache). Counts nothing. */
  cacheLookup(key: string): ProviderReply | null {
    const hit = this.cache?.get(key);
    if (!hit) return null;
    const choices: ChoiceResult[] =
      hit.choices ?? hit.texts.map((text, i) => ({ text, finish_reason: hit.finish_reasons[i], outcome: outcomeOf(hit.finish_reasons[i], null), reasoning: null, refusal: null }));
    return { choices, usage: hit.usage, model_snapshot: hit.model_snapshot ?? null, upstream_provider: hit.upstream_provider ?? null };
  }

  /** Store an answer under `key` (no-op without a cache). Batch results use it so that a later synchronous rerun is served from the cache. */
  remember(key: string, model: string, req: Request, r: ProviderReply): void {
    this.cache?.put({
      v: 1,
      key,
      api: req.api,
      model,
      texts: r.choices.map((c) => c.text),
      finish_reasons: r.choices.map((c) => c.finish_reason),
      usage: r.usage,
      choices: r.choices,
      model_snapshot: r.model_snapshot,
      upstream_provider: r.upstream_provider,
    });
  }

  /**
   * The request's parameters the body this client sends leaves out (so the
   * provider's default applies), e.g. ["temperature"] for a reasoning model
   * sent with --allow temperature, ["seed"] at Anthropic; [] when the request
   * is refused or everything is sent. Memoised per model and parameter shape.
   */
  paramsNotSent(model: string, req: Request): string[] {
    const p: Record<string, unknown> = req.params ?? {};
    const shape = `${model}\u0000${req.api}\u0000${Object.keys(p).filter((k) => p[k] !== undefined).sort().join(",")}\u0000${String(p.temperature)}`;
    let r = this.unsent.get(shape);
    if (!r) {
      const chk = this.check(model, req);
      r = chk.ok ? paramsNotSent(req, this.bodyOf(model, req, chk)) : [];
      this.unsent.set(shape, r);
    }
    return r;
  }

  /** The body of a checked request (shared by call() and prepare()). */
  private bodyOf(model: string, req: Request, chk: PlanCheck): Record<string, unknown> {
    const bodyOpts = { dropTemperature: chk.dropTemperature, reasoningEffort: this.reasoningEffort, providerOrder: this.providerOrder, promptCache: this.promptCache, thinkingBudget: this.thinkingBudget };
    return this.profile.wire === "anthropic" ? buildAnthropicBody(model, req, bodyOpts) : buildOpenAIBody(this.profile, chk.traits, model, req, bodyOpts);
  }

  /**
   * Cache keys are scoped by provider, by the endpoint's address when it is
   * not the provider's own (see ModelClientOptions.cacheScope), and by pin
   * and effort, so that one endpoint's answer is never served for another's.
   */
  private cacheScope(model: string): string {
    const parts: string[] = [];
    if (this.profile.name !== DEFAULT_PROVIDER) parts.push(this.profile.name);
    if (this.urlScope) parts.push(`url=${this.urlScope}`);
    if (this.providerOrder) parts.push(`order=${this.providerOrder.join(",")}`);
    if (this.reasoningEffort) parts.push(`effort=${this.reasoningEffort}`);
    if (this.thinkingBudget) parts.push(`thinking=${this.thinkingBudget}`);
    return parts.length ? `${parts.join("\u0000")}\u0000${model}` : model;
  }

  private endpoint(req: Request): string {
    if (this.profile.wire === "anthropic") return `${this.baseURL}/messages`;
    return `${this.baseURL}/${req.api === "chat" ? "chat/completions" : "completions"}`;
  }

  private headers(): Record<string, string> {
    if (this.profile.wire === "anthropic") return { "x-api-key": this.apiKey, "anthropic-version": this.anthropicVersion, "user-agent": "af-workbook" };
    return { authorization: `Bearer ${this.apiKey}`, "user-agent": "af-workbook" };
  }

  /** One HTTP attempt with its timeout guard, read and classified. */
  private async attempt(model: string, req: Request, chk: PlanCheck): Promise<Attempt> {
    const ac = new AbortController();
    let timedOut = false;
    const onStop = () => ac.abort();
    this.stopper.signal.addEventListener("abort", onStop, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.timeoutMs);
    const body = this.bodyOf(model, req, chk);
    const failed = (kind: "transient" | "permanent" | "fatal", reason: string, extra: Partial<Attempt> = {}): Attempt => ({
      ok: false,
      reply: null,
      cancelled: false,
      kind,
      fatal: null,
      congestion: false,
      blocked: false,
      status: null,
      reason,
      retryAfterMs: null,
      wait: null,
      billed: null,
      answered: false,
      ...extra,
    });
    try {
      let raw;
      try {
        raw = await postJson(this.endpoint(req), this.headers(), body, ac.signal, this.agents);
      } catch (e) {
        if (this.stopper.signal.aborted && !timedOut) return failed("transient", "cancelled", { cancelled: true });
        const f = classifyFailure(e, timedOut, this.timeoutMs);
        return failed("transient", f.reason);
      }
      if (raw.status >= 200 && raw.status < 300) {
        let data: unknown;
        try {
          data = JSON.parse(raw.text);
        } catch {
          return failed("transient", "malformed response: body is not JSON", { answered: true, status: raw.status });
        }
        try {
          const reply = this.readReply(model, req, data);
          return { ...failed("transient", ""), ok: true, reply };
        } catch (e) {
          if (e instanceof MalformedResponseError || e instanceof UpstreamError) {
            return failed("transient", e.message, { answered: true, billed: e.usage, status: raw.status });
          }
          throw e;
        }
      }
      const cls = classifyHttpError(raw.status, readErrorBody(raw.text), this.profile.name);
      const wait = cls.kind === "transient" ? retryAfterWait(raw.headers) : null;
      return failed(cls.kind, cls.reason, {
        fatal: cls.fatal,
        congestion: cls.congestion,
        blocked: cls.blocked,
        status: raw.status,
        retryAfterMs: wait ? wait.ms : null,
        wait,
      });
    } finally {
      clearTimeout(timer);
      this.stopper.signal.removeEventListener("abort", onStop);
    }
  }

  private setFatal(err: FatalProviderError): void {
    if (this.fatalErr) return;
    this.fatalErr = err;
    try {
      this.onFatal?.(err);
    } catch {
      /* a listener's bug must not break the stop */
    }
    this.stop(err);
  }

  private stopLine(): string {
    return this.fatalErr ? `cancelled: ${this.fatalErr.message}` : "cancelled: the client was stopped";
  }

  private warn(line: string): void {
    if (this.warned.has(line)) return;
    this.warned.add(line);
    try {
      this.onWarning?.(line);
    } catch {
      /* ignore */
    }
  }

  private tellRetry(info: RetryInfo): void {
    if (!this.onRetry) return;
    try {
      this.onRetry(info);
    } catch {
      /* a listener's bug must not break the call */
    }
  }

  private success(r: ProviderReply, cached: boolean, attempts: number, start: number, discarded: CallResult["discarded"], model: string): CallResult {
    const t = this.t;
    if (!cached) {
      t.requests++;
      if (r.usage) {
        t.prompt_tokens += r.usage.prompt_tokens;
        t.completion_tokens += r.usage.completion_tokens;
      }
    }
    const first = r.choices[0];
    const res: CallResult = {
      texts: r.choices.map((c) => c.text),
      usage: r.usage,
      cached,
      attempts,
      latency_ms: elapsed(start),
      error: null,
      finish_reasons: r.choices.map((c) => c.finish_reason),
      choices: r.choices,
      outcome: first ? first.outcome : "reply",
      error_kind: null,
      cancelled: false,
      provider: this.profile.name,
      upstream_provider: r.upstream_provider,
      model_snapshot: r.model_snapshot,
      reasoning: first?.reasoning ?? null,
      status: null,
      discarded,
    };
    this.spend.add(model, this.profile.name, res);
    return res;
  }

  private fail(model: string, message: string, kind: "transient" | "permanent" | "fatal", status: number | null, attempts: number, start: number, discarded: CallResult["discarded"]): CallResult {
    const t = this.t;
    t.requests++;
    t.errors++;
    if (attempts > 1) t.retries += attempts - 1;
    const res = this.empty(message, attempts, start, discarded);
    res.error_kind = kind;
    res.status = status;
    if (discarded.attempts) this.spend.add(model, this.profile.name, res);
    return res;
  }

  private cancelled(message: string, attempts: number, start: number, discarded: CallResult["discarded"]): CallResult {
    const res = this.empty(message, attempts, start, discarded);
    res.error_kind = "transient";
    res.cancelled = true;
    return res;
  }

  private empty(message: string, attempts: number, start: number, discarded: CallResult["discarded"]): CallResult {
    return {
      texts: [],
      usage: null,
      cached: false,
      attempts,
      latency_ms: elapsed(start),
      error: message,
      finish_reasons: [],
      choices: [],
      outcome: "failed",
      error_kind: "transient",
      cancelled: false,
      provider: this.profile.name,
      upstream_provider: null,
      model_snapshot: null,
      reasoning: null,
      status: null,
      discarded,
    };
  }
}

function addUsage(a: Usage | null, b: Usage): Usage {
  if (!a) return { ...b };
  const out: Usage = { prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: a.total_tokens + b.total_tokens };
  for (const k of ["cached_prompt_tokens", "cache_creation_tokens", "reasoning_tokens", "cost_usd"] as const) {
    if (a[k] !== undefined || b[k] !== undefined) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  }
  return out;
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** Sleep; resolves false early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new AfwError(`model client option ${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new AfwError(`model client option ${name} must be a number >= 0, got ${v}`);
  return v;
}
