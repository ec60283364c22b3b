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
    const k = axis.tickvals.indexOf(at);
    if (k >= 0) return String(axis.ticktext[k]).replace(/<[^>]*>/g, " ");
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
  for (const t of fig.data as Array<Record<string, any>>) {
    const horizontal = Array.isArray(t.error_x?.array) || t.orientation === "h";
    const values: unknown[] = (horizontal ? t.x : t.y) ?? [];
    const labels: unknown[] = (horizontal ? t.y : t.x) ?? [];
    const err = horizontal ? t.error_x : t.error_y;
    const texts: unknown[] = Array.isArray(t.text) ? t.text : [];
    for (let i = 0; i < values.length; i++) {
      total++;
      if (count >= maxLines) continue;
      const v = values[i];
      let line = `  ${t.name ? `${t.name} · ` : ""}${tickLabel(fig, horizontal ? "y" : "x", t, labels[i] ?? i)}: ${num(v)}`;
      if (err && Array.isArray(err.array) && typeof v === "number") {
        const up = err.array[i];
        const down = Array.isArray(err.arrayminus) ? err.arrayminus[i] : up;
        if (typeof up === "number" && typeof down === "number") line += ` [${num(v - down)}, ${num(v + up)}]`;
      }
      if (texts[i]) line += ` ${String(texts[i])}`;
      lines.push(line);
      count++;
    }
  }
  if (total > count) lines.push(`  … ${total - count} more`);
  return lines.join("\n");
}
