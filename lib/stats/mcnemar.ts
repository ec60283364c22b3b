import { binomialPmfArray } from "./binomial";
import { checkPaired, type PairedCounts } from "./pairedGap";

/**
 * Two-sided exact sign test: with m = pos + neg non-tied pairs, the p-value
 * is min(1, 2·P(X ≤ min(pos, neg))), X ~ Binomial(m, ½). Returns 1 when m = 0.
 *
 * @example
 * signTestPValue(10, 2); // 2·(1 + 12 + 66)/4096 ≈ 0.03857
 */
export function signTestPValue(pos: number, neg: number): number {
  if (!(Number.isInteger(pos) && Number.isInteger(neg) && pos >= 0 && neg >= 0)) {
    throw new RangeError(`sign test counts must be non-negative integers, got ${pos}, ${neg}`);
  }
  const m = pos + neg;
  if (m === 0) return 1;
  const pmf = binomialPmfArray(m, 0.5);
  let tail = 0;
  for (let x = 0; x <= Math.min(pos, neg); x++) tail += pmf[x];
  return Math.min(1, 2 * tail);
}

/**
 * p-value for a paired gap (H0: both tiers have the same rate on these
 * queries): the exact McNemar test, i.e. the sign test on the discordant
 * pairs n10 vs n01. Concordant pairs carry no information about the gap.
 * NOTE: this is not the test that inverts Tango's interval (that is the
 * asymptotic McNemar test, `tangoTestPValue`, which `gapResult` prints);
 * printed beside a Tango interval the two disagree on significance in about
 * a third of experiments at 5% vs 1%, n = 100. Its power is
 * `gapPower(…, { test: "exact" })`.
 *
 * @example
 * pairedGapPValue({ n11: 30, n10: 10, n01: 2, n00: 58 }); // ≈ 0.03857
 */
export function pairedGapPValue(c: PairedCounts): number {
  checkPaired(c);
  return signTestPValue(c.n10, c.n01);
}
