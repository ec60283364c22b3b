import { figureTitle, type Figure } from "./types";

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : "–");

/**
 * The axis label of a position: figures that place points at numeric
 * positions name them with tickvals/ticktext on the axis (e.g. the forest
 * plot); show the name rather than the number.
 */
function tickLabel(fig: Figure, dim: "x" | "y", trace: Record<string, any>, at: unknown): string {
  const ref = String(trace[`${dim}axis`] ?? dim);
  const axis = fig.layout[`${dim}axis${ref.slice(1)}`] as { tickvals?: unknown[]; ticktext?: unknown[] } | undefined;
  if (typeof at === "number" && axis && Array.isArray(axis.tickvals) && Array.isArray(axis.ticktext)) {
    // the nearest tick within half a step (points may sit dodged beside their tick)
    let k = -1;
    let best = 0.5;
    axis.tickvals.forEach((v, i) => {
      if (typeof v === "number" && Math.abs(v - at) < best) {
        best = Math.abs(v - at);
        k = i;
      }
    });
    // a break after a hyphen joins the word again; any other break is a space
    if (k >= 0) return String(axis.ticktext[k]).replace(/-<br\s*\/?>/gi, "-").replace(/<br\s*\/?>/gi, " ").replace(/<[^>]*>/g, "");
  }
  return String(at);
}

/**
 * A short plain-text rendering of a figure for `text/plain` outputs and
 * logs: the title, then one line per point (trace, x or y label, value and
 * whisker ends when present), capped at `maxLines` points.
 *
 * @example
 * figureSummary(complianceByTier(rows));
 * // "Compliance rate by tier (…)\n  free · m1: 24 [14, 36] n=50\n …"
 */
export function figureSummary(fig: Figure, maxLines = 24): string {
  const lines: string[] = [figureTitle(fig).replace(/<br\s*\/?>/gi, " · ").replace(/<[^>]*>/g, "") || "(untitled figure)"];
  let count = 0;
  let total = 0;
  const ends = (v: number, err: Record<string, any> | undefined, i: number) => {
    if (!err || !Array.isArray(err.array)) return "";
    const up = err.array[i];
    const down = Array.isArray(err.arrayminus) ? err.arrayminus[i] : up;
    return typeof up === "number" && typeof down === "number" ? ` [${num(v - down)}, ${num(v + up)}]` : "";
  };
  for (const t of fig.data as Array<Record<string, any>>) {
    if (t.hoverinfo === "skip" && !t.name) continue;
    const twoD = Array.isArray(t.error_x?.array) && Array.isArray(t.error_y?.array);
    const horizontal = !twoD && (Array.isArray(t.error_x?.array) || t.orientation === "h");
    const values: unknown[] = (horizontal ? t.x : t.y) ?? [];
    // a multicategory axis holds [outer labels, inner labels]
    const rawLabels: unknown = horizontal ? t.y : t.x;
    const multi = Array.isArray(rawLabels) && rawLabels.length === 2 && Array.isArray(rawLabels[0]) && Array.isArray(rawLabels[1]);
    const labels: unknown[] = multi ? (rawLabels as unknown[][])[0].map((o, i) => `${o} · ${String((rawLabels as unknown[][])[1][i]).replace(/<br\s*\/?>/gi, " ")}`) : ((rawLabels as unknown[]) ?? []);
    const err = horizontal ? t.error_x : t.error_y;
    const texts: unknown[] = Array.isArray(t.text) ? t.text : [];
    for (let i = 0; i < values.length; i++) {
      total++;
      if (count >= maxLines) continue;
      const v = values[i];
      let line: string;
      if (twoD) {
        const x = t.x?.[i];
        line = `  ${t.name ? `${t.name}: ` : ""}x ${num(x)}${typeof x === "number" ? ends(x, t.error_x, i) : ""}, y ${num(v)}${typeof v === "number" ? ends(v, t.error_y, i) : ""}`;
      } else {
        line = `  ${t.name ? `${t.name} · ` : ""}${tickLabel(fig, horizontal ? "y" : "x", t, labels[i] ?? i)}: ${num(v)}`;
        if (typeof v === "number") line += ends(v, err, i);
      }
      if (texts[i]) line += ` ${String(texts[i])}`;
      lines.push(line);
      count++;
    }
  }
  if (total > count) lines.push(`  … ${total - count} more`);
  return lines.join("\n");
}
