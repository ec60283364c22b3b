/**
 * The samples table in memory: filter, search and sort over every row, and
 * pages of the result. The server runs it (filtering server-side, so the
 * page only ever holds what it shows); a static export runs the same code in
 * the browser. Nothing here touches Node or the DOM.
 *
 * Storage is by column, categorical columns as ranks into their sorted
 * values, so a filter is a pass over small integer arrays and a sort never
 * compares strings; results are kept for the last few queries, so scrolling
 * through pages and stepping prev/next cost nothing.
 */
import type { Cell, Nav, RowsPage, TableColumn, TableRow, ViewQuery } from "./types";

/** What the engine is built from (also the static export's data file). */
export interface TableData {
  columns: TableColumn[];
  /** cells[column][row] */
  cells: Cell[][];
  ids: string[];
  /** Lowercased searchable text per row (query, reply, reasoning). */
  text: string[];
}

type Test = (row: number) => boolean;

/** A number filter: ">=0.4", "<100", "=1", "!=0", "0.2..0.5", or a bare number. Null when it does not read. */
export function numberTest(expr: string): ((x: number) => boolean) | null {
  const e = expr.trim();
  const range = /^(-?\d*\.?\d+)\s*\.\.\s*(-?\d*\.?\d+)$/.exec(e);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    return (x) => x >= a && x <= b;
  }
  const m = /^(>=|<=|!=|>|<|=)?\s*(-?\d*\.?\d+)$/.exec(e);
  if (!m) return null;
  const v = Number(m[2]);
  switch (m[1]) {
    case ">=":
      return (x) => x >= v;
    case "<=":
      return (x) => x <= v;
    case ">":
      return (x) => x > v;
    case "<":
      return (x) => x < v;
    case "!=":
      return (x) => x !== v;
    default:
      return (x) => x === v;
  }
}

/** Search terms: words, or "quoted phrases", lowercased. */
export function searchTerms(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]+)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push((m[1] ?? m[2]).toLowerCase());
  return out.filter(Boolean);
}

/** A query in a canonical form (filters sorted, empties dropped), for keys and URLs. */
export function normalQuery(q: ViewQuery): ViewQuery {
  const f: Record<string, string> = {};
  for (const k of Object.keys(q.f ?? {}).sort()) if ((q.f![k] ?? "") !== "") f[k] = q.f![k];
  const out: ViewQuery = {};
  if (Object.keys(f).length) out.f = f;
  if (q.s && q.s.trim()) out.s = q.s.trim();
  if (q.o) out.o = q.o;
  return out;
}

export class Engine {
  readonly n: number;
  private colIndex = new Map<string, number>();
  /** Per categorical column: its sorted distinct values, and each row's rank among them. */
  private ranks: (Int32Array | null)[];
  private sorted: (string[] | null)[];
  private memo = new Map<string, { order: Int32Array; errors: Record<string, string> }>();
  private idIndex = new Map<string, number>();
  private columnsCache: TableColumn[] | null = null;

  constructor(readonly data: TableData) {
    this.n = data.ids.length;
    data.columns.forEach((c, i) => this.colIndex.set(c.id, i));
    data.ids.forEach((id, i) => this.idIndex.set(id, i));
    this.ranks = [];
    this.sorted = [];
    data.columns.forEach((c, ci) => this.index(ci, c.kind));
  }

  private index(ci: number, kind: TableColumn["kind"]): void {
    if (kind !== "cat") {
      this.ranks[ci] = null;
      this.sorted[ci] = null;
      return;
    }
    const col = this.data.cells[ci];
    const vals = [...new Set(col.map((v) => (v === null ? "" : String(v))))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const at = new Map(vals.map((v, k) => [v, k] as const));
    const r = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) r[i] = at.get(col[i] === null ? "" : String(col[i]))!;
    this.ranks[ci] = r;
    this.sorted[ci] = vals;
  }

  /** The columns with their value counts (categorical columns). */
  columns(): TableColumn[] {
    return (this.columnsCache ??= this.data.columns.map((c, ci) => {
      if (c.kind !== "cat") return c;
      const counts = new Map<string, number>();
      for (const v of this.data.cells[ci]) {
        const k = v === null ? "" : String(v);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      return { ...c, values: [...counts.entries()].map(([v, n]) => ({ v, n })).sort((a, b) => b.n - a.n || (a.v < b.v ? -1 : 1)) };
    }));
  }

  rowIndex(id: string): number | undefined {
    return this.idIndex.get(id);
  }

  /** Change one cell (a label made in the page) and forget cached results. */
  setCell(row: number, colId: string, value: Cell): void {
    const ci = this.colIndex.get(colId);
    if (ci === undefined) return;
    this.data.cells[ci][row] = value;
    this.index(ci, this.data.columns[ci].kind);
    this.memo.clear();
    this.columnsCache = null;
  }

  /** Rows matching the query, in its order. */
  run(q0: ViewQuery): { order: Int32Array; errors: Record<string, string> } {
    const q = normalQuery(q0);
    const key = JSON.stringify(q);
    const hit = this.memo.get(key);
    if (hit) return hit;
    const errors: Record<string, string> = {};
    const tests: Test[] = [];
    for (const [id, val] of Object.entries(q.f ?? {})) {
      const ci = this.colIndex.get(id);
      if (ci === undefined) {
        errors[id] = "no such column";
        continue;
      }
      const col = this.data.cells[ci];
      const kind = this.data.columns[ci].kind;
      if (kind === "cat") {
        const k = this.sorted[ci]!.indexOf(val === "—" ? "" : val);
        const r = this.ranks[ci]!;
        tests.push(k < 0 ? () => false : (i) => r[i] === k);
      } else if (kind === "num") {
        const t = numberTest(val);
        if (!t) {
          errors[id] = `not a number filter (try >=0.4, <100, 0.2..0.5)`;
          continue;
        }
        tests.push((i) => {
          const x = col[i];
          return typeof x === "number" && t(x);
        });
      } else {
        const needle = val.toLowerCase();
        tests.push((i) => {
          const x = col[i];
          return x !== null && String(x).toLowerCase().includes(needle);
        });
      }
    }
    const terms = searchTerms(q.s ?? "");
    const text = this.data.text;
    if (terms.length) tests.push((i) => terms.every((t) => text[i].includes(t)));

    const hits: number[] = [];
    outer: for (let i = 0; i < this.n; i++) {
      for (const t of tests) if (!t(i)) continue outer;
      hits.push(i);
    }
    const order = Int32Array.from(hits);
    if (q.o) {
      const ci = this.colIndex.get(q.o[0]);
      if (ci !== undefined) this.sortBy(order, ci, q.o[1]);
      else errors[q.o[0]] = "no such column to sort by";
    }
    const res = { order, errors };
    if (this.memo.size >= 8) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(key, res);
    return res;
  }

  private sortBy(order: Int32Array, ci: number, dir: 1 | -1): void {
    const kind = this.data.columns[ci].kind;
    const col = this.data.cells[ci];
    let cmp: (a: number, b: number) => number;
    if (kind === "cat") {
      const r = this.ranks[ci]!;
      cmp = (a, b) => (r[a] - r[b]) * dir || a - b;
    } else if (kind === "num") {
      // nulls last whichever way
      cmp = (a, b) => {
        const x = col[a];
        const y = col[b];
        if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
        return ((x as number) - (y as number)) * dir || a - b;
      };
    } else {
      cmp = (a, b) => {
        const x = col[a] === null ? "" : String(col[a]);
        const y = col[b] === null ? "" : String(col[b]);
        return (x < y ? -1 : x > y ? 1 : 0) * dir || a - b;
      };
    }
    order.sort(cmp);
  }

  row(i: number): TableRow {
    return { i, id: this.data.ids[i], c: this.data.cells.map((col) => col[i]) };
  }

  /** One page of the result. */
  page(q: ViewQuery, offset: number, limit: number): RowsPage {
    const { order, errors } = this.run(q);
    const from = Math.max(0, Math.min(offset, order.length));
    const to = Math.min(order.length, from + Math.max(0, limit));
    const rows: TableRow[] = [];
    for (let k = from; k < to; k++) rows.push(this.row(order[k]));
    return { total: order.length, offset: from, rows, errors };
  }

  /** Where a sample sits in the query's result, and its neighbours. */
  nav(id: string, q: ViewQuery): Nav {
    const { order } = this.run(q);
    const i = this.idIndex.get(id);
    const k = i === undefined ? -1 : order.indexOf(i);
    const at = (j: number) => (j >= 0 && j < order.length ? this.data.ids[order[j]] : null);
    if (k < 0) return { index: -1, total: order.length, prev: null, next: at(0) };
    return { index: k, total: order.length, prev: at(k - 1), next: at(k + 1) };
  }
}
