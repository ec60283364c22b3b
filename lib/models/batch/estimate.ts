/**
 * What a sweep will cost, four ways, from the dated price table
 * (prices.ts): synchronous, synchronous with prompt caching, as a batch,
 * and as a batch with prompt caching.
 *
 * Tokens. OpenAI publishes its tokenizers: prompts for OpenAI models are
 * counted with js-tiktoken (o200k_base for the GPT-4o, GPT-4.1, GPT-4.5,
 * GPT-5 and o-series families, cl100k_base for GPT-4 and GPT-3.5), plus the
 * cookbook's chat framing of 3 tokens a message and 3 for the reply
 * (https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken).
 * Anthropic and the others publish none for their current models: their
 * counts are characters / 4 and every row says "approx". Output tokens are
 * the caller's guess.
 *
 * Caching (the system prompt is the shared prefix):
 * - Anthropic: the system prompt carries cache_control (plan.ts); the first
 *   request with a given system prompt writes it (1.25× input), later ones
 *   read it (0.1×) while the entry lives (5 minutes, refreshed on use); a
 *   prompt under the minimum cacheable length (1024 tokens; 2048 for Haiku
 *   models (?)) is not cached
 *   (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 * - OpenAI: prompts of 1024 tokens or more are cached automatically, in
 *   steps of 128 tokens, at the cached-input price; no write premium
 *   (https://platform.openai.com/docs/guides/prompt-caching).
 * - A synchronous sweep sends requests back to back, so every request after
 *   the first of its system prompt is taken as a cache hit.
 * - In a batch, hits are best effort: requests run in any order over hours.
 *   The batch estimate assumes a hit rate (default 0.3; Anthropic reports
 *   30–98% for batches that share a prefix (?)); a miss on Anthropic writes
 *   the cache again (1.25×), so caching in a batch can cost more than not
 *   caching when hits are rare: both numbers are printed.
 * Batches bill 50% of every price (both providers' batch pages).
 */
import type { Request } from "../../schema/index";
import { retirementOf, todayIso } from "../model-rules";
import { costOf, PRICE_TABLE, PRICE_TABLE_DATE, priceFor, type PricedTokens, type PriceRow } from "../prices";
import { findProfile } from "../providers";

/** One kind of request in a sweep. */
export interface EstimateRequest {
  model: string;
  /** Profile name: "openai", "anthropic", … (prices and batch availability depend on it). */
  provider: string;
  request: Request;
  /** How many times it is sent (samples). Default 1. */
  count?: number;
  /** Expected output tokens per request (a guess). */
  completionTokens: number;
}

export interface EstimateOptions {
  /** Share of batch requests that hit the prompt cache. Default 0.3. */
  batchCacheHitRate?: number;
  table?: readonly PriceRow[];
  /** YYYY-MM-DD, for retirement notes. Default today. */
  today?: string;
}

/** Dollars four ways (null when the model has no price, or no batch API here). */
export interface ModelCost {
  model: string;
  provider: string;
  requests: number;
  promptTokens: number;
  /** Prompt tokens in the cacheable prefix (the system prompt), over all requests. */
  cacheableTokens: number;
  completionTokens: number;
  /** "o200k_base", "cl100k_base", or "approx (chars/4)". */
  tokenizer: string;
  exact: boolean;
  batch: boolean;
  priceSource: string | null;
  usd: { sync: number | null; syncCached: number | null; batch: number | null; batchCached: number | null };
  notes: string[];
}

export interface CostEstimate {
  rows: ModelCost[];
  total: { sync: number; syncCached: number; batch: number; batchCached: number; unpriced: string[] };
  priceDate: string;
  batchCacheHitRate: number;
}

/** Providers whose batch API the workbench drives (lib/models/batch). */
const BATCH = new Set(["openai", "anthropic"]);

type Enc = { encode(text: string, allowed?: "all"): number[] };
const encodings = new Map<string, Enc>();

async function encodingFor(name: "o200k_base" | "cl100k_base"): Promise<Enc> {
  let e = encodings.get(name);
  if (!e) {
    const mod = await import("js-tiktoken");
    e = mod.getEncoding(name) as Enc;
    encodings.set(name, e);
  }
  return e;
}

/** The tokenizer of an OpenAI model id, or null (approximate). */
export function openaiEncodingOf(model: string): "o200k_base" | "cl100k_base" | null {
  const id = model.replace(/^openai\//, "");
  if (/^(ft:)?(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4-1(?!\d)|gpt-4\.5|gpt-4-5(?!\d)|gpt-5|o1|o3|o4)/.test(id)) return "o200k_base";
  if (/^(ft:)?(gpt-4|gpt-3\.5)/.test(id)) return "cl100k_base";
  return null;
}

/** The smallest prompt prefix Anthropic caches, by model (?: the docs list it per model family). */
function anthropicMinCache(model: string): number {
  return /haiku/i.test(model) ? 2048 : 1024;
}

/**
 * Estimate a sweep's cost. Async: the tokenizer loads on first use.
 * @example const e = await estimateSweepCost([{ model: "gpt-4o", provider: "openai", request, count: 400, completionTokens: 700 }]); e.rows[0].usd.batch
 */
export async function estimateSweepCost(reqs: readonly EstimateRequest[], o: EstimateOptions = {}): Promise<CostEstimate> {
  const h = o.batchCacheHitRate ?? 0.3;
  if (!(h >= 0 && h <= 1)) throw new Error(`batchCacheHitRate must be in [0, 1], got ${h}`);
  const table = o.table ?? PRICE_TABLE;
  interface Acc {
    model: string;
    provider: string;
    enc: "o200k_base" | "cl100k_base" | null;
    requests: number;
    prompt: number;
    completion: number;
    /** system prompt → [tokens, requests] */
    prefixes: Map<string, [number, number]>;
  }
  const accs = new Map<string, Acc>();
  const memo = new Map<string, Map<string, number>>();
  const count = async (enc: Acc["enc"], text: string): Promise<number> => {
    const k = enc ?? "approx";
    let m = memo.get(k);
    if (!m) memo.set(k, (m = new Map()));
    let n = m.get(text);
    if (n === undefined) {
      n = enc ? (await encodingFor(enc)).encode(text, "all").length : Math.ceil(text.length / 4);
      m.set(text, n);
    }
    return n;
  };
  for (const r of reqs) {
    const times = r.count ?? 1;
    if (!(Number.isInteger(times) && times >= 0)) throw new Error(`count must be a whole number >= 0, got ${times}`);
    const key = `${r.provider}\u0000${r.model}`;
    let a = accs.get(key);
    if (!a) {
      a = { model: r.model, provider: r.provider, enc: r.provider === "openai" ? openaiEncodingOf(r.model) : null, requests: 0, prompt: 0, completion: 0, prefixes: new Map() };
      accs.set(key, a);
    }
    let prompt = 0;
    let system = "";
    if (r.request.api === "chat") {
      for (const m of r.request.messages ?? []) {
        prompt += 3 + (await count(a.enc, m.role)) + (await count(a.enc, m.content));
        if (m.role === "system") system += (system ? "\n\n" : "") + m.content;
      }
      prompt += 3;
    } else {
      prompt = await count(a.enc, r.request.prompt ?? "");
    }
    a.requests += times;
    a.prompt += prompt * times;
    a.completion += r.completionTokens * times;
    if (system && times > 0) {
      const p = a.prefixes.get(system);
      if (p) p[1] += times;
      else a.prefixes.set(system, [await count(a.enc, system), times]);
    }
  }
  const rows: ModelCost[] = [];
  const total = { sync: 0, syncCached: 0, batch: 0, batchCached: 0, unpriced: [] as string[] };
  for (const a of accs.values()) {
    const row = priceFor(a.provider, a.model, table);
    const notes: string[] = [];
    const ret = retirementOf(findProfile(a.provider)?.vendors ?? [], a.model, o.today ?? todayIso());
    if (ret) notes.push(ret.state === "retired" ? `retired on ${ret.date}` : `shuts down on ${ret.date}`);
    const anthropic = a.provider === "anthropic";
    // Cacheable tokens per distinct system prompt.
    let cacheable = 0;
    let firstTokens = 0; // tokens of the first request of each prefix (write, or uncached)
    for (const [, [tok, n]] of a.prefixes) {
      let c = 0;
      if (anthropic) c = tok >= anthropicMinCache(a.model) ? tok : 0;
      else if (a.provider === "openai") c = tok >= 1024 ? Math.floor(tok / 128) * 128 : 0;
      cacheable += c * n;
      firstTokens += c;
    }
    if (a.provider !== "anthropic" && a.provider !== "openai") notes.push("prompt caching not modelled for this provider");
    const base: PricedTokens = { prompt_tokens: a.prompt, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: a.completion, reasoning_tokens: 0 };
    const syncCachedTokens: PricedTokens = anthropic
      ? { ...base, cache_creation_tokens: firstTokens, cached_prompt_tokens: cacheable - firstTokens }
      : { ...base, cached_prompt_tokens: cacheable - firstTokens };
    const hits = Math.round((cacheable - firstTokens) * h);
    const batchCachedTokens: PricedTokens = anthropic
      ? { ...base, cached_prompt_tokens: hits, cache_creation_tokens: cacheable - hits }
      : { ...base, cached_prompt_tokens: hits };
    const batch = BATCH.has(a.provider);
    if (!batch) notes.push(`no batch API driven here for ${a.provider}`);
    const usd = { sync: null as number | null, syncCached: null as number | null, batch: null as number | null, batchCached: null as number | null };
    if (row) {
      usd.sync = costOf(base, row.price);
      usd.syncCached = costOf(syncCachedTokens, row.price);
      if (batch) {
        usd.batch = costOf(base, row.price, 0.5);
        usd.batchCached = costOf(batchCachedTokens, row.price, 0.5);
      }
      if (!row.checked) notes.push("price not verified this time");
      total.sync += usd.sync;
      total.syncCached += usd.syncCached;
      total.batch += usd.batch ?? usd.syncCached;
      total.batchCached += usd.batchCached ?? usd.syncCached;
    } else {
      notes.push("no price known");
      total.unpriced.push(a.model);
    }
    rows.push({
      model: a.model,
      provider: a.provider,
      requests: a.requests,
      promptTokens: a.prompt,
      cacheableTokens: cacheable,
      completionTokens: a.completion,
      tokenizer: a.enc ?? "approx (chars/4)",
      exact: a.enc !== null,
      batch,
      priceSource: row ? `${PRICE_TABLE_DATE}${row.checked ? "" : " (unverified)"} ${row.source}` : null,
      usd,
      notes,
    });
  }
  return { rows, total, priceDate: PRICE_TABLE_DATE, batchCacheHitRate: h };
}

const money = (x: number | null) => (x === null ? "—" : `$${x < 10 ? x.toFixed(2) : x.toFixed(0)}`);
const int = (n: number) => n.toLocaleString("en-US");

/** The estimate as the dry-run prints it. */
export function formatEstimate(e: CostEstimate): string {
  const lines: string[] = [];
  const w = Math.max(5, ...e.rows.map((r) => r.model.length));
  lines.push(`${"model".padEnd(w)}  ${"provider".padEnd(9)}  ${"requests".padStart(8)}  ${"prompt tok".padStart(12)}  ${"cacheable".padStart(12)}  ${"output tok".padStart(11)}  tokens   ${"sync".padStart(8)}  ${"+cache".padStart(8)}  ${"batch".padStart(8)}  ${"batch+cache".padStart(11)}`);
  for (const r of e.rows) {
    lines.push(
      `${r.model.padEnd(w)}  ${r.provider.padEnd(9)}  ${int(r.requests).padStart(8)}  ${int(r.promptTokens).padStart(12)}  ${int(r.cacheableTokens).padStart(12)}  ${int(r.completionTokens).padStart(11)}  ${(r.exact ? "exact " : "approx").padEnd(6)}   ${money(r.usd.sync).padStart(8)}  ${money(r.usd.syncCached).padStart(8)}  ${money(r.usd.batch).padStart(8)}  ${money(r.usd.batchCached).padStart(11)}${r.notes.length ? `  (${r.notes.join("; ")})` : ""}`,
    );
  }
  const t = e.total;
  const saving = t.sync > 0 ? `; as batches ${(100 * (1 - Math.min(t.batch, t.batchCached) / t.sync)).toFixed(0)}% less than synchronous without caching, ${(100 * (1 - Math.min(t.batch, t.batchCached) / t.syncCached)).toFixed(0)}% less than with` : "";
  lines.push(`total: synchronous ${money(t.sync)}, with prompt caching ${money(t.syncCached)}, as batches ${money(t.batch)}, as batches with caching ${money(t.batchCached)}${t.unpriced.length ? ` + unpriced (${t.unpriced.join(", ")})` : ""}${saving}`);
  lines.push(
    `prices: table of ${e.priceDate} (lib/models/prices.ts); rows without a batch API count at their synchronous cached price in the batch totals; batch caching assumes a ${Math.round(e.batchCacheHitRate * 100)}% hit rate; "approx" token counts are characters / 4 (no public tokenizer); output tokens are a guess`,
  );
  return lines.join("\n");
}

/**
 * What --batch saves, as one line after the estimate: the best batch total
 * against the synchronous one with prompt caching (and without), or why
 * there is no batch at this provider. Null when nothing is priced.
 */
export function batchSavingLine(e: CostEstimate, provider: string | null): string | null {
  const t = e.total;
  if (provider && !BATCH.has(provider)) return `--batch: no batch API for ${provider} here; a run with --batch is refused (batches run at ${[...BATCH].join(" and ")})`;
  if (!(t.sync > 0)) return null;
  const best = Math.min(t.batch, t.batchCached);
  return `--batch: about $${best.toFixed(2)} instead of $${t.syncCached.toFixed(2)} synchronously with prompt caching ($${t.sync.toFixed(2)} without): ${(100 * (1 - best / t.syncCached)).toFixed(0)}% less${t.unpriced.length ? ` (unpriced: ${t.unpriced.join(", ")})` : ""}; answers within 24 hours`;
}
