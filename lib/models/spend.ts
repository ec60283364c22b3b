/**
 * Money actually spent, by model: the SpendRow[] a run's manifest records.
 * Answers served from the response cache cost nothing and are not counted;
 * attempts that were billed but discarded (a 200 with an upstream error or
 * a malformed body, then retried) are counted, tokens and all. Dollars come
 * from the provider's own reported cost when it gives one (OpenRouter's
 * usage.cost), else from the dated price table.
 */
import type { SpendRow, Usage } from "../schema/index";
import { costOf, PRICE_TABLE, PRICE_TABLE_DATE, priceFor, type PricedTokens, type PriceRow } from "./prices";

/** What Spend reads of a call. */
export interface SpendInput {
  cached: boolean;
  usage: Usage | null;
  discarded?: { attempts: number; usage: Usage | null };
}

interface Acc {
  model: string;
  provider: string;
  requests: number;
  discarded: number;
  all: PricedTokens;
  /** Tokens without a provider-reported cost, to price from the table. */
  unpriced: PricedTokens;
  providerUsd: number;
  providerPriced: boolean;
}

const zero = (): PricedTokens => ({ prompt_tokens: 0, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: 0, reasoning_tokens: 0 });

function addTokens(t: PricedTokens, u: Usage): void {
  t.prompt_tokens += u.prompt_tokens;
  t.cached_prompt_tokens += u.cached_prompt_tokens ?? 0;
  t.cache_creation_tokens += u.cache_creation_tokens ?? 0;
  t.completion_tokens += u.completion_tokens;
  t.reasoning_tokens += u.reasoning_tokens ?? 0;
}

const any = (t: PricedTokens) => t.prompt_tokens + t.completion_tokens > 0;

/**
 * An accumulator of spend per (model, provider).
 * @example
 * const s = new Spend();
 * s.add("claude-sonnet-4-5", "anthropic", { cached: false, usage: { prompt_tokens: 1e6, completion_tokens: 0, total_tokens: 1e6 } });
 * s.rows()[0].usd // 3
 */
export class Spend {
  private readonly acc = new Map<string, Acc>();
  private readonly discount: number;
  private readonly table: readonly PriceRow[];

  /** `discount`: share of list price paid (0.5 for batch APIs). */
  constructor(opts: { discount?: number; table?: readonly PriceRow[] } = {}) {
    this.discount = opts.discount ?? 1;
    if (!(this.discount > 0 && this.discount <= 1)) throw new Error(`discount must be in (0, 1], got ${this.discount}`);
    this.table = opts.table ?? PRICE_TABLE;
  }

  /** Count one call. Cache hits add nothing. */
  add(model: string, provider: string, r: SpendInput): void {
    if (r.cached) return;
    const kept = r.usage;
    const disc = r.discarded;
    if (!kept && !(disc && disc.attempts > 0)) return;
    const key = `${provider}\u0000${model}`;
    let a = this.acc.get(key);
    if (!a) {
      a = { model, provider, requests: 0, discarded: 0, all: zero(), unpriced: zero(), providerUsd: 0, providerPriced: false };
      this.acc.set(key, a);
    }
    const take = (u: Usage) => {
      addTokens(a!.all, u);
      if (u.cost_usd !== undefined) {
        a!.providerUsd += u.cost_usd;
        a!.providerPriced = true;
      } else addTokens(a!.unpriced, u);
    };
    if (kept) {
      a.requests++;
      take(kept);
    }
    if (disc && disc.attempts > 0) {
      a.discarded += disc.attempts;
      if (disc.usage) take(disc.usage);
    }
  }

  /** One row per (model, provider), in first-seen order. */
  rows(): SpendRow[] {
    const out: SpendRow[] = [];
    for (const a of this.acc.values()) {
      let usd: number | null = a.providerUsd;
      let source: string | null = a.providerPriced ? "provider" : null;
      if (any(a.unpriced)) {
        const row = priceFor(a.provider, a.model, this.table);
        if (row) {
          usd += costOf(a.unpriced, row.price, this.discount);
          const t = `table ${PRICE_TABLE_DATE}${row.checked ? "" : " (unverified)"}`;
          source = source ? `${source}+${t}` : t;
        } else {
          usd = null;
          source = null;
        }
      }
      out.push({
        model: a.model,
        provider: a.provider,
        requests: a.requests,
        discarded_attempts: a.discarded,
        prompt_tokens: a.all.prompt_tokens,
        cached_prompt_tokens: a.all.cached_prompt_tokens,
        cache_creation_tokens: a.all.cache_creation_tokens,
        completion_tokens: a.all.completion_tokens,
        reasoning_tokens: a.all.reasoning_tokens,
        usd: usd === null ? null : Math.round(usd * 1e9) / 1e9,
        price_source: source,
        discount: this.discount,
      });
    }
    return out;
  }

  /** Dollars over all rows; null when any row has no price. */
  totalUsd(): number | null {
    let t = 0;
    for (const r of this.rows()) {
      if (r.usd === null) return null;
      t += r.usd;
    }
    return Math.round(t * 1e9) / 1e9;
  }
}

const spendKey = (r: SpendRow) => `${r.role ?? ""}\u0000${r.provider ?? ""}\u0000${r.model}\u0000${r.discount ?? 1}`;
const COUNTS = ["requests", "discarded_attempts", "prompt_tokens", "cached_prompt_tokens", "cache_creation_tokens", "completion_tokens", "reasoning_tokens"] as const;

function joinSources(a: string | null, b: string | null): string | null {
  const parts = [...new Set([...(a ? a.split("; ") : []), ...(b ? b.split("; ") : [])])];
  return parts.length ? parts.join("; ") : null;
}

/**
 * Spend rows added up: rows of the same role, provider, model and discount
 * are summed (dollars stay null when either side has no price); the others
 * are kept, in first-seen order. For a resumed run (the manifest's earlier
 * spend plus this session's) and for a judge's spend added to a run's.
 * @example manifest.spend = mergeSpend(previous.spend ?? [], withRole(client.spend.rows(), "subject"))
 */
export function mergeSpend(a: readonly SpendRow[], b: readonly SpendRow[]): SpendRow[] {
  const out = new Map<string, SpendRow>();
  for (const r of [...a, ...b]) {
    const k = spendKey(r);
    const prev = out.get(k);
    if (!prev) {
      out.set(k, { ...r });
      continue;
    }
    for (const c of COUNTS) prev[c] = (prev[c] ?? 0) + (r[c] ?? 0);
    prev.usd = prev.usd === null || r.usd === null ? null : Math.round((prev.usd + r.usd) * 1e9) / 1e9;
    prev.price_source = joinSources(prev.price_source, r.price_source);
  }
  return [...out.values()];
}

/**
 * What was spent between two readings of the same accumulator (`before`
 * taken earlier from `Spend.rows()`): the rows of `after` less `before`,
 * rows with nothing left dropped. For a client shared by several runs or by
 * a run and its judges.
 */
export function spendSince(after: readonly SpendRow[], before: readonly SpendRow[]): SpendRow[] {
  const prev = new Map(before.map((r) => [spendKey(r), r] as const));
  const out: SpendRow[] = [];
  for (const r of after) {
    const p = prev.get(spendKey(r));
    if (!p) {
      out.push({ ...r });
      continue;
    }
    const d: SpendRow = { ...r };
    for (const c of COUNTS) d[c] = Math.max(0, (r[c] ?? 0) - (p[c] ?? 0));
    d.usd = r.usd === null || p.usd === null ? r.usd : Math.max(0, Math.round((r.usd - p.usd) * 1e9) / 1e9);
    if (d.requests + d.discarded_attempts > 0) out.push(d);
  }
  return out;
}

/** The rows with a role set (subject or judge). */
export function withRole(rows: readonly SpendRow[], role: "subject" | "judge"): SpendRow[] {
  return rows.map((r) => ({ ...r, role }));
}
