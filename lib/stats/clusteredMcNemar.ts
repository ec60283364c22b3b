import type { QueryGap } from "./designEffect";
import { normalCdf } from "./normal";

/** A χ² test with one degree of freedom. */
export interface ChiSquareTest {
  statistic: number;
  p_value: number;
  method: string;
}

function chi1(x2: number, method: string): ChiSquareTest {
  return { statistic: x2, p_value: Number.isFinite(x2) ? Math.min(1, 2 * normalCdf(-Math.sqrt(x2))) : NaN, method };
}

/**
 * Durkalski et al.'s (2003) clustered McNemar test, with each query's
 * discordance taken as a proportion of its pairs:
 * X² = (Σ (bᵢ − cᵢ)/mᵢ)² / Σ ((bᵢ − cᵢ)/mᵢ)², referred to χ²₁ (the form of the
 * R package clust.bin.pair). With one pair per query it is McNemar's
 * (b − c)²/(b + c). NaN when no query has a net discordance.
 *
 * @example
 * durkalskiTest([{ b: 2, c: 0, m: 4 }, { b: 1, c: 0, m: 4 }, { b: 0, c: 1, m: 4 }]).statistic; // (0.5 + 0.25 − 0.25)²/(0.25 + 0.0625 + 0.0625) = 2/3
 */
export function durkalskiTest(perQuery: readonly QueryGap[]): ChiSquareTest {
  let s = 0;
  let s2 = 0;
  for (const q of perQuery) {
    if (q.m === 0) continue;
    const x = (q.b - q.c) / q.m;
    s += x;
    s2 += x * x;
  }
  return chi1(s2 > 0 ? (s * s) / s2 : NaN, "durkalski");
}

/**
 * Obuchowski's (1998) clustered test of equal paired proportions, in Yang,
 * Sun & Hardin's (2010) simplified form: X² = ((K − 1)/K)·(Σ dᵢ)² / Σ dᵢ²,
 * dᵢ = bᵢ − cᵢ over the K queries, referred to χ²₁. NaN when no query has a
 * net discordance.
 *
 * @example
 * obuchowskiTest([{ b: 2, c: 0, m: 4 }, { b: 1, c: 0, m: 4 }, { b: 0, c: 1, m: 4 }]).statistic; // (2/3)·4/6 = 4/9
 */
export function obuchowskiTest(perQuery: readonly QueryGap[]): ChiSquareTest {
  let s = 0;
  let s2 = 0;
  let K = 0;
  for (const q of perQuery) {
    if (q.m === 0) continue;
    K++;
    const d = q.b - q.c;
    s += d;
    s2 += d * d;
  }
  return chi1(s2 > 0 && K > 0 ? (((K - 1) / K) * s * s) / s2 : NaN, "obuchowski");
}
