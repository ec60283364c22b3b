/**
 * A plotly figure as plain JSON: what `Plotly.newPlot` takes and what the
 * `application/vnd.plotly.v1+json` MIME bundle holds. Kept minimal on
 * purpose (plotly's own types are heavy to compile).
 */
export interface Figure {
  data: any[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Static export formats. */
export type ExportFormat = "png" | "svg" | "html";

/**
 * The title text of a figure, whether `layout.title` is a string or `{ text }`.
 *
 * @example
 * figureTitle({ data: [], layout: { title: { text: "Rates" } } }); // "Rates"
 */
export function figureTitle(fig: Figure): string {
  const t = fig.layout.title as unknown;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "";
}
