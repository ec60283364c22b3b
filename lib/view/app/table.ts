/**
 * The samples table: one header row (click to sort), one filter row (a
 * choice of values for categorical columns, an expression for numbers, a
 * substring for text), and a virtualised body: only the rows in view are in
 * the page, fetched from the source a block at a time.
 */
import { h } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import type { Cell, TableColumn, TableRow, ViewQuery } from "../types";
import type { Source } from "./source";
import { normalQuery } from "../engine";

const html = htm.bind(h);

export const ROW_H = 26;
const HEAD_H = 58;
const BLOCK = 100;

/** Timing marks the browser tests and the benchmark read (performance.now() times). */
export interface PerfMarks {
  /** When the first rows of the table were in the page, and when the frame that shows them had been painted. */
  firstRows: number | null;
  firstRowsPainted: number | null;
  /** Each table update after a query: the query key, its total, when its rows were in the page and when painted. */
  paints: { key: string; total: number; t: number; painted: number | null }[];
}
declare global {
  interface Window {
    __afwPerf?: PerfMarks;
  }
}
const perf = (window.__afwPerf ??= { firstRows: null, firstRowsPainted: null, paints: [] });
/** Call back once the next frame has been painted (a task queued from a frame callback runs after the paint). */
const afterPaint = (f: () => void) => requestAnimationFrame(() => setTimeout(f, 0));

function fmt(c: Cell, col: TableColumn): string {
  if (c === null || c === "") return "—";
  if (typeof c === "number") return col.id.startsWith("s:") ? c.toFixed(2) : String(c);
  return c;
}

export interface TableProps {
  source: Source;
  columns: TableColumn[];
  q: ViewQuery;
  /** Bumped when rows changed on the server (a label), to refetch. */
  version: number;
  setQuery: (q: ViewQuery) => void;
  selectedId: string | null;
  cursor: number;
  setCursor: (i: number, id: string | null) => void;
  open: (id: string) => void;
  onTotal: (n: number | null) => void;
}

function FilterControl(props: { col: TableColumn; value: string; set: (v: string) => void }) {
  const { col, value, set } = props;
  const [draft, setDraft] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setDraft(value), [value]);
  if (col.kind === "cat") {
    return html`<select class="filter" data-filter=${col.id} title=${`filter ${col.label}`} value=${value} onChange=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
      <option value="">all</option>
      ${(col.values ?? []).map((v) => html`<option value=${v.v === "" ? "—" : v.v}>${v.v === "" ? "—" : v.v} (${v.n})</option>`)}
    </select>`;
  }
  return html`<input
    class="filter"
    data-filter=${col.id}
    placeholder=${col.kind === "num" ? (/tok/i.test(col.id) ? ">=1000" : ">=0.4") : "contains"}
    title=${col.kind === "num" ? "a number, >=x, <x, a..b" : "text it contains"}
    value=${draft}
    onInput=${(e: Event) => {
      const v = (e.target as HTMLInputElement).value;
      setDraft(v);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => set(v), 250);
    }}
    onKeyDown=${(e: KeyboardEvent) => {
      if (e.key === "Enter") {
        window.clearTimeout(timer.current);
        set((e.target as HTMLInputElement).value);
      }
    }}
  />`;
}

export function Table(p: TableProps) {
  const qn = normalQuery(p.q);
  const qkey = JSON.stringify(qn) + "#" + p.version;
  // the rows and total shown belong to one query (`shown.key`); until the new query's first block
  // arrives the old rows stay on screen
  const [shown, setShown] = useState<{ key: string; total: number | null; errors: Record<string, string> }>({ key: "", total: null, errors: {} });
  const total = shown.total;
  const errors = shown.errors;
  const [, setTick] = useState(0);
  const cache = useRef(new Map<number, TableRow[]>());
  const pending = useRef(new Set<number>());
  const seq = useRef(0);
  const cacheKey = useRef<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  const template = p.columns.map((c) => `${c.width}px`).join(" ");
  const width = p.columns.reduce((a, c) => a + c.width, 0);

  const fetchBlock = (b: number) => {
    if ((cacheKey.current === qkey && cache.current.has(b)) || pending.current.has(b)) return;
    pending.current.add(b);
    const my = seq.current;
    const key = qkey;
    p.source
      .rows(qn, b * BLOCK, BLOCK)
      .then((page) => {
        if (my !== seq.current) return;
        pending.current.delete(b);
        if (cacheKey.current !== key) {
          // the first block of a new query: swap it in whole
          cache.current = new Map();
          cacheKey.current = key;
        }
        cache.current.set(b, page.rows);
        if (b === 0) setShown({ key, total: page.total, errors: page.errors });
        p.onTotal(page.total);
        setTick((t) => t + 1);
      })
      .catch(() => pending.current.delete(b));
  };

  useEffect(() => {
    seq.current++;
    pending.current = new Set();
    fetchBlock(0);
    if (box.current && shown.key !== "") box.current.scrollTop = 0;
  }, [qkey]);

  // record paints for the tests and the benchmark: only once the rows shown are this query's
  useLayoutEffect(() => {
    if (total === null || shown.key !== qkey || cacheKey.current !== qkey || !cache.current.has(0)) return;
    const now = performance.now();
    if (perf.firstRows === null) {
      perf.firstRows = now;
      afterPaint(() => (perf.firstRowsPainted = performance.now()));
    }
    const last = perf.paints[perf.paints.length - 1];
    if (!last || last.key !== qkey) {
      const mark = { key: qkey, total, t: now, painted: null as number | null };
      perf.paints.push(mark);
      afterPaint(() => (mark.painted = performance.now()));
    }
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // keep the cursor in view
  useEffect(() => {
    const el = box.current;
    if (!el || p.cursor < 0) return;
    const top = HEAD_H + p.cursor * ROW_H;
    if (top < el.scrollTop + HEAD_H) el.scrollTop = top - HEAD_H;
    else if (top + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_H - el.clientHeight;
  }, [p.cursor]);

  const n = total ?? 0;
  const first = Math.max(0, Math.floor((view.top - HEAD_H) / ROW_H) - 5);
  const last = Math.min(n, Math.ceil((view.top + view.height) / ROW_H) + 5);
  useEffect(() => {
    if (cacheKey.current !== qkey) return; // wait for the new query's first block
    for (let b = Math.floor(first / BLOCK); b <= Math.floor(Math.max(first, last - 1) / BLOCK); b++) if (b * BLOCK < n) fetchBlock(b);
  });

  const rowAt = (i: number): TableRow | undefined => cache.current.get(Math.floor(i / BLOCK))?.[i % BLOCK];
  useEffect(() => {
    const r = p.cursor >= 0 ? rowAt(p.cursor) : undefined;
    if (r) p.setCursor(p.cursor, r.id);
  });

  const sortBy = (c: TableColumn) => {
    const o = p.q.o;
    const next: ViewQuery["o"] = !o || o[0] !== c.id ? [c.id, 1] : o[1] === 1 ? [c.id, -1] : null;
    p.setQuery({ ...p.q, o: next });
  };
  const setFilter = (id: string, v: string) => p.setQuery({ ...p.q, f: { ...(p.q.f ?? {}), [id]: v } });

  const rows = [];
  for (let i = first; i < last; i++) {
    const r = rowAt(i);
    const cls = ["row", i % 2 ? "odd" : "", r && r.id === p.selectedId ? "selected" : "", i === p.cursor ? "cursor" : ""].join(" ");
    rows.push(
      r
        ? html`<div class=${cls} style=${{ top: `${i * ROW_H}px`, gridTemplateColumns: template, width: `${width}px` }} data-row-id=${r.id} data-index=${i} onClick=${() => {
            p.setCursor(i, r.id);
            p.open(r.id);
          }}>
            ${r.c.map((c, k) => html`<div class=${`cell ${p.columns[k].kind}`} title=${typeof c === "string" && c.length > 20 ? c : undefined}>${fmt(c, p.columns[k])}</div>`)}
          </div>`
        : html`<div class="row loading" style=${{ top: `${i * ROW_H}px`, width: `${width}px` }}>…</div>`,
    );
  }

  return html`<div class="table-box" ref=${box} onScroll=${(e: Event) => setView({ top: (e.target as HTMLElement).scrollTop, height: (e.target as HTMLElement).clientHeight })}>
    <div class="table-head" style=${{ width: `${width}px` }}>
      <div class="head-row" style=${{ gridTemplateColumns: template }}>
        ${p.columns.map((c) => {
          const o = p.q.o && p.q.o[0] === c.id ? (p.q.o[1] === 1 ? " ▲" : " ▼") : "";
          return html`<div class=${`head ${c.kind}`} title=${`${c.title} — click to sort`} data-sort=${c.id} onClick=${() => sortBy(c)}>${c.label}${o}</div>`;
        })}
      </div>
      <div class="head-row filters" style=${{ gridTemplateColumns: template }}>
        ${p.columns.map((c) => html`<div class=${`head-filter ${errors[c.id] ? "bad" : ""}`} title=${errors[c.id] ?? ""}><${FilterControl} col=${c} value=${p.q.f?.[c.id] ?? ""} set=${(v: string) => setFilter(c.id, v)} /></div>`)}
      </div>
    </div>
    <div class="table-body" style=${{ height: `${n * ROW_H}px`, width: `${width}px` }}>${rows}</div>
    ${total === 0 ? html`<div class="empty">No sample matches this filter.</div>` : null}
  </div>`;
}
