import { normalQuantile } from "./normal";
import { checkPaired, type PairedCounts } from "./pairedGap";
import { checkLevel, type Interval } from "./types";

function adjustedWald(c: PairedCounts, level: number | undefined, add: number, method: string, z?: number): Interval {
  const L = checkLevel(level);
  const n = checkPaired(c);
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const zz = z ?? normalQuantile(1 - (1 - L) / 2);
  const m = n + 4 * add;
  const p10 = (c.n10 + add) / m;
  const p01 = (c.n01 + add) / m;
  const d = p10 - p01;
  const half = zz * Math.sqrt(Math.max(0, p10 + p01 - d * d) / m);
  return { estimate: (c.n10 - c.n01) / n, low: Math.max(-1, d - half), high: Math.min(1, d + half), method, level: L, n };
}

/**
 * Wald interval for a paired gap (n10 − n01)/n: d̂ ± z·√((p̂10 + p̂01 − d̂²)/n).
 * For comparison only (zero width when there are no discordant pairs).
 *
 * @example
 * waldGapInterval({ n11: 10, n10: 15, n01: 5, n00: 20 }); // 0.2 ± 0.1569
 */
export function waldGapInterval(c: PairedCounts, opts: { level?: number } = {}): Interval {
  return adjustedWald(c, opts.level, 0, "wald");
}

/**
 * The paper's ±1σ error bar applied to a paired gap: d̂ ± √((p̂10 + p̂01 − d̂²)/n).
 * Nominal level ≈ 68.3%. For comparison only.
 *
 * @example
 * standardErrorGapInterval({ n11: 10, n10: 15, n01: 5, n00: 20 }); // 0.2 ± 0.0800
 */
export function standardErrorGapInterval(c: PairedCounts): Interval {
  return { ...adjustedWald(c, 0.6826894921370859, 0, "wald-1se", 1) };
}

/**
 * Bonett & Price (2012) adjusted Wald interval for a paired gap: add one to
 * each discordant cell and two to n (p̃10 = (n10+1)/(n+2), p̃01 = (n01+1)/(n+2)),
 * then the Wald formula with n + 2. Conservative on our grid (docs/statistics.md).
 *
 * @example
 * bonettPriceGapInterval({ n11: 0, n10: 0, n01: 0, n00: 50 }); // ≈ [−0.0533, 0.0533]
 */
export function bonettPriceGapInterval(c: PairedCounts, opts: { level?: number } = {}): Interval {
  const L = checkLevel(opts.level);
  const n = checkPaired(c);
  const method = "bonett-price";
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, method, level: L, n, note: "n=0: no data" };
  const z = normalQuantile(1 - (1 - L) / 2);
  const p10 = (c.n10 + 1) / (n + 2);
  const p01 = (c.n01 + 1) / (n + 2);
  const d = p10 - p01;
  const half = z * Math.sqrt(Math.max(0, p10 + p01 - d * d) / (n + 2));
  return { estimate: (c.n10 - c.n01) / n, low: Math.max(-1, d - half), high: Math.min(1, d + half), method, level: L, n };
}

/**
 * Agresti & Min (2005) adjusted Wald interval for a paired gap: add ½ to
 * each of the four cells (n + 2 pairs), then the Wald formula.
 *
 * @example
 * agrestiMinGapInterval({ n11: 10, n10: 15, n01: 5, n00: 20 });
 */
export function agrestiMinGapInterval(c: PairedCounts, opts: { level?: number } = {}): Interval {
  return adjustedWald(c, opts.level, 0.5, "agresti-min");
}
