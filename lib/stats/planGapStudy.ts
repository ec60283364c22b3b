import { clusteredGapPower, simulateClusteredGapPower } from "./clusteredPower";
import { discordantFromModel, gapDesignEffectModel, type GapModel } from "./clusterModel";
import { gapPower } from "./power";

/** One row of a study plan. */
export interface PlanRow {
  /** Samples per query. */
  samples: number;
  /** Queries needed (or the queries available, with `maxQueries`). */
  queries: number;
  /** Total pairs per tier: queries × samples. */
  pairs: number;
  /** Design effect at this many samples per query. */
  de: number;
  /** Effective independent pairs, pairs / de. */
  n_eff: number;
  /** Power of the clustered McNemar test at this design (the n_eff approximation of `clusteredGapPower`). */
  power: number;
  /** With `verify`: the seeded simulated power of the test itself at this design. */
  simulated?: number;
}

/** A study plan for detecting a gap. */
export interface GapPlan {
  /** For each samples-per-query option, the fewest queries reaching the target power (Infinity when more than `maxQueries` would be needed). */
  rows: PlanRow[];
  /** With `maxQueries`: the power those queries reach with each samples option, and the ceiling as samples → ∞. */
  atMaxQueries?: { rows: PlanRow[]; ceiling: number };
  /** Intra-query correlation of a pair's difference, Var(μᵢ)/Var(d): DE = 1 + (m − 1)·this. */
  iccDifference: number;
  note: string;
}

/**
 * How many queries and samples per query to detect the gap pA − pB with
 * the test the report prints (the clustered McNemar test; the asymptotic
 * McNemar test with one sample per query), under the gap model of
 * `clusterModel` with the given ICC (from a pilot: `gapDesignEffect(...)`
 * gives a design effect, or use a guess). For each samples-per-query option
 * it finds the fewest queries reaching `power`. Because
 * DE = 1 + (m − 1)·ρ, the effective pairs Q·m/DE approach Q/ρ as m grows:
 * more queries beat more samples, and with a fixed set of queries
 * (`maxQueries`, e.g. the 50 shipped ones) extra samples cannot push the
 * power past the ceiling reported in `atMaxQueries`. The power is the n_eff
 * approximation, which the coverage bench compares with a simulation of the
 * test: equal without clustering, and conservative (under-states the
 * power) when samples of a query are strongly alike and queries are few;
 * `verify` adds the simulated power of each planned design.
 *
 * @example
 * planGapStudy({ pA: 0.2, pB: 0.1, shared: 0.7, icc: 0.3, samples: [1, 2, 4, 8, 16], maxQueries: 50 });
 */
export function planGapStudy(
  o: GapModel & { power?: number; alpha?: number; samples?: readonly number[]; maxQueries?: number; limit?: number; verify?: { reps: number; seed: number } },
): GapPlan {
  const target = o.power ?? 0.8;
  const alpha = o.alpha ?? 0.05;
  const options = o.samples ?? [1, 2, 4, 8, 16];
  const limit = o.limit ?? 100_000;
  if (!(target > 0 && target < 1)) throw new RangeError(`power must be in (0, 1), got ${target}`);
  for (const m of options) if (!(Number.isInteger(m) && m > 0)) throw new RangeError(`samples options must be positive integers, got ${m}`);
  const d = discordantFromModel(o);
  const varD = d.p10 + d.p01 - (o.pA - o.pB) ** 2;
  const rho = varD > 0 ? (gapDesignEffectModel({ ...o, samples: 2 }) - 1) : 0;
  const at = (queries: number, samples: number): PlanRow => {
    const r = clusteredGapPower({ ...o, queries, samples, alpha });
    return { samples, queries, pairs: queries * samples, de: r.de, n_eff: r.n_eff, power: r.power };
  };
  const rows: PlanRow[] = options.map((m) => {
    if (o.pA === o.pB) return { ...at(1, m), queries: Infinity, pairs: Infinity, power: NaN };
    // smallest Q with power ≥ target: grow, then bisect (power rises with Q up to the saw-tooth)
    let lo = 0;
    let hi = 1;
    while (at(hi, m).power < target) {
      lo = hi;
      hi *= 2;
      if (hi > limit) return { ...at(limit, m), queries: Infinity, pairs: Infinity };
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (at(mid, m).power >= target) hi = mid;
      else lo = mid;
    }
    return at(hi, m);
  });
  const plan: GapPlan = {
    rows,
    iccDifference: rho,
    note:
      rho > 0
        ? `each extra sample per query is worth less: with ICC of the difference ${rho.toFixed(3)}, ${options.map((m) => `m=${m}: DE ${(1 + (m - 1) * rho).toFixed(2)}`).join(", ")}`
        : "no clustering of the difference: samples and queries are interchangeable",
  };
  if (o.verify) {
    const v = o.verify;
    const check = (r: PlanRow) => {
      if (Number.isFinite(r.queries)) r.simulated = simulateClusteredGapPower({ ...o, queries: r.queries, samples: r.samples, alpha, reps: v.reps, seed: v.seed + r.samples });
    };
    rows.forEach(check);
  }
  if (o.maxQueries !== undefined) {
    const Q = o.maxQueries;
    const ceiling = rho > 0 ? interpolatedPower(d, Q / rho, alpha) : 1;
    plan.atMaxQueries = { rows: options.map((m) => at(Q, m)), ceiling };
  }
  return plan;
}

function interpolatedPower(d: ReturnType<typeof discordantFromModel>, nEff: number, alpha: number): number {
  if (nEff > 200_000) return 1;
  const lo = Math.max(1, Math.floor(nEff));
  const hi = Math.max(1, Math.ceil(nEff));
  const p = gapPower(d, lo, alpha);
  return hi === lo ? p : p + (nEff - lo) * (gapPower(d, hi, alpha) - p);
}
