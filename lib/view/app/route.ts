/**
 * The page's address: which view (table, one transcript, the tier
 * comparison), which sample, and the table's filter, all in the URL's hash,
 * so a sample's URL is stable and works from a static export on file:// too.
 *
 *   #/?q=…          the table with a filter
 *   #/s/<id>?q=…    a transcript (prev/next walk the filtered list)
 *   #/c/<id>?q=…    the same query in every tier side by side
 */
import { normalQuery } from "../engine";
import type { ViewQuery } from "../types";

export interface Route {
  view: "table" | "sample" | "compare";
  id: string | null;
  q: ViewQuery;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const [path, search = ""] = h.split("?");
  let q: ViewQuery = {};
  const m = /(?:^|&)q=([^&]*)/.exec(search);
  if (m) {
    try {
      const v = JSON.parse(decodeURIComponent(m[1])) as unknown;
      if (v && typeof v === "object") q = normalQuery(v as ViewQuery);
    } catch {
      q = {};
    }
  }
  const s = /^\/(s|c)\/(.+)$/.exec(path);
  if (s) return { view: s[1] === "s" ? "sample" : "compare", id: decodeURIComponent(s[2]), q };
  return { view: "table", id: null, q };
}

export function formatRoute(r: Route): string {
  const q = normalQuery(r.q);
  const tail = Object.keys(q).length ? `?q=${encodeURIComponent(JSON.stringify(q))}` : "";
  if (r.view === "table" || !r.id) return `#/${tail}`;
  return `#/${r.view === "sample" ? "s" : "c"}/${encodeURIComponent(r.id)}${tail}`;
}
