import { gapInterval } from "./gapInterval";
import { rateInterval } from "./rateInterval";

/** 1.96: the two-sided 95% normal quantile, as published ±1.96·SE bars use it. */
const Z95 = 1.959963984540054;

/**
 * The interval given to a number a paper published: ±1.96·SE when the
 * source gives a standard error; else, with n known, the project's default
 * interval on the counts the number implies (rates: the default rate
 * interval on round(value·n); gaps: the default paired-gap interval on the
 * most correlated pairing the value allows, i.e. no reverse-discordant
 * pairs, the narrowest honest reading, and labelled as such); else NaN
 * bounds with the method saying why.
 *
 * @example
 * publishedInterval(0.14, null, 200, "rate").method; // "… on implied counts"
 * publishedInterval(0.1, 0.02, null, "gap"); // { low: 0.0608…, high: 0.1392…, method: "published ±1.96·SE" }
 */
export function publishedInterval(value: number, se: number | null, n: number | null, kind: "rate" | "gap"): { low: number; high: number; method: string } {
  if (se !== null) return { low: value - Z95 * se, high: value + Z95 * se, method: "published ±1.96·SE" };
  if (n === null) return { low: NaN, high: NaN, method: "none (n unknown)" };
  if (kind === "rate") {
    const iv = rateInterval(Math.round(Math.min(1, Math.max(0, value)) * n), n);
    return { low: iv.low, high: iv.high, method: `${iv.method} on implied counts` };
  }
  const d = Math.round(Math.abs(value) * n);
  const c = value >= 0 ? { n11: 0, n10: d, n01: 0, n00: n - d } : { n11: 0, n10: 0, n01: d, n00: n - d };
  const iv = gapInterval(c);
  return { low: iv.low, high: iv.high, method: `${iv.method} on implied counts (no reverse-discordant pairs assumed)` };
}
