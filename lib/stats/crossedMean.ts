import { tQuantile } from "./studentT";
import { checkLevel, type Interval } from "./types";

/**
 * Variance components of a balanced two-way crossed layout with one value
 * per cell: rows (e.g. wordings) crossed with columns (e.g. queries),
 * y_rc = μ + a_r + b_c + e_rc with independent random row effects (variance
 * σ²_row), column effects (σ²_col) and residuals (σ²_res). Method of moments
 * (two-way ANOVA without replication): with R rows and C columns,
 *   MS_row = C·Σ(ȳ_r. − ȳ..)² / (R − 1),  E = σ²_res + C·σ²_row,
 *   MS_col = R·Σ(ȳ.c − ȳ..)² / (C − 1),  E = σ²_res + R·σ²_col,
 *   MS_res = ΣΣ(y_rc − ȳ_r. − ȳ.c + ȳ..)² / ((R − 1)(C − 1)),  E = σ²_res.
 * Negative estimates of σ²_row, σ²_col are set to 0 (`truncated` says which).
 */
export interface CrossedComponents {
  rows: number;
  cols: number;
  mean: number;
  msRow: number;
  msCol: number;
  msRes: number;
  rowVar: number;
  colVar: number;
  resVar: number;
  truncated: { row: boolean; col: boolean };
}

/** Check a rectangular matrix of finite numbers; returns [rows, cols]. */
export function checkMatrix(m: ReadonlyArray<ArrayLike<number>>): [number, number] {
  const R = m.length;
  const C = R ? m[0].length : 0;
  for (let r = 0; r < R; r++) {
    if (m[r].length !== C) throw new RangeError(`crossed layout: row ${r} has ${m[r].length} values, row 0 has ${C}`);
    for (let c = 0; c < C; c++) if (!Number.isFinite(m[r][c])) throw new RangeError(`crossed layout: value [${r}][${c}] is not a finite number`);
  }
  return [R, C];
}

/**
 * The ANOVA variance components of a crossed rows × columns matrix.
 *
 * @example
 * crossedVarianceComponents([[1, 0, 1], [1, 0, 0]]).colVar; // 0.333… (columns differ most)
 */
export function crossedVarianceComponents(m: ReadonlyArray<ArrayLike<number>>): CrossedComponents {
  const [R, C] = checkMatrix(m);
  if (R < 2 || C < 2) throw new RangeError(`crossed layout needs at least 2 rows and 2 columns, got ${R} × ${C}`);
  const rowMean = new Float64Array(R);
  const colMean = new Float64Array(C);
  let grand = 0;
  for (let r = 0; r < R; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      s += m[r][c];
      colMean[c] += m[r][c];
    }
    rowMean[r] = s / C;
    grand += s;
  }
  grand /= R * C;
  for (let c = 0; c < C; c++) colMean[c] /= R;
  let ssRow = 0;
  for (let r = 0; r < R; r++) ssRow += (rowMean[r] - grand) ** 2;
  let ssCol = 0;
  for (let c = 0; c < C; c++) ssCol += (colMean[c] - grand) ** 2;
  let ssRes = 0;
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) ssRes += (m[r][c] - rowMean[r] - colMean[c] + grand) ** 2;
  const msRow = (C * ssRow) / (R - 1);
  const msCol = (R * ssCol) / (C - 1);
  const msRes = ssRes / ((R - 1) * (C - 1));
  const rowRaw = (msRow - msRes) / C;
  const colRaw = (msCol - msRes) / R;
  return {
    rows: R,
    cols: C,
    mean: grand,
    msRow,
    msCol,
    msRes,
    rowVar: Math.max(0, rowRaw),
    colVar: Math.max(0, colRaw),
    resVar: msRes,
    truncated: { row: rowRaw < 0, col: colRaw < 0 },
  };
}

/** Options of `crossedMeanInterval`. */
export interface CrossedIntervalOptions {
  /** Default 0.95. */
  level?: number;
  /**
   * Spacing of the values within a cell when they are discrete (1 for a
   * paired 0/1 difference with one sample per cell, 1/S for the mean of S
   * samples); 0 (the default) for continuous data. When set, each bound
   * moves out by continuity/(2·cols) times the share of the variance that
   * comes from the columns and residual (the discrete, query-driven part).
   */
  continuity?: number;
}

/** A crossed-design interval: the usual fields plus its standard error, degrees of freedom and components. */
export interface CrossedInterval extends Interval {
  se: number;
  df: number;
  rows: number;
  cols: number;
  components: CrossedComponents;
}

/**
 * Confidence interval for the grand mean of a crossed rows × columns layout
 * (the mean compliance gap over wordings × queries) that counts both
 * sources of variation: the rows and the columns are each a sample from a
 * population, so
 *   Var(ȳ..) = σ²_row/R + σ²_col/C + σ²_res/(RC),
 * estimated from the ANOVA components (negative ones set to 0). Written in
 * mean squares this is a combination Σ cᵢ·MSᵢ (cᵢ ∈ {−1, 0, 1}/(RC)), so its
 * degrees of freedom come from Satterthwaite's approximation,
 *   df = V² / Σ (cᵢ·MSᵢ)²/dfᵢ,
 * and the interval is ȳ.. ± t_{df, 1−α/2}·√V. With few rows the t quantile
 * is far above 1.96: eight wordings give df ≈ 7 when wording variation
 * dominates. Coverage by simulation: docs/statistics.md, "Wording as a factor".
 *
 * With `continuity` set (the values are discrete), each bound also moves
 * out by continuity/(2C) × (σ²_col/C + σ²_res/(RC)) / V: a continuity
 * correction for the part of the variance that comes from the queries,
 * whose means sit on a lattice of spacing continuity/C. Without it the
 * interval behaves like a Wald interval when discordant queries are few
 * (coverage 88% at 5 expected discordant queries); with it the worst
 * informative cell of the study is 93% at 8 wordings.
 *
 * A matrix with no variation at all (every cell equal) gives a point
 * interval, flagged in `note`.
 *
 * @example
 * crossedMeanInterval([[0.2, 0, 1, 0], [0, 0, 1, 0], [1, 0, 1, 1]]); // mean 0.4333, se 0.245, df ≈ 3.76
 */
export function crossedMeanInterval(m: ReadonlyArray<ArrayLike<number>>, opts: CrossedIntervalOptions = {}): CrossedInterval {
  const L = checkLevel(opts.level);
  const k = crossedVarianceComponents(m);
  const R = k.rows;
  const C = k.cols;
  const RC = R * C;
  // V = Σ coef·MS / RC: a component that is kept contributes +MS_x − MS_res.
  const cRow = k.truncated.row ? 0 : 1;
  const cCol = k.truncated.col ? 0 : 1;
  const cRes = 1 - cRow - cCol;
  const terms: [number, number][] = [
    [(cRow * k.msRow) / RC, R - 1],
    [(cCol * k.msCol) / RC, C - 1],
    [(cRes * k.msRes) / RC, (R - 1) * (C - 1)],
  ];
  const V = terms.reduce((a, [v]) => a + v, 0);
  const denom = terms.reduce((a, [v, d]) => a + (v * v) / d, 0);
  const cc = opts.continuity ?? 0;
  if (!(cc >= 0)) throw new RangeError(`continuity must be ≥ 0, got ${opts.continuity}`);
  const method = cc > 0 ? "crossed-anova-t-cc" : "crossed-anova-t";
  if (!(V > 0) || !(denom > 0)) {
    return { estimate: k.mean, low: k.mean, high: k.mean, method, level: L, n: RC, note: "no variation in the layout: the interval is a point", se: 0, df: NaN, rows: R, cols: C, components: k };
  }
  const df = (V * V) / denom;
  const se = Math.sqrt(V);
  const q = tQuantile(1 - (1 - L) / 2, df);
  const queryShare = Math.min(1, (k.colVar / C + k.resVar / RC) / V);
  const pad = cc > 0 ? (cc / (2 * C)) * queryShare : 0;
  return { estimate: k.mean, low: k.mean - q * se - pad, high: k.mean + q * se + pad, method, level: L, n: RC, se, df, rows: R, cols: C, components: k };
}
