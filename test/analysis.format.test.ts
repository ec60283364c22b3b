/**
 * How the text tables print p-values and interval ends (one formatter for
 * the rate, gap, contrast and post-training tables): three significant
 * digits for p, and an interval end that is not 0 never printed as 0.0.
 * Expected numbers come from an independent Python computation (math.erfc
 * for McNemar's p; Tango's interval by the restricted MLE and bisection).
 */
import { describe, expect, it } from "vitest";
import { fmtPct, fmtPValue, formatTables, gapTable, motivationsReport, rateTable } from "../lib/analysis";

/** One cell of 50 queries × 1 where b comply in the first tier only and c in the second only. */
function pairs(condition: string, b: number, c: number, tiers: [string, string] = ["free", "paid"]) {
  const row = (tier: string, yes: (i: number) => boolean) =>
    Array.from({ length: 50 }, (_, i) => ({ model: "m", condition, tier, query_id: `q${String(i).padStart(2, "0")}`, sample: 0, accepted: yes(i), accept_then_refuse: false, error: null }));
  return [...row(tiers[0], (i) => i < b), ...row(tiers[1], (i) => i >= b && i < b + c)];
}

describe("fmtPValue", () => {
  it("three significant digits, <0.001 below, n/a for none", () => {
    expect(fmtPValue(0.04953461343562674)).toBe("0.0495");
    expect(fmtPValue(0.004677734981047271)).toBe("0.00468");
    expect(fmtPValue(0.5)).toBe("0.500");
    expect(fmtPValue(1)).toBe("1.00");
    expect(fmtPValue(0.001)).toBe("0.00100");
    expect(fmtPValue(0.00099)).toBe("<0.001");
    expect(fmtPValue(NaN)).toBe("n/a");
  });
});

describe("fmtPct", () => {
  it("one decimal; an interval end that rounds to 0.0 but is not 0 keeps its first significant digit and its sign", () => {
    expect(fmtPct(0.35010388970928097)).toBe(" 35.0");
    expect(fmtPct(0.00038689830005327053)).toBe("  0.0");
    expect(fmtPct(0.00038689830005327053, { bound: true })).toBe("+0.04");
    expect(fmtPct(-0.00003, { bound: true })).toBe("-0.003");
    expect(fmtPct(0, { bound: true })).toBe("  0.0");
    expect(fmtPct(0.0005, { bound: true })).toBe("  0.1");
    expect(fmtPct(1e-12, { bound: true })).toBe("+1e-10");
    expect(fmtPct(NaN, { width: 6 })).toBe("   n/a");
  });
});

describe("the tables print an interval that excludes 0 as excluding it", () => {
  it("b = 15, c = 6, n = 50: Tango [0.00039, 0.350], McNemar p 0.0495 print as [+0.04, 35.0] 0.0495", () => {
    const g = gapTable(pairs("baseline", 15, 6))[0];
    // Python: p = erfc(9/√21/√2); Tango's 95% interval by the restricted MLE
    expect(g.p_value).toBeCloseTo(0.04953461343562674, 12);
    expect(g.ci_low).toBeCloseTo(0.00038689830005327053, 8);
    expect(g.ci_high).toBeCloseTo(0.35010388970928097, 8);
    const text = formatTables(rateTable(pairs("baseline", 15, 6)), [g]);
    expect(text).toMatch(/m\s+baseline\s+18\.0\s+\[\+0\.04,\s+35\.0\]\s+0\.0495\s+50\s+free − paid/);
    expect(text).not.toMatch(/\[\s*0\.0, /);
  });

  it("the contrasts print through the same formatter", () => {
    const r = motivationsReport(pairs("x", 15, 6), [{ name: "gap-x", says: "", terms: [{ condition: "x", a: "free", b: "paid", weight: 1 }] }]);
    expect(r.text).toMatch(/m\s+gap-x\s+18\.0\s+\[\s*\+0\.04,\s+35\.0\]\s+0\.0495\s+50/);
  });
});
