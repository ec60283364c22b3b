/**
 * Per-query data of every rate and gap cell, read off a tally (lib/frame
 * tally.ts): what the interval functions of lib/stats take (`rateResult`,
 * `gapResult`, `gapContrastResult`). The tables, the figures and the
 * contrasts all start here, so every n they print counts the same queries
 * and samples.
 */
import { gapDesignEffect, pooledIcc, rateDesignEffect, type QueryGap, type QueryLinear, type QueryRate } from "../stats/index";
import { asTally, unitComplied, unitInvalid, UNIT, type ResultsTally, type TallyCell, type TallyInput } from "../frame/index";

/** One rate cell (model × condition × tier): its per-query counts and what else its samples were. */
export interface RateCell {
  model: string;
  condition: string;
  tier: string;
  /** Per query: k complied of m counted (every sample that did not fail; blocked ones count, never complied). */
  perQuery: QueryRate[];
  /** Samples counted (Σ m). */
  n: number;
  complied: number;
  /** Replies with neither tag. */
  invalid: number;
  accept_then_refuse: number;
  /** Outcome "blocked": the provider would not pass the answer on (in n, never complied). */
  blocked: number;
  /** Outcome "truncated": the reply hit the token limit (in n, read as its tags say). */
  truncated: number;
  /** Failed for good: left out of n. */
  failed: number;
}

/**
 * Every rate cell, sorted by model, condition, tier.
 *
 * @example rateCells(await tallyFolder("runs/demo")).map((c) => c.perQuery.length) // queries per cell
 */
export function rateCells(input: TallyInput): RateCell[] {
  const t = asTally(input);
  return t.sortedCells().map((c) => rateCellOf(t, c));
}

function rateCellOf(t: ResultsTally, c: TallyCell): RateCell {
  const out: RateCell = { model: c.model, condition: c.condition, tier: c.tier, perQuery: [], n: 0, complied: 0, invalid: 0, accept_then_refuse: 0, blocked: 0, truncated: 0, failed: 0 };
  for (const slot of c.queries.values()) {
    let k = 0;
    let m = 0;
    slot.forEach((_, u) => {
      const f = t.factsOf(u);
      if (f & UNIT.FAILED) {
        out.failed++;
        return;
      }
      m++;
      if (unitComplied(f)) k++;
      if (unitInvalid(f)) out.invalid++;
      if (f & UNIT.ATR) out.accept_then_refuse++;
      if (f & UNIT.BLOCKED) out.blocked++;
      if (f & UNIT.TRUNCATED) out.truncated++;
    });
    if (m > 0) out.perQuery.push({ k, m });
    out.n += m;
    out.complied += k;
  }
  return out;
}

/** One paired gap cell: a model under a condition, first tier − second. */
export interface GapCell {
  model: string;
  condition: string;
  tiers: [string, string];
  /** Per query: of its m pairs (same query and sample index, neither failed), b complied in the first tier only, c in the second only. */
  perQuery: QueryGap[];
  /** Pairs that complied in both tiers (the rest of the concordant pairs complied in neither). */
  both: number;
}

/**
 * The gap each known tier set defines (implied training minus its absence):
 * free − paid (baseline), trained − rated (pre-deployment model versions),
 * free − pro (three or five tiers: the goal-guarding gap).
 */
const KNOWN_GAPS: readonly [string, string][] = [
  ["free", "paid"],
  ["trained", "rated"],
  ["free", "pro"],
];

/** Tier order for gaps: the first tier minus the second (free − paid by default). */
export function gapTiers(tiers: string[]): [string, string] | null {
  for (const [a, b] of KNOWN_GAPS) if (tiers.includes(a) && tiers.includes(b)) return [a, b];
  return tiers.length >= 2 ? [tiers[0], tiers[1]] : null;
}

/**
 * Every paired gap cell (per model and condition, the tiers given or
 * `gapTiers` of the tiers present), sorted by model, condition. Cells with
 * no pair are left out.
 *
 * @example gapCells(tally, { tiers: ["free", "paid"] })[0].perQuery
 */
export function gapCells(input: TallyInput, opts: { tiers?: [string, string] } = {}): GapCell[] {
  return gapCellsAndUnpaired(input, opts).cells;
}

/** A model under a condition whose two tiers were both run but share no pair. */
export interface UnpairedArm {
  model: string;
  condition: string;
  tiers: [string, string];
}

/**
 * Every paired gap cell (as `gapCells`), and the arms left out of them
 * because their two tiers share no pair: no query and sample index is
 * present, and not failed, in both (e.g. the free tier ran queries 1–3 and
 * the paid tier 4–6). Sorted by model, condition.
 *
 * @example gapCellsAndUnpaired(tally).unpaired.map((a) => `${a.model} ${a.condition}`)
 */
export function gapCellsAndUnpaired(input: TallyInput, opts: { tiers?: [string, string] } = {}): { cells: GapCell[]; unpaired: UnpairedArm[] } {
  const t = asTally(input);
  const byArm = new Map<string, { model: string; condition: string; tiers: string[] }>();
  for (const c of t.cells.values()) {
    const k = `${c.model}\u0000${c.condition}`;
    const a = byArm.get(k);
    if (a) a.tiers.push(c.tier);
    else byArm.set(k, { model: c.model, condition: c.condition, tiers: [c.tier] });
  }
  const cells: GapCell[] = [];
  const unpaired: UnpairedArm[] = [];
  for (const arm of byArm.values()) {
    const tiers = opts.tiers ?? gapTiers(arm.tiers);
    if (!tiers) continue;
    const g = gapCellOf(t, arm.model, arm.condition, tiers);
    if (g) cells.push(g);
    else if (arm.tiers.includes(tiers[0]) && arm.tiers.includes(tiers[1])) unpaired.push({ model: arm.model, condition: arm.condition, tiers });
  }
  const order = (x: { model: string; condition: string }, y: { model: string; condition: string }) => x.model.localeCompare(y.model) || x.condition.localeCompare(y.condition);
  return { cells: cells.sort(order), unpaired: unpaired.sort(order) };
}

/** One gap cell, or null when the two tiers share no pair. */
export function gapCellOf(t: ResultsTally, model: string, condition: string, tiers: [string, string]): GapCell | null {
  const A = t.getCell(model, condition, tiers[0]);
  const B = t.getCell(model, condition, tiers[1]);
  if (!A || !B) return null;
  const out: GapCell = { model, condition, tiers, perQuery: [], both: 0 };
  let pairs = 0;
  for (const [q, sa] of A.queries) {
    const sb = B.queries.get(q);
    if (!sb) continue;
    let b = 0;
    let c = 0;
    let m = 0;
    sa.forEach((s, ua) => {
      const ub = sb.unit(s);
      if (ub < 0) return;
      const fa = t.factsOf(ua);
      const fb = t.factsOf(ub);
      if ((fa | fb) & UNIT.FAILED) return;
      m++;
      const x = unitComplied(fa);
      const y = unitComplied(fb);
      if (x && y) out.both++;
      else if (x) b++;
      else if (y) c++;
    });
    if (m > 0) out.perQuery.push({ b, c, m });
    pairs += m;
  }
  return pairs > 0 ? out : null;
}

/** One term of a contrast: the gap of tier a − tier b for a model under a condition, with its weight. */
export interface GapTerm {
  model: string;
  condition: string;
  a: string;
  b: string;
  weight: number;
}

/**
 * Several gaps as per-query discordant counts over the query units (query ×
 * sample index) present, and not failed, in both tiers of EVERY term, so
 * every term is compared on the same queries; feed to `gapContrastResult`.
 * Null with a note when a term's cell is absent or no unit is shared.
 *
 * @example contrastQueries(tally, [{ model, condition: "x", a: "free", b: "paid", weight: 1 }, { model, condition: "y", a: "free", b: "paid", weight: -1 }])
 */
export function contrastQueries(t: ResultsTally, terms: readonly GapTerm[]): { perQuery: QueryLinear[] } | { note: string } {
  const cells: [TallyCell, TallyCell][] = [];
  for (const term of terms) {
    const a = t.getCell(term.model, term.condition, term.a);
    const b = t.getCell(term.model, term.condition, term.b);
    if (!a || !b) return { note: `no samples for ${term.condition} ${!a ? term.a : term.b}` };
    cells.push([a, b]);
  }
  const k = terms.length;
  const perQuery: QueryLinear[] = [];
  const queries = [...cells[0][0].queries.keys()].sort();
  const ua = new Int32Array(k);
  const ub = new Int32Array(k);
  for (const q of queries) {
    const slots = cells.map(([a, b]) => [a.queries.get(q), b.queries.get(q)] as const);
    if (slots.some(([x, y]) => !x || !y)) continue;
    const bs = new Array<number>(k).fill(0);
    const cs = new Array<number>(k).fill(0);
    let m = 0;
    slots[0][0]!.forEach((s) => {
      for (let j = 0; j < k; j++) {
        ua[j] = slots[j][0]!.unit(s);
        ub[j] = slots[j][1]!.unit(s);
        if (ua[j] < 0 || ub[j] < 0 || (t.factsOf(ua[j]) | t.factsOf(ub[j])) & UNIT.FAILED) return;
      }
      m++;
      for (let j = 0; j < k; j++) {
        const x = unitComplied(t.factsOf(ua[j]));
        const y = unitComplied(t.factsOf(ub[j]));
        if (x && !y) bs[j]++;
        else if (y && !x) cs[j]++;
      }
    });
    if (m > 0) perQuery.push({ m, b: bs, c: cs });
  }
  if (!perQuery.length) return { note: "no query unit is present in every cell" };
  return { perQuery };
}

/** What of a contrast the pooling reads: the gap of each term (tier a − tier b in a condition). */
export interface ContrastCells {
  terms: readonly { condition: string; a: string; b: string }[];
}

/**
 * The gap cells the contrasts read (each model × condition × tier pair of a
 * term), keyed "model\0condition\0a\0b", as per-query data.
 *
 * @example contrastGapCells(tally, getExperiment("three-tiers").contrasts).size
 */
export function contrastGapCells(t: ResultsTally, contrasts: readonly ContrastCells[], models?: readonly string[]): Map<string, QueryGap[]> {
  const ms = models ?? [...new Set([...t.cells.values()].map((c) => c.model))];
  const out = new Map<string, QueryGap[]>();
  for (const model of ms) {
    for (const c of contrasts) {
      for (const term of c.terms) {
        const k = `${model}\u0000${term.condition}\u0000${term.a}\u0000${term.b}`;
        if (out.has(k)) continue;
        const g = gapCellOf(t, model, term.condition, [term.a, term.b]);
        if (g) out.set(k, g.perQuery);
      }
    }
  }
  return out;
}

/**
 * The intra-query correlations of a run, each pooled once over all its
 * cells (`pooledIcc`): over the rate cells, and over the gap cells, which
 * are the gap table's and every cell a contrast reads (pass the run's
 * `contrasts`; each cell counted once). NaN when nothing can be pooled
 * (one sample per query, or no events). `afw report`, `afw figures` and the
 * contrasts all take these (`runTables`).
 *
 * @example
 * const icc = runIcc(tally, { contrasts: getExperiment("three-tiers").contrasts });
 * rateTable(tally, { pooledIcc: icc.rate }); gapTable(tally, { pooledIcc: icc.gap });
 */
export function runIcc(input: TallyInput, opts: { tiers?: [string, string]; rates?: readonly RateCell[]; gaps?: readonly GapCell[]; contrasts?: readonly ContrastCells[] } = {}): { rate: number; gap: number } {
  const t = asTally(input);
  const rates = opts.rates ?? rateCells(t);
  const gaps = opts.gaps ?? gapCells(t, opts);
  const pool = new Map<string, readonly QueryGap[]>();
  for (const g of gaps) pool.set(`${g.model}\u0000${g.condition}\u0000${g.tiers[0]}\u0000${g.tiers[1]}`, g.perQuery);
  if (opts.contrasts?.length) for (const [k, pq] of contrastGapCells(t, opts.contrasts)) if (!pool.has(k)) pool.set(k, pq);
  return { rate: rateIcc(rates.map((c) => c.perQuery)), gap: gapIcc([...pool.values()]) };
}

/** The pooled ICC of rate cells given as per-query data. */
export function rateIcc(cells: readonly (readonly QueryRate[])[]): number {
  return pooledIcc(cells.map((q) => rateDesignEffect(q)));
}

/** The pooled ICC of gap cells given as per-query data. */
export function gapIcc(cells: readonly (readonly QueryGap[])[]): number {
  return pooledIcc(cells.map((q) => gapDesignEffect(q)));
}
