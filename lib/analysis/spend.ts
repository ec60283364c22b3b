/**
 * The money a run spent, as the manifest records it (`spend`: one SpendRow
 * per role, provider and model): totals, one line for the end of `afw run`,
 * and a short section for `afw report`. Cached input tokens, cache writes
 * and reasoning tokens are shown apart (they are priced apart); attempts
 * that were billed but discarded (a 200 carrying an upstream error, then
 * retried) are counted; dollars come from the provider's own cost or the
 * dated price table, and say which.
 */
import type { SpendRow } from "../schema/index";

/** Sums over spend rows. `usd` is null when any row has no price (then `usdKnown` is the priced part). */
export interface SpendTotals {
  requests: number;
  discarded_attempts: number;
  prompt_tokens: number;
  cached_prompt_tokens: number;
  cache_creation_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  usd: number | null;
  usdKnown: number;
  /** Distinct price sources ("provider", "table 2026-11-29 (unverified)", …). */
  sources: string[];
  /** Models with no price. */
  unpriced: string[];
}

/**
 * Add up spend rows.
 * @example spendTotals([{ model: "m", provider: "p", requests: 2, discarded_attempts: 0, prompt_tokens: 10, cached_prompt_tokens: 4, cache_creation_tokens: 0, completion_tokens: 5, reasoning_tokens: 1, usd: 0.25, price_source: "provider", discount: 1 }]).usd // 0.25
 */
export function spendTotals(rows: readonly SpendRow[]): SpendTotals {
  const t: SpendTotals = { requests: 0, discarded_attempts: 0, prompt_tokens: 0, cached_prompt_tokens: 0, cache_creation_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, usd: 0, usdKnown: 0, sources: [], unpriced: [] };
  for (const r of rows) {
    t.requests += r.requests;
    t.discarded_attempts += r.discarded_attempts ?? 0;
    t.prompt_tokens += r.prompt_tokens;
    t.cached_prompt_tokens += r.cached_prompt_tokens ?? 0;
    t.cache_creation_tokens += r.cache_creation_tokens ?? 0;
    t.completion_tokens += r.completion_tokens;
    t.reasoning_tokens += r.reasoning_tokens ?? 0;
    if (r.usd === null) {
      t.usd = null;
      if (!t.unpriced.includes(r.model)) t.unpriced.push(r.model);
    } else {
      t.usdKnown += r.usd;
      if (t.usd !== null) t.usd += r.usd;
    }
    for (const src of (r.price_source ?? "").split("; ")) if (src && !t.sources.includes(src)) t.sources.push(src);
  }
  if (t.usd !== null) t.usd = Math.round(t.usd * 1e9) / 1e9;
  t.usdKnown = Math.round(t.usdKnown * 1e9) / 1e9;
  return t;
}

const int = (n: number) => n.toLocaleString("en-US");

function dollars(t: SpendTotals): string {
  const src = t.sources.length ? ` (${t.sources.join(", ")})` : "";
  if (t.usd !== null) return `$${t.usd.toFixed(4)}${src}`;
  if (t.usdKnown > 0) return `$${t.usdKnown.toFixed(4)}${src} + unpriced (${t.unpriced.join(", ")})`;
  return `unpriced (no price known for ${t.unpriced.join(", ")})`;
}

/**
 * One line: requests, tokens (cached and cache writes apart, reasoning
 * apart), discarded attempts, dollars and where the price came from.
 * @example spendLine(manifest.spend) // "spent: 20 requests, 8,000 prompt tokens (6,400 cached, 0 written to cache), 1,200 completion tokens (300 reasoning), $0.0123 (table 2026-11-29)"
 */
export function spendLine(rows: readonly SpendRow[]): string {
  const t = spendTotals(rows);
  const cache = t.cached_prompt_tokens || t.cache_creation_tokens ? ` (${int(t.cached_prompt_tokens)} cached${t.cache_creation_tokens ? `, ${int(t.cache_creation_tokens)} written to cache` : ""})` : "";
  const reasoning = t.reasoning_tokens ? ` (${int(t.reasoning_tokens)} reasoning)` : "";
  const disc = t.discarded_attempts ? `, ${int(t.discarded_attempts)} billed attempt(s) discarded and retried` : "";
  return `spent: ${int(t.requests)} requests, ${int(t.prompt_tokens)} prompt tokens${cache}, ${int(t.completion_tokens)} completion tokens${reasoning}${disc}, ${dollars(t)}`;
}

/**
 * The report's spend section: one line per role and model, then the total.
 * Empty when the manifest recorded no spend (offline runs, older folders).
 */
export function formatSpend(rows: readonly SpendRow[] | undefined | null): string {
  if (!rows || !rows.length) return "";
  const lines = ["Money spent (manifest.spend; answers from the response cache cost nothing):"];
  // Rows paid at a discount (provider batch APIs: 0.5) say so.
  const nameOf = (r: SpendRow) => `${r.role ? `${r.role} ` : ""}${r.model} at ${r.provider ?? "?"}${r.discount !== undefined && r.discount < 1 ? ` (batch, ${Math.round(r.discount * 100)}% of list)` : ""}`;
  const w = Math.max(...rows.map((r) => nameOf(r).length));
  for (const r of rows) {
    const name = nameOf(r);
    lines.push(`  ${name.padEnd(w)}  ${spendLine([r]).replace(/^spent: /, "")}`);
  }
  if (rows.length > 1) lines.push(`  ${"total".padEnd(w)}  ${spendLine(rows).replace(/^spent: /, "")}`);
  return lines.join("\n");
}

/** The spend as `afw report --json` gives it: the manifest's rows as recorded, and their total. */
export interface SpendReport {
  /** One per role, provider and model (manifest.spend). */
  rows: SpendRow[];
  /** The sums the text report's "total" line prints. */
  total: SpendTotals;
}

/**
 * The report's spend section as data (the numbers `formatSpend` prints);
 * null when the manifest recorded no spend.
 * @example spendReport(manifest.spend)?.total.usd
 */
export function spendReport(rows: readonly SpendRow[] | undefined | null): SpendReport | null {
  if (!rows || !rows.length) return null;
  return { rows: rows.map((r) => ({ ...r })), total: spendTotals(rows) };
}
