import { FIXED_NOTE, wrapText, ZERO_WIDTH_NOTE } from "./labels";
import type { Figure } from "./types";

/**
 * The project's one figure style: the Okabe–Ito colour-blind-safe palette,
 * one font, white background, light grid.
 */

/** The eight Okabe–Ito colours by name. */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  black: "#000000",
} as const;

/**
 * Palette order for categorical series: the Okabe–Ito colours without
 * yellow (contrast 1.3 on white: a yellow point cannot be seen), then eight
 * more from Paul Tol's muted and bright schemes, so up to 15 series get
 * colours of their own, each with a contrast of at least 2 on white.
 */
export const PALETTE: readonly string[] = [
  OKABE_ITO.orange,
  OKABE_ITO.blue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.black,
  "#882255",
  "#332288",
  "#999933",
  "#44AA99",
  "#AA4499",
  "#661100",
  "#6699CC",
  "#888888",
];

/** Marker symbols in order, so series that share a position stay distinguishable. */
export const SYMBOLS: readonly string[] = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "star", "pentagon", "hexagon", "cross", "hourglass", "bowtie", "triangle-left", "triangle-right", "star-diamond"];

/** Fixed colours for the paper's two tiers, so they look the same in every figure. */
export const TIER_COLORS: Readonly<Record<string, string>> = {
  free: OKABE_ITO.orange,
  paid: OKABE_ITO.blue,
};

/** The font for every figure (DejaVu ships with Debian, so PNGs render the same everywhere). */
export const FONT = { family: "DejaVu Sans, Arial, Helvetica, sans-serif", size: 13, color: "#222222" } as const;

/** Colour for whiskers and reference lines. */
export const INK = "#333333";

/**
 * Colours for a list of series keys: known tiers get their fixed colour,
 * the rest take unused palette colours in order.
 *
 * @example
 * seriesColors(["free", "paid", "other"]); // ["#E69F00", "#0072B2", "#009E73"]
 */
export function seriesColors(keys: readonly string[]): string[] {
  const used = new Set<string>();
  const out: (string | undefined)[] = keys.map((k) => {
    const c = TIER_COLORS[k];
    if (c && !used.has(c)) {
      used.add(c);
      return c;
    }
    return undefined;
  });
  let next = 0;
  return out.map((c) => {
    if (c) return c;
    while (next < PALETTE.length && used.has(PALETTE[next])) next++;
    const pick = PALETTE[next % PALETTE.length] ?? PALETTE[0];
    used.add(pick);
    next++;
    return pick;
  });
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Deep-merge plain objects (arrays and scalars in `extra` replace). */
export function mergeDeep(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeDeep(b, v) : v;
  }
  return out;
}

/**
 * The base plotly layout for every figure, merged with `extra`.
 *
 * @example
 * baseLayout({ title: { text: "Compliance by tier" }, barmode: "group" });
 */
export function baseLayout(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    font: { ...FONT },
    colorway: [...PALETTE],
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    margin: { l: 70, r: 30, t: 70, b: 70 },
    // placed by finishFigure: plotly sets a multi-line title's first baseline at y, whatever the anchor
    title: { x: 0.02, xanchor: "left", yref: "container", yanchor: "bottom", font: { size: TITLE_SIZE } },
    xaxis: { showline: true, linecolor: INK, ticks: "outside", automargin: true },
    yaxis: { showline: true, linecolor: INK, ticks: "outside", gridcolor: "#e6e6e6", zeroline: false, automargin: true },
    // right of the plot: plotly grows the right margin for it, and it never meets the x-axis title
    legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" },
    hoverlabel: { font: { family: FONT.family } },
  };
  return mergeDeep(base, extra);
}

const TITLE_SIZE = 16;
const TITLE_PAD = 10;
/** Default image size of the exporter when a layout sets none. */
export const DEFAULT_SIZE = { width: 800, height: 500 } as const;

/**
 * Finish a figure: the title wrapped to the figure's width, with one
 * footnote line per kind of point drawn without an interval (hollow: the
 * method returned zero width; or a declared fixed quantity), and a top
 * margin that holds every title line (plus the panel titles of a facet
 * grid), the figure growing by as much, so the plot keeps its size.
 */
export function finishFigure(data: Record<string, unknown>[], layout: Record<string, unknown>): Figure {
  const title = (layout.title ?? {}) as Record<string, unknown>;
  let text = typeof title.text === "string" ? title.text : "";
  const reasons = new Set<string>();
  for (const t of data) for (const d of (((t.meta as any)?.afw?.noInterval ?? []) as { reason: string }[])) reasons.add(d.reason);
  if (reasons.has("zero-width")) text += `<br><sup>${ZERO_WIDTH_NOTE}</sup>`;
  if (reasons.has("fixed")) text += `<br><sup>${FIXED_NOTE}</sup>`;
  const width = typeof layout.width === "number" ? layout.width : DEFAULT_SIZE.width;
  text = wrapText(text, width * 0.96 - 20, TITLE_SIZE);
  const lines = text ? text.split(/<br\s*\/?>/i).length : 0;
  const panelTitles = ((layout.annotations ?? []) as Record<string, unknown>[]).some((a) => a.yref === "paper" && typeof a.y === "number" && a.y >= 0.999 && a.yanchor === "bottom");
  const margin = { ...((layout.margin ?? {}) as Record<string, number>) };
  // first line ~19 px, each further line ~21 px (the sub-lines are smaller, so this errs on the roomy side)
  const top = TITLE_PAD + (lines ? 19 + 21 * (lines - 1) : 0) + 18 + (panelTitles ? 22 : 0);
  const grow = Math.max(0, top - (margin.t ?? 70));
  margin.t = Math.max(margin.t ?? 70, top);
  const height = (typeof layout.height === "number" ? layout.height : DEFAULT_SIZE.height) + grow;
  const out: Record<string, unknown> = { ...layout, title: { ...title, text, y: 1 - (TITLE_PAD + TITLE_SIZE) / height }, margin, height };
  return { data, layout: out, config: baseConfig() };
}

/** The axis look of the base layout, for the extra axes of small multiples (so every panel looks like the first). */
export const AXIS_STYLE = { showline: true, linecolor: INK, ticks: "outside", automargin: true, zeroline: false } as const;

/** Default plotly config: no logo, PNG download at 2×. */
export function baseConfig(): Record<string, unknown> {
  return { displaylogo: false, responsive: true, toImageButtonOptions: { format: "png", scale: 2 } };
}
