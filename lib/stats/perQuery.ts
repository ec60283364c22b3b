import type { QueryGap, QueryRate } from "./designEffect";
import type { QueryLinear } from "./gapContrast";

/**
 * Per-query data from outcomes keyed by unit (e.g. "query\u0000sample"), the
 * shape the analysis keeps them in. `queryOf` maps a unit to its query.
 */

function group(units: Iterable<string>, queryOf: (unit: string) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of units) {
    const q = queryOf(u);
    const list = out.get(q);
    if (list) list.push(u);
    else out.set(q, [u]);
  }
  return out;
}

function bit(v: number | boolean, unit: string): number {
  const x = typeof v === "boolean" ? (v ? 1 : 0) : v;
  if (x !== 0 && x !== 1) throw new RangeError(`unit ${unit}: outcome must be 0 or 1, got ${v}`);
  return x;
}

/**
 * One rate cell as per-query counts: k yes of m units per query.
 *
 * @example
 * rateQueries(new Map([["q1\u00000", 1], ["q1\u00001", 0], ["q2\u00000", 0]]), (u) => u.split("\u0000")[0]);
 * // [{ k: 1, m: 2 }, { k: 0, m: 1 }]
 */
export function rateQueries(cell: ReadonlyMap<string, number | boolean>, queryOf: (unit: string) => string): QueryRate[] {
  return [...group(cell.keys(), queryOf).values()].map((us) => ({ k: us.reduce((s, u) => s + bit(cell.get(u)!, u), 0), m: us.length }));
}

/**
 * One paired gap as per-query discordant counts over the units present in
 * both tiers (b: first yes, second no; c: the reverse).
 *
 * @example
 * gapQueries(new Map([["q\u00000", 1]]), new Map([["q\u00000", 0]]), (u) => u.split("\u0000")[0]); // [{ b: 1, c: 0, m: 1 }]
 */
export function gapQueries(a: ReadonlyMap<string, number | boolean>, b: ReadonlyMap<string, number | boolean>, queryOf: (unit: string) => string): QueryGap[] {
  const units = [...a.keys()].filter((u) => b.has(u));
  return [...group(units, queryOf).values()].map((us) => {
    let nb = 0;
    let nc = 0;
    for (const u of us) {
      const x = bit(a.get(u)!, u);
      const y = bit(b.get(u)!, u);
      if (x > y) nb++;
      else if (y > x) nc++;
    }
    return { b: nb, c: nc, m: us.length };
  });
}

/**
 * Several gaps on the same queries (a contrast's terms) as per-query
 * discordant counts, over the units present in both tiers of EVERY term
 * (so all terms are compared on the same queries and sample indices).
 * Feed to `gapContrastResult(…, weights)`.
 *
 * @example
 * linearGapQueries([{ a: freeA, b: paidA }, { a: freeB, b: paidB }], (u) => u.split("\u0000")[0]);
 */
export function linearGapQueries(
  terms: ReadonlyArray<{ a: ReadonlyMap<string, number | boolean>; b: ReadonlyMap<string, number | boolean> }>,
  queryOf: (unit: string) => string,
): QueryLinear[] {
  if (!terms.length) return [];
  const units = [...terms[0].a.keys()].filter((u) => terms.every((t) => t.a.has(u) && t.b.has(u))).sort();
  return [...group(units, queryOf).values()].map((us) => {
    const b = terms.map(() => 0);
    const c = terms.map(() => 0);
    for (const u of us) {
      terms.forEach((t, j) => {
        const x = bit(t.a.get(u)!, u);
        const y = bit(t.b.get(u)!, u);
        if (x > y) b[j]++;
        else if (y > x) c[j]++;
      });
    }
    return { m: us.length, b, c };
  });
}
