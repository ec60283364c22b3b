/**
 * ModelClient: the one door to models. It sends chat or completions requests
 * to any OpenAI-compatible server through the openai SDK (whose own retries
 * are switched off), caps requests in flight, retries transient failures
 * with backoff, caches answers on disk, and adds up token usage.
 *
 * Prefills: when a chat request ends with an assistant message, it is sent
 * as is. Only some servers continue such a message (e.g. Anthropic-style
 * proxies, or vLLM with continue_final_message); OpenAI's own API treats it
 * as a finished turn and answers after it.
 */
import OpenAI from "openai";
import type { Params, Request, UsageTotals } from "../schema/index";
import { AfwError } from "../util/errors";
import { ResponseCache, requestCacheKey } from "./cache";
import { extractCompletion, type Extracted } from "./extract";
import { oneLine, redact } from "./redact";
import { backoffMs, classifyFailure, type AttemptFailure } from "./retry";
import { Semaphore } from "./semaphore";
import { createNodeFetch } from "./transport";
import type { CallResult, ModelClientOptions, RetryInfo } from "./types";

const DEFAULTS = { concurrency: 16, timeoutMs: 120_000, maxAttempts: 6, retryBaseMs: 1000, retryMaxMs: 60_000 };

/**
 * A client for one OpenAI-compatible endpoint.
 * @example
 * const client = new ModelClient({ baseURL: "http://127.0.0.1:8000/v1", apiKey: "x", cacheDir: ".afw-cache" });
 * const r = await client.call("my-model", { api: "chat", messages: [{ role: "user", content: "Hi" }], params: { temperature: 0, max_tokens: 50 } }, 0);
 * if (r.error) console.log(r.error); else console.log(r.texts[0]);
 */
export class ModelClient {
  private readonly openai: OpenAI;
  private readonly apiKey: string;
  private readonly sem: Semaphore;
  private readonly cache: ResponseCache | null;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  private readonly t: UsageTotals = { requests: 0, cached: 0, retries: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0 };
  private cachedPromptTokens = 0;
  private cachedCompletionTokens = 0;

  constructor(opts: ModelClientOptions) {
    if (!opts || typeof opts.baseURL !== "string" || !/^https?:\/\//i.test(opts.baseURL)) {
      throw new AfwError(`model base URL must start with http:// or https://, got ${JSON.stringify(opts?.baseURL)}`);
    }
    this.apiKey = typeof opts.apiKey === "string" && opts.apiKey !== "" ? opts.apiKey : "EMPTY";
    const concurrency = positiveInt("concurrency", opts.concurrency ?? DEFAULTS.concurrency);
    this.timeoutMs = positiveInt("timeoutMs", Math.round(opts.timeoutMs ?? DEFAULTS.timeoutMs));
    this.maxAttempts = positiveInt("maxAttempts", opts.maxAttempts ?? DEFAULTS.maxAttempts);
    this.retryBaseMs = nonNegative("retryBaseMs", opts.retryBaseMs ?? DEFAULTS.retryBaseMs);
    this.retryMaxMs = nonNegative("retryMaxMs", opts.retryMaxMs ?? DEFAULTS.retryMaxMs);
    this.onRetry = opts.onRetry;
    this.sem = new Semaphore(concurrency);
    this.cache = opts.cacheDir ? new ResponseCache(opts.cacheDir) : null;
    this.openai = new OpenAI({
      baseURL: opts.baseURL,
      apiKey: this.apiKey,
      maxRetries: 0,
      timeout: this.timeoutMs,
      fetch: createNodeFetch(concurrency),
      // The SDK's debug logs redact headers, but logs are not ours to emit: keep them off.
      logLevel: "off",
    });
  }

  /**
   * Send one request (or serve it from the cache). Resolves, never rejects:
   * a call that fails for good has `error` set to one line and `texts: []`.
   * `sampleIndex` tells repeated samples of the same request apart in the cache.
   */
  async call(model: string, req: Request, sampleIndex: number): Promise<CallResult> {
    const start = performance.now();
    let attempts = 0;
    try {
      if (req.api === "chat" ? !Array.isArray(req.messages) : typeof req.prompt !== "string") {
        return this.fail("bad request: chat requests need messages, completions requests need a prompt", 0, start);
      }
      const key = this.cache ? requestCacheKey(model, req, sampleIndex) : null;
      if (this.cache && key) {
        const hit = this.cache.get(key);
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
          return { texts: hit.texts, usage: hit.usage, cached: true, attempts: 0, latency_ms: elapsed(start), error: null, finish_reasons: hit.finish_reasons };
        }
      }

      for (;;) {
        attempts++;
        const outcome = await this.attempt(model, req);
        if (!("retryable" in outcome)) {
          if (this.cache && key) {
            this.cache.put({ v: 1, key, api: req.api, model, texts: outcome.texts, finish_reasons: outcome.finish_reasons, usage: outcome.usage });
          }
          const t = this.t;
          t.requests++;
          t.retries += attempts - 1;
          if (outcome.usage) {
            t.prompt_tokens += outcome.usage.prompt_tokens;
            t.completion_tokens += outcome.usage.completion_tokens;
          }
          return { texts: outcome.texts, usage: outcome.usage, cached: false, attempts, latency_ms: elapsed(start), error: null, finish_reasons: outcome.finish_reasons };
        }
        const reason = redact(outcome.reason, this.apiKey);
        if (!outcome.retryable || attempts >= this.maxAttempts) {
          const msg = attempts > 1 ? `${reason} (gave up after ${attempts} attempts)` : reason;
          return this.fail(msg, attempts, start);
        }
        const delayMs =
          outcome.retryAfterMs != null ? Math.min(outcome.retryAfterMs, this.retryMaxMs) : backoffMs(attempts, this.retryBaseMs, this.retryMaxMs);
        if (this.onRetry) {
          try {
            this.onRetry({ model, sampleIndex, attempt: attempts, delayMs, status: outcome.status, reason });
          } catch {
            /* a listener's bug must not break the call */
          }
        }
        if (delayMs > 0) await sleep(delayMs);
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return this.fail(redact(oneLine(`internal error: ${msg}`), this.apiKey), attempts, start);
    }
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
    return this.sem.inUse;
  }

  /** One HTTP attempt: a slot, the request with its timeout guard, and a shape check of the body. */
  private async attempt(model: string, req: Request): Promise<Extracted | AttemptFailure> {
    await this.sem.acquire();
    const ac = new AbortController();
    let timedOut = false;
    // The SDK's timeout covers the wait for headers only; this guard also covers a stalled body.
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.timeoutMs);
    try {
      const body = await this.send(model, req, ac.signal);
      return extractCompletion(req.api, body);
    } catch (e) {
      return classifyFailure(e, timedOut, this.timeoutMs);
    } finally {
      clearTimeout(timer);
      this.sem.release();
    }
  }

  private send(model: string, req: Request, signal: AbortSignal): Promise<unknown> {
    const opts = { timeout: this.timeoutMs, maxRetries: 0, signal };
    const body: Record<string, unknown> = req.api === "chat" ? { model, messages: req.messages } : { model, prompt: req.prompt };
    addParams(body, req.params);
    if (req.api === "chat") {
      return this.openai.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, opts);
    }
    return this.openai.completions.create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming, opts);
  }

  private fail(message: string, attempts: number, start: number): CallResult {
    const t = this.t;
    t.requests++;
    t.errors++;
    if (attempts > 1) t.retries += attempts - 1;
    return { texts: [], usage: null, cached: false, attempts, latency_ms: elapsed(start), error: message, finish_reasons: [] };
  }
}

/** Copy the sampling parameters that are set onto the request body. */
function addParams(body: Record<string, unknown>, p: Params | undefined): void {
  if (!p) return;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.max_tokens !== undefined) body.max_tokens = p.max_tokens;
  if (p.top_p !== undefined) body.top_p = p.top_p;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.n !== undefined) body.n = p.n;
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new AfwError(`model client option ${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new AfwError(`model client option ${name} must be a number >= 0, got ${v}`);
  return v;
}
