/**
 * Where the page gets its data: the viewer's server (filtering done there),
 * or, in a static export, data files loaded as scripts (they open from
 * file://, where fetch is not allowed) and the same Engine run in the page.
 */
import { Engine, type TableData } from "../engine";
import type { Detail, HumanLabel, Meta, Nav, PromptDiff, RowsPage, ViewQuery } from "../types";

export interface Source {
  readonly static: boolean;
  meta(): Promise<Meta>;
  rows(q: ViewQuery, offset: number, limit: number): Promise<RowsPage>;
  detail(id: string): Promise<Detail | null>;
  nav(id: string, q: ViewQuery): Promise<Nav>;
  prompt(hash: string): Promise<string | null>;
  diff(from: string, to: string): Promise<PromptDiff | null>;
  label(id: string, label: HumanLabel["label"] | null, note: string): Promise<{ label: HumanLabel | null; file: string }>;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${r.status}`);
  return body as T;
}

const qs = (o: Record<string, string | number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");

export class HttpSource implements Source {
  readonly static = false;
  meta() {
    return getJson<Meta>("api/meta");
  }
  rows(q: ViewQuery, offset: number, limit: number) {
    return getJson<RowsPage>(`api/rows?${qs({ q: JSON.stringify(q), offset, limit })}`);
  }
  detail(id: string) {
    return getJson<Detail | null>(`api/sample?${qs({ id })}`);
  }
  nav(id: string, q: ViewQuery) {
    return getJson<Nav>(`api/nav?${qs({ id, q: JSON.stringify(q) })}`);
  }
  async prompt(hash: string) {
    return (await getJson<{ text: string | null }>(`api/prompt?${qs({ hash })}`)).text;
  }
  diff(from: string, to: string) {
    return getJson<PromptDiff | null>(`api/diff?${qs({ from, to })}`);
  }
  label(id: string, label: HumanLabel["label"] | null, note: string) {
    return getJson<{ label: HumanLabel | null; file: string }>("api/label", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id, label, note }),
    });
  }
}

/** What a static export's data/table.js sets. */
export interface StaticData {
  meta: Meta;
  table: TableData;
  prompts: Record<string, string>;
  diffs: Record<string, PromptDiff>;
  /** Details are stored in chunks of this many rows: data/d/<row / chunk>.js. */
  chunk: number;
}

declare global {
  interface Window {
    __AFW_STATIC__?: StaticData;
    __afwDetails?: (chunk: number, details: Detail[]) => void;
  }
}

export class StaticSource implements Source {
  readonly static = true;
  private engine: Engine;
  private chunks = new Map<number, Promise<Detail[]>>();
  private waiting = new Map<number, (d: Detail[]) => void>();

  constructor(private data: StaticData) {
    this.engine = new Engine(data.table);
    window.__afwDetails = (chunk, details) => {
      this.waiting.get(chunk)?.(details);
      this.waiting.delete(chunk);
    };
  }
  async meta() {
    return this.data.meta;
  }
  async rows(q: ViewQuery, offset: number, limit: number) {
    return this.engine.page(q, offset, limit);
  }
  private loadChunk(k: number): Promise<Detail[]> {
    let p = this.chunks.get(k);
    if (!p) {
      p = new Promise<Detail[]>((resolve, reject) => {
        this.waiting.set(k, resolve);
        const s = document.createElement("script");
        s.src = `data/d/${k}.js`;
        s.onerror = () => reject(new Error(`cannot load data/d/${k}.js`));
        document.head.appendChild(s);
      });
      this.chunks.set(k, p);
    }
    return p;
  }
  async detail(id: string) {
    const i = this.engine.rowIndex(id);
    if (i === undefined) return null;
    const details = await this.loadChunk(Math.floor(i / this.data.chunk));
    return details[i % this.data.chunk] ?? null;
  }
  async nav(id: string, q: ViewQuery) {
    return this.engine.nav(id, q);
  }
  async prompt(hash: string) {
    return this.data.prompts[hash] ?? null;
  }
  async diff(from: string, to: string) {
    return this.data.diffs[`${from}>${to}`] ?? null;
  }
  async label(): Promise<{ label: HumanLabel | null; file: string }> {
    throw new Error("labels are saved by `afw view` (a server); a static export is read-only");
  }
}
