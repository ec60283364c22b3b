import { clusteredMcNemarTest } from "./clusteredGap";
import { discordantFromModel, gapDesignEffectModel, simulateGapQueries, type ClusterDesign, type GapModel } from "./clusterModel";
import { gapPower } from "./power";
import { makeRng } from "./rng";

/**
 * Power of the clustered McNemar test (`clusteredMcNemarTest`, the test
 * printed beside the clustered Tango interval) for Q queries × m samples
 * under the gap model (`clusterModel`): the exact-enumeration power of the
 * asymptotic McNemar test (`gapPower`) at the effective number of pairs
 * n_eff = Q·m / DE, with DE the model's true design effect
 * (`gapDesignEffectModel`), interpolated between the integers around n_eff.
 * An approximation: the test estimates DE from the data (floored at 1),
 * which costs a little power with few queries; `simulateClusteredGapPower`
 * measures the test itself (docs/statistics.md compares the two).
 *
 * @example
 * clusteredGapPower({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0.3, queries: 50, samples: 8 });
 */
export function clusteredGapPower(o: GapModel & ClusterDesign & { alpha?: number }): { power: number; de: number; n_eff: number } {
  if (!(Number.isInteger(o.queries) && o.queries > 0 && Number.isInteger(o.samples) && o.samples > 0)) {
    throw new RangeError(`queries and samples must be positive integers, got ${o.queries} × ${o.samples}`);
  }
  const de = gapDesignEffectModel(o);
  const nEff = (o.queries * o.samples) / de;
  const d = discordantFromModel(o);
  const lo = Math.max(1, Math.floor(nEff));
  const hi = Math.max(1, Math.ceil(nEff));
  const pLo = gapPower(d, lo, o.alpha);
  const power = hi === lo ? pLo : pLo + (nEff - lo) * (gapPower(d, hi, o.alpha) - pLo);
  return { power, de, n_eff: nEff };
}

/**
 * Seeded Monte Carlo power of the clustered McNemar test itself: simulate
 * `reps` studies of Q queries × m samples from the gap model, run
 * `clusteredMcNemarTest` (design effect estimated from each study, floored
 * at 1), count p ≤ alpha.
 *
 * @example
 * simulateClusteredGapPower({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0.3, queries: 50, samples: 8, reps: 2000, seed: 1 });
 */
export function simulateClusteredGapPower(o: GapModel & ClusterDesign & { alpha?: number; reps?: number; seed: number }): number {
  const u = makeRng(o.seed);
  const reps = o.reps ?? 2000;
  const alpha = o.alpha ?? 0.05;
  let rej = 0;
  for (let r = 0; r < reps; r++) if (clusteredMcNemarTest(simulateGapQueries(u, o)).p_value <= alpha) rej++;
  return rej / reps;
}
