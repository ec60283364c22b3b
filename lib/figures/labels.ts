/**
 * Text the figures print: n as the report counts it, interval status, and
 * titles wrapped to the figure's width.
 */
import type { CountFields, IntervalFields } from "./rows";

/**
 * n as a figure prints it: "n=50" (one sample per query), "n=50×8" (50
 * queries, 8 samples each), "n=50 (396 samples)" (queries with different
 * numbers of samples); from the row's own `n` when it carries no counts.
 *
 * @example
 * nLabel({ n: 400, n_queries: 50, n_samples: 400, samples_per_query: 8 }); // "n=50×8"
 * nLabel({ n: 100 }); // "n=100"
 */
export function nLabel(c: CountFields & { n?: number }): string {
  const q = c.n_queries;
  if (typeof q === "number" && Number.isFinite(q)) {
    const spq = c.samples_per_query;
    const ns = c.n_samples;
    if (spq === null || (spq === undefined && typeof ns === "number" && ns !== q)) return typeof ns === "number" ? `n=${q} (${ns} samples)` : `n=${q}`;
    if (typeof spq === "number" && spq > 1) return `n=${q}×${spq}`;
    return `n=${q}`;
  }
  return typeof c.n === "number" && Number.isFinite(c.n) ? `n=${c.n}` : "n=?";
}

/** What "n" means in a figure's subtitle, given its rows: queries (× samples per query) when they carry counts. */
export function nMeaning(rows: ReadonlyArray<CountFields>, fallback: string): string {
  if (rows.length && rows.every((r) => typeof r.n_queries === "number")) {
    return rows.some((r) => (r.samples_per_query ?? 1) !== 1 || r.samples_per_query === null) ? "n = queries × samples per query" : "n = queries";
  }
  return `n = ${fallback}`;
}

/** Whether (and why not) an interval is drawn: "ok", "fixed" (no sampling error, declared), "zero-width" (the method gave a point), "missing". */
export type IntervalStatus = "ok" | "fixed" | "zero-width" | "missing";

/**
 * The status of an interval (see `IntervalFields`): a whisker is drawn only
 * for "ok".
 *
 * @example
 * intervalStatus({ value: 0, ci_low: 0, ci_high: 0 }); // "zero-width"
 */
export function intervalStatus(e: { value: number; ci_low: number; ci_high: number } & IntervalFields): IntervalStatus {
  if (e.fixed) return "fixed";
  if (!Number.isFinite(e.ci_low) || !Number.isFinite(e.ci_high)) return "missing";
  return e.ci_high - e.ci_low > 1e-12 ? "ok" : "zero-width";
}

/** The footnote of a figure with points whose method returned a zero-width interval. */
export const ZERO_WIDTH_NOTE = "no whisker (marker hollow or ringed): the interval method returned zero width, which no finite sample supports";
/** The footnote for declared fixed quantities. */
export const FIXED_NOTE = "no whisker: a quantity with no sampling error";

/** Strip plotly's HTML-like tags (for measuring and plain text). */
export function plainText(s: string): string {
  return s.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, "");
}

/**
 * Break `text` at spaces so no line is wider than `maxPx` (an estimate:
 * DejaVu Sans averages about 0.6 em per character). Existing `<br>` breaks
 * are kept; each line keeps its tags (a `<sup>…</sup>` line is measured at
 * the 70% size plotly gives it, and wrapped inside its tags).
 *
 * @example
 * wrapText("a long title that will not fit", 100, 16); // "a long title<br>that will not<br>fit"
 */
export function wrapText(text: string, maxPx: number, fontPx: number): string {
  return text
    .split(/<br\s*\/?>/i)
    .map((line) => {
      const sup = /^\s*<sup>([\s\S]*)<\/sup>\s*$/i.exec(line);
      const inner = sup ? sup[1] : line;
      const px = (sup ? 0.7 : 1) * fontPx * 0.6;
      const maxChars = Math.max(8, Math.floor(maxPx / px));
      if (plainText(inner).length <= maxChars) return line;
      const words = inner.split(/ +/);
      const out: string[] = [];
      let cur = "";
      for (const w of words) {
        const next = cur ? `${cur} ${w}` : w;
        if (plainText(next).length > maxChars && cur) {
          out.push(cur);
          cur = w;
        } else cur = next;
      }
      if (cur) out.push(cur);
      return sup ? out.map((l) => `<sup>${l}</sup>`).join("<br>") : out.join("<br>");
    })
    .join("<br>");
}

/**
 * A figure title: the caller's (or the default) main line, then the
 * builder's key line (what whiskers, markers and n mean) as a subtitle,
 * kept under a caller's own title too, so every exported image says what
 * it shows.
 *
 * @example
 * titleText(undefined, "Compliance gap", "whiskers: 95% CI · n = queries"); // "Compliance gap<br><sup>whiskers: 95% CI · n = queries</sup>"
 */
export function titleText(custom: string | undefined, main: string, sub: string): string {
  return `${custom ?? main}${sub ? `<br><sup>${sub}</sup>` : ""}`;
}

/**
 * A category label on lines of at most `maxChars` characters, broken after
 * hyphens or at spaces (a long model name under a tick stays narrow and
 * level instead of running into its neighbour).
 *
 * @example
 * wrapLabel("sim-terminal-guarder", 12); // "sim-terminal-<br>guarder"
 */
export function wrapLabel(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  const parts = s.split(/(?<=-)|(?<= )/);
  const lines: string[] = [];
  let cur = "";
  for (const p of parts) {
    if (cur && (cur + p).trimEnd().length > maxChars) {
      lines.push(cur.trimEnd());
      cur = p;
    } else cur += p;
  }
  if (cur) lines.push(cur.trimEnd());
  return lines.join("<br>");
}
