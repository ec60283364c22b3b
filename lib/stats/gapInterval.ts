import { agrestiMinGapInterval, bonettPriceGapInterval, standardErrorGapInterval, waldGapInterval } from "./gapWald";
import { pairedGapInterval, type PairedCounts } from "./pairedGap";
import { tangoGapInterval } from "./tango";
import type { Interval } from "./types";

/** Interval methods for a paired gap. */
export type GapMethod = "tango" | "bootstrap" | "bonett-price" | "agresti-min" | "wald" | "wald-1se";

/** The methods `gapInterval` knows, default first. */
export const GAP_METHODS: readonly GapMethod[] = ["tango", "bootstrap", "bonett-price", "agresti-min", "wald", "wald-1se"];

/** Options for `gapInterval`. */
export interface GapIntervalOptions {
  /** Default "tango" (chosen by the coverage study). */
  method?: GapMethod;
  /** Default 0.95 (ignored by "wald-1se"). */
  level?: number;
}

/**
 * Confidence interval for a paired gap (first tier's rate − second's over
 * the same queries) from the four outcome counts. The default, Tango's
 * score interval, is the method whose coverage met the targets on the grid
 * in docs/statistics.md; "bootstrap" is the exact (B = ∞) paired bootstrap
 * (`pairedGapInterval`), which under-covers when discordant pairs are few.
 *
 * @example
 * gapInterval({ n11: 10, n10: 15, n01: 5, n00: 20 }); // tango: 0.2 [≈0.026, ≈0.365]
 */
export function gapInterval(c: PairedCounts, opts: GapIntervalOptions = {}): Interval {
  const method = opts.method ?? "tango";
  switch (method) {
    case "tango":
      return tangoGapInterval(c, opts);
    case "bootstrap":
      return pairedGapInterval(c, opts);
    case "bonett-price":
      return bonettPriceGapInterval(c, opts);
    case "agresti-min":
      return agrestiMinGapInterval(c, opts);
    case "wald":
      return waldGapInterval(c, opts);
    case "wald-1se":
      return standardErrorGapInterval(c);
    default:
      throw new RangeError(`unknown gap interval method: ${String(method)}`);
  }
}
