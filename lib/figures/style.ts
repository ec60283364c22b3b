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

/** Palette order for categorical series (yellow late: low contrast on white). */
export const PALETTE: readonly string[] = [
  OKABE_ITO.orange,
  OKABE_ITO.blue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

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
    title: { x: 0.02, xanchor: "left", font: { size: 16 } },
    xaxis: { showline: true, linecolor: INK, ticks: "outside", automargin: true },
    yaxis: { showline: true, linecolor: INK, ticks: "outside", gridcolor: "#e6e6e6", zeroline: false, automargin: true },
    legend: { orientation: "h", x: 0, y: -0.18, yanchor: "top" },
    hoverlabel: { font: { family: FONT.family } },
  };
  return mergeDeep(base, extra);
}

/** Default plotly config: no logo, PNG download at 2×. */
export function baseConfig(): Record<string, unknown> {
  return { displaylogo: false, responsive: true, toImageButtonOptions: { format: "png", scale: 2 } };
}
