/**
 * The figure checks behind test/figures.quality.test.ts: what a reviewer
 * would reject in a paper figure, measured on the figure spec and on the
 * SVG that the real Chromium exporter renders.
 *
 * - text: no text box overlaps another, and none leaves the canvas
 *   (boxes from the rendered SVG: each text's getBBox() mapped through its
 *   screen transform, so rotated labels are tested as rotated rectangles);
 * - colour: no two legend entries in one colour (a hatched and a solid bar
 *   of one colour differ by their pattern); no point or line colour too
 *   faint to see on white (contrast ratio against white < 1.8: Okabe–Ito
 *   yellow is 1.26);
 * - n: given strings (the counts) are present in the SVG's text;
 * - intervals: no whisker of zero width; a point drawn without one must be
 *   declared (trace meta.afw.noInterval) as either "fixed" (no sampling
 *   error) or "zero-width" (the method returned a point: drawn hollow, with
 *   a footnote saying so);
 * - colour scales: every trace whose colour encodes a value shows a colour
 *   bar; a coverage heatmap is diverging and centred on its nominal level.
 */
import { createRequire } from "node:module";
import type { Figure } from "../../lib/figures";

const require = createRequire(import.meta.url);

export interface TextBox {
  text: string;
  cls: string;
  /** Corners in canvas pixels (a rectangle, possibly rotated). */
  quad: [number, number][];
  /** Axis-aligned bounds of the quad. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface SvgGeometry {
  width: number;
  height: number;
  texts: TextBox[];
  /** One entry per legend item: its text and the colours/patterns of its glyph. */
  legend: { text: string; key: string }[];
  /** Lengths (px) of the drawn error bars. */
  errorbars: number[];
  heatmaps: number;
  colorbars: number;
}

interface PwPage {
  setContent(html: string): Promise<void>;
  evaluate(expression: string): Promise<unknown>;
}
export interface PwBrowser {
  newPage(opts?: Record<string, unknown>): Promise<PwPage>;
  close(): Promise<void>;
}

/** Start Chromium with the project's flags (the caller closes it). */
export async function launchBrowser(executablePath: string, args: readonly string[]): Promise<PwBrowser> {
  const { chromium } = require("playwright-core") as { chromium: { launch(o: Record<string, unknown>): Promise<PwBrowser> } };
  return chromium.launch({ executablePath, args: [...args] });
}

// Runs in the page (a string, so no transpiler helper leaks in).
const MEASURE_JS = `(() => {
  const svg = document.querySelector("svg.main-svg");
  const W = Number(svg.getAttribute("width")), H = Number(svg.getAttribute("height"));
  const root = svg.getBoundingClientRect();
  const texts = [];
  for (const t of svg.querySelectorAll("text")) {
    // plotly writes each line of a multi-line label as a tspan.line: read them with a space between
    const lineNodes = t.querySelectorAll("tspan.line");
    const raw = lineNodes.length ? Array.from(lineNodes).map((x) => x.textContent || "").join(" ") : t.textContent || "";
    const s = raw.replace(/\\s+/g, " ").trim();
    if (!s) continue;
    const cs = getComputedStyle(t);
    if (cs.display === "none" || cs.visibility === "hidden" || Number(cs.opacity) === 0) continue;
    let hidden = false;
    for (let p = t.parentElement; p && p !== svg; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.display === "none" || Number(ps.opacity) === 0) { hidden = true; break; }
    }
    if (hidden) continue;
    const b = t.getBBox();
    if (!(b.width > 0 && b.height > 0)) continue;
    const m = t.getScreenCTM();
    const pt = (x, y) => { const q = new DOMPoint(x, y).matrixTransform(m); return [q.x - root.left, q.y - root.top]; };
    const quad = [pt(b.x, b.y), pt(b.x + b.width, b.y), pt(b.x + b.width, b.y + b.height), pt(b.x, b.y + b.height)];
    const xs = quad.map((q) => q[0]), ys = quad.map((q) => q[1]);
    texts.push({ text: s, cls: t.getAttribute("class") || "", quad, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) });
  }
  const legend = [];
  for (const g of svg.querySelectorAll("g.legend g.traces")) {
    const label = (g.querySelector("text.legendtext")?.textContent || "").trim();
    const parts = [];
    for (const p of g.querySelectorAll("g.legendpoints path, g.legendpoints rect")) {
      const st = p.getAttribute("style") || "";
      const fill = /fill: ([^;]+)/.exec(st)?.[1] || "";
      const stroke = /stroke: ([^;]+)/.exec(st)?.[1] || "";
      const pattern = /url\\(/.test(fill) ? "pattern" : "";
      const d = p.getAttribute("d") || "";
      parts.push([pattern ? "pattern" : fill, stroke, pattern, (p.getAttribute("class") || "").includes("scatterpts") ? d.slice(0, 12) : ""].join("|"));
    }
    legend.push({ text: label, key: parts.sort().join(";") });
  }
  const errorbars = [];
  for (const p of svg.querySelectorAll("g.errorbar path")) {
    const d = p.getAttribute("d") || "";
    const m = /^M([-\\d.e]+),([-\\d.e]+).*?([HV])([-\\d.e]+)/.exec(d);
    if (!m) continue;
    const start = m[3] === "H" ? Number(m[1]) : Number(m[2]);
    errorbars.push(Math.abs(start - Number(m[4])));
  }
  const heatmaps = svg.querySelectorAll("g.hm").length;
  const colorbars = svg.querySelectorAll("g.colorbar").length;
  return { width: W, height: H, texts, legend, errorbars, heatmaps, colorbars };
})()`;

/** Measure an SVG rendered by the exporter in a fresh page of `browser`. */
export async function measureSvg(browser: PwBrowser, svg: string): Promise<SvgGeometry> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>${svg}</body></html>`);
    return (await page.evaluate(MEASURE_JS)) as SvgGeometry;
  } finally {
    await (page as unknown as { close(): Promise<void> }).close();
  }
}

/** Separating-axis test for two convex quads, each shrunk by `inset` px towards its centre. */
function quadsOverlap(a: [number, number][], b: [number, number][], inset: number): boolean {
  const shrink = (q: [number, number][]): [number, number][] => {
    const cx = q.reduce((s, p) => s + p[0], 0) / 4;
    const cy = q.reduce((s, p) => s + p[1], 0) / 4;
    return q.map(([x, y]) => {
      const dx = x - cx;
      const dy = y - cy;
      // move each corner along the diagonal by `inset` (negative: outwards)
      const len = Math.hypot(dx, dy) || 1;
      const k = Math.max(0, len - inset * Math.SQRT2) / len;
      return [cx + dx * k, cy + dy * k];
    });
  };
  const A = shrink(a);
  const B = shrink(b);
  for (const q of [A, B]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = q[i];
      const [x2, y2] = q[(i + 1) % 4];
      const nx = y2 - y1;
      const ny = x1 - x2;
      if (nx === 0 && ny === 0) continue;
      const proj = (r: [number, number][]) => r.map(([x, y]) => x * nx + y * ny);
      const pa = proj(A);
      const pb = proj(B);
      if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return false;
    }
  }
  return true;
}

/**
 * Pairs of text boxes drawn over each other or run together: each box is
 * grown by `clearance` px (default 1), so two labels closer than 2 px —
 * which read as one — count too.
 */
export function textOverlaps(g: SvgGeometry, clearance = 1): string[] {
  const inset = -clearance;
  const out: string[] = [];
  const t = g.texts;
  for (let i = 0; i < t.length; i++) {
    for (let j = i + 1; j < t.length; j++) {
      const a = t[i];
      const b = t[j];
      if (a.x1 + clearance <= b.x0 - clearance || b.x1 + clearance <= a.x0 - clearance || a.y1 + clearance <= b.y0 - clearance || b.y1 + clearance <= a.y0 - clearance) continue;
      if (quadsOverlap(a.quad, b.quad, inset)) out.push(`"${a.text.slice(0, 60)}" (${a.cls}) over "${b.text.slice(0, 60)}" (${b.cls})`);
    }
  }
  return out;
}

/** Text boxes that leave the canvas (clipped in the PNG/SVG). */
export function clippedTexts(g: SvgGeometry, tol = 1): string[] {
  return g.texts.filter((b) => b.x0 < -tol || b.y0 < -tol || b.x1 > g.width + tol || b.y1 > g.height + tol).map((b) => `"${b.text.slice(0, 60)}" at [${b.x0.toFixed(0)}, ${b.y0.toFixed(0)}, ${b.x1.toFixed(0)}, ${b.y1.toFixed(0)}] on ${g.width}×${g.height}`);
}

/** Legend entries whose glyphs look the same (same colours, same pattern, same marker shape). */
export function sameLookingLegendEntries(g: SvgGeometry): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const e of g.legend) {
    if (!e.key) continue;
    const prev = seen.get(e.key);
    if (prev !== undefined && prev !== e.text) out.push(`"${prev}" and "${e.text}" look the same (${e.key})`);
    else seen.set(e.key, e.text);
  }
  return out;
}

/** All text of the SVG, joined by spaces (for "is n printed?" checks). */
export function svgText(g: SvgGeometry): string {
  return g.texts.map((t) => t.text).join(" \u2016 ");
}

// ---- spec checks ---------------------------------------------------------

function hexToRgb(c: string): [number, number, number] | null {
  const s = c.trim().toLowerCase();
  let m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  const r = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/.exec(s);
  if (r) return [Number(r[1]), Number(r[2]), Number(r[3])];
  return null;
}

/** WCAG relative luminance of a colour (hex or rgb()). */
export function luminance(c: string): number {
  const rgb = hexToRgb(c);
  if (!rgb) return NaN;
  const [r, g, b] = rgb.map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of a colour against white. */
export function contrastOnWhite(c: string): number {
  return 1.05 / (luminance(c) + 0.05);
}

type Trace = Record<string, any>;
const colourOf = (t: Trace): string | undefined => {
  const m = t.marker?.color;
  if (typeof m === "string") return m;
  if (typeof t.line?.color === "string") return t.line.color;
  return undefined;
};

/**
 * Legend entries (traces shown in the legend, one per legend group) that
 * share a colour and differ in nothing else a reader can see in the legend
 * (marker pattern).
 */
export function sharedSeriesColours(fig: Figure): string[] {
  const entries: { name: string; key: string }[] = [];
  const groups = new Set<string>();
  for (const t of fig.data as Trace[]) {
    if (t.showlegend === false || t.type === "heatmap") continue;
    if (!t.name) continue;
    const g = t.legendgroup ? `group:${t.legendgroup}` : `name:${t.name}`;
    if (groups.has(g)) continue;
    groups.add(g);
    const colour = colourOf(t);
    if (!colour) continue;
    const pattern = t.marker?.pattern?.shape ?? "";
    const fill = t.marker?.line?.color ?? "";
    // a shaded band shows as a filled swatch in the legend, a line or marker as itself: same hue, different glyph
    const glyph = t.fill && t.fill !== "none" ? "area" : "";
    entries.push({ name: String(t.name), key: `${colour.toLowerCase()}|${pattern}|${pattern ? fill : ""}|${glyph}` });
  }
  const out: string[] = [];
  for (let i = 0; i < entries.length; i++) for (let j = i + 1; j < entries.length; j++) if (entries[i].key === entries[j].key) out.push(`"${entries[i].name}" and "${entries[j].name}" share ${entries[i].key}`);
  return out;
}

/** Point and line colours of scatter traces that are too faint on white (contrast ratio < min). */
export function faintColours(fig: Figure, min = 1.8): string[] {
  const out: string[] = [];
  for (const t of fig.data as Trace[]) {
    if (t.type !== "scatter" || t.visible === false) continue;
    const cs = [typeof t.marker?.color === "string" && !/^rgba?\(.*,\s*0(\.\d+)?\)$/.test(t.marker.color) ? t.marker.color : undefined, t.mode?.includes("lines") && typeof t.line?.color === "string" && (t.line.width ?? 2) > 0 ? t.line.color : undefined];
    for (const c of cs) {
      if (!c || c === "#ffffff") continue;
      const r = contrastOnWhite(c);
      if (r < min) out.push(`${t.name ?? "(unnamed)"}: ${c} has contrast ${r.toFixed(2)} on white`);
    }
  }
  return out;
}

/**
 * Intervals drawn with zero width, and points drawn without an interval
 * that do not say why. A trace declares its points without a whisker in
 * `meta.afw.noInterval`: `{ index, reason: "fixed" | "zero-width" }`.
 */
export function zeroWidthIntervals(fig: Figure): string[] {
  const out: string[] = [];
  for (const t of fig.data as Trace[]) {
    for (const key of ["error_x", "error_y"] as const) {
      const e = t[key];
      if (!e || e.visible === false || !Array.isArray(e.array)) continue;
      const values: unknown[] = key === "error_x" ? t.x : t.y;
      const axis = key === "error_x" ? "x" : "y";
      const declared = new Map<number, string>(((t.meta?.afw?.noInterval ?? []) as { index: number; reason: string; axis?: string }[]).filter((d) => !d.axis || d.axis === axis).map((d) => [d.index, d.reason]));
      for (let i = 0; i < (values?.length ?? 0); i++) {
        if (typeof values[i] !== "number") continue;
        const up = e.array[i];
        const down = Array.isArray(e.arrayminus) ? e.arrayminus[i] : up;
        const has = typeof up === "number" && typeof down === "number" && Number.isFinite(up) && Number.isFinite(down);
        if (has && up + down <= 1e-9) out.push(`${t.name ?? "(unnamed)"} #${i}: a whisker of zero width`);
        if (!has && !declared.has(i)) out.push(`${t.name ?? "(unnamed)"} #${i}: no whisker and no reason given`);
        if (has && declared.has(i)) out.push(`${t.name ?? "(unnamed)"} #${i}: declared without interval but drawn with one`);
      }
    }
  }
  return out;
}

/** Points the figure declares as lacking a valid interval (the method gave zero width). */
export function flaggedPoints(fig: Figure): number {
  let k = 0;
  for (const t of fig.data as Trace[]) for (const d of (t.meta?.afw?.noInterval ?? []) as { reason: string }[]) if (d.reason === "zero-width") k++;
  return k;
}

/** Traces whose colour encodes a value (heatmaps, colour-scaled markers) without a visible colour bar in the figure. */
export function missingColourScales(fig: Figure): string[] {
  const valued = (fig.data as Trace[]).filter((t) => t.type === "heatmap" || t.type === "contour" || Array.isArray(t.marker?.color));
  if (!valued.length) return [];
  const shown = valued.some((t) => t.showscale !== false && !t.coloraxis) || Object.entries(fig.layout).some(([k, v]) => k.startsWith("coloraxis") && (v as any)?.showscale !== false);
  return shown ? [] : [`${valued.length} trace(s) encode values by colour and no colour bar is shown`];
}

/** Interpolate a plotly colour scale at t ∈ [0, 1]. */
export function colourAt(scale: [number, string][], t: number): [number, number, number] {
  for (let i = 1; i < scale.length; i++) {
    if (t <= scale[i][0] + 1e-12) {
      const [t0, c0] = scale[i - 1];
      const [t1, c1] = scale[i];
      const a = hexToRgb(c0)!;
      const b = hexToRgb(c1)!;
      const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
      return [0, 1, 2].map((k) => a[k] + f * (b[k] - a[k])) as [number, number, number];
    }
  }
  return hexToRgb(scale[scale.length - 1][1])!;
}

/**
 * A coverage heatmap's colour scale: diverging and centred on the nominal
 * level. The heatmap must colour the deviation from nominal with a colour
 * domain symmetric about 0 (zmin = −zmax, zmid 0), white at the centre,
 * under-coverage warm (red > blue) and over-coverage cool (blue > red), and
 * an over-coverage of d no darker than an under-coverage of d (missing the
 * nominal level from below is the alarming direction).
 */
export function divergingCentredProblems(fig: Figure): string[] {
  const out: string[] = [];
  const hms = (fig.data as Trace[]).filter((t) => t.type === "heatmap");
  if (!hms.length) return ["no heatmap"];
  for (const t of hms) {
    const ax = t.coloraxis ? (fig.layout[t.coloraxis.replace(/^coloraxis/, "coloraxis")] as any) : t;
    const scale = (ax.colorscale ?? t.colorscale) as [number, string][];
    const zmin = ax.cmin ?? ax.zmin;
    const zmax = ax.cmax ?? ax.zmax;
    if (!Array.isArray(scale)) {
      out.push(`${t.name}: colour scale is not an explicit list`);
      continue;
    }
    if (!(typeof zmin === "number" && typeof zmax === "number" && Math.abs(zmin + zmax) < 1e-9 && zmax > 0)) out.push(`${t.name}: colour domain [${zmin}, ${zmax}] is not symmetric about the nominal level (0)`);
    const mid = colourAt(scale, 0.5);
    if (mid.some((v) => v < 245)) out.push(`${t.name}: the nominal level is not white (${mid.map(Math.round).join(",")})`);
    const lo = colourAt(scale, 0);
    const hi = colourAt(scale, 1);
    if (!(lo[0] > lo[2])) out.push(`${t.name}: under-coverage end is not warm`);
    if (!(hi[2] > hi[0])) out.push(`${t.name}: over-coverage end is not cool`);
    for (const d of [0.15, 0.3, 0.5]) {
      const under = colourAt(scale, 0.5 - d);
      const over = colourAt(scale, 0.5 + d);
      const L = (c: number[]) => luminance(`rgb(${c.map(Math.round).join(",")})`);
      if (L(over) < L(under)) out.push(`${t.name}: over-coverage at +${d} is darker than under-coverage at −${d}`);
    }
    const z = (t.z as (number | null)[][]).flat().filter((v): v is number => typeof v === "number");
    const text = (t.text as string[][] | undefined)?.flat() ?? [];
    if (!text.length) out.push(`${t.name}: cells print no coverage`);
    if (z.some((v) => v > zmax + 1e-9 && v <= 100 - 0)) {
      /* values beyond the domain are clipped to the end colours: allowed */
    }
  }
  if (missingColourScales(fig).length) out.push("no colour bar");
  return out;
}
