/**
 * How the text tables print numbers: p-values and percentages (the rate,
 * gap, contrast and post-training tables all print through these two, so a
 * value reads the same in every table).
 */

/**
 * A p-value as printed: three significant digits ("0.0495", "0.00468",
 * "1.00"), "<0.001" below 0.001, "n/a" when there is none. Three digits, so
 * that p = 0.0495 never reads as 0.050 beside an interval that excludes 0.
 *
 * @example fmtPValue(0.04953); // "0.0495"
 */
export function fmtPValue(p: number): string {
  if (!Number.isFinite(p)) return "n/a";
  if (p < 0.001) return "<0.001";
  return p.toPrecision(3);
}

/**
 * A fraction as percent with one decimal, padded to `width` (default 5);
 * "n/a" when it is not a number. With `bound: true` (an interval's end) a
 * value that is not 0 but would print as 0.0 is printed to its first
 * significant digit with its sign ("+0.04", "-0.003"), so an interval that
 * excludes 0 never prints as if it touched 0.
 *
 * @example fmtPct(0.00039, { bound: true }); // "+0.04"
 */
export function fmtPct(x: number, opts: { width?: number; bound?: boolean } = {}): string {
  const width = opts.width ?? 5;
  if (!Number.isFinite(x)) return "n/a".padStart(width);
  const v = 100 * x;
  let s = v.toFixed(1);
  if (opts.bound && v !== 0 && Math.abs(v) < 0.05) {
    // the first significant digit (at most 1e-6 %: below that, scientific)
    const digits = -Math.floor(Math.log10(Math.abs(v)));
    s = digits > 6 ? v.toExponential(0) : v.toFixed(digits);
    // rounding up may reach the next decade (0.0096 → "0.010"): still not 0
    if (v > 0) s = `+${s}`;
  }
  return s.padStart(width);
}
