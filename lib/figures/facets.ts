/** Axis domains for a grid of small multiples (rows × cols), with gaps between panels. */
export interface FacetCell {
  /** Plotly axis ids for traces, e.g. "x2", "y2". */
  xaxis: string;
  yaxis: string;
  /** Layout keys, e.g. "xaxis2", "yaxis2". */
  xkey: string;
  ykey: string;
  xdomain: [number, number];
  ydomain: [number, number];
}

/**
 * Lay out rows × cols panels, row-major from the top left. Each panel gets
 * its own axis pair (anchored to each other).
 *
 * @example
 * facetGrid(1, 3)[2].xaxis; // "x3"
 */
export function facetGrid(rows: number, cols: number, gapX = 0.06, gapY = 0.14): FacetCell[] {
  const out: FacetCell[] = [];
  const w = (1 - gapX * (cols - 1)) / cols;
  const h = (1 - gapY * (rows - 1)) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c + 1;
      const x0 = c * (w + gapX);
      const y1 = 1 - r * (h + gapY);
      out.push({
        xaxis: i === 1 ? "x" : `x${i}`,
        yaxis: i === 1 ? "y" : `y${i}`,
        xkey: i === 1 ? "xaxis" : `xaxis${i}`,
        ykey: i === 1 ? "yaxis" : `yaxis${i}`,
        xdomain: [x0, Math.min(1, x0 + w)],
        ydomain: [Math.max(0, y1 - h), y1],
      });
    }
  }
  return out;
}

/** A panel title as a layout annotation above the panel. */
export function panelTitle(cell: FacetCell, text: string): Record<string, unknown> {
  return {
    text,
    xref: "paper",
    yref: "paper",
    x: (cell.xdomain[0] + cell.xdomain[1]) / 2,
    y: cell.ydomain[1],
    xanchor: "center",
    yanchor: "bottom",
    showarrow: false,
    font: { size: 13 },
  };
}

/** Percent (or percentage points) from a fraction; null when not finite. */
export const pct = (x: number): number | null => (Number.isFinite(x) ? x * 100 : null);

/** Distinct values in order of first appearance. */
export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Plotly hover templates treat %{…} specially and render HTML; keep user strings literal. */
export function escapeTemplate(s: string): string {
  return s.replace(/%\{/g, "%\\{").replace(/</g, "&lt;");
}
