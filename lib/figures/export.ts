import { existsSync, readFileSync } from "node:fs";
import { AfwError } from "../util/errors";
import { writeFileAtomic } from "../util/fsx";
import { requirePackage, resolvePackage } from "../util/resolve.cjs";
import { figureTitle, type ExportFormat, type Figure } from "./types";

/** The Chromium flags used for static export (no network, no GPU, no first-run chatter). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** The one-line install hint shown when Chromium is missing. */
export const CHROMIUM_HINT = "apt-get install --no-install-recommends chromium";

/** Where Chromium is expected: env AFW_CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.AFW_CHROMIUM || "/usr/bin/chromium";
}

/**
 * Whether static PNG/SVG export can run (the Chromium binary exists).
 *
 * @example
 * if (!chromiumAvailable()) console.log("HTML only");
 */
export function chromiumAvailable(executablePath: string = chromiumPath()): boolean {
  return existsSync(executablePath);
}

// The parts of playwright-core we use (loaded lazily, typed locally to keep lib compile-time light).
interface PwPage {
  setContent(html: string): Promise<void>;
  addScriptTag(opts: { path: string }): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}
interface PwBrowser {
  newPage(opts?: Record<string, unknown>): Promise<PwPage>;
  close(): Promise<void>;
}
interface PwChromium {
  launch(opts: Record<string, unknown>): Promise<PwBrowser>;
}

/** Absolute path of the plotly.js-dist-min bundle. */
export function plotlyBundlePath(): string {
  return resolvePackage("plotly.js-dist-min");
}

let plotlySource: string | undefined;

/** The plotly bundle, made safe to inline in an HTML <script> element. */
function inlinePlotly(): string {
  if (plotlySource === undefined) {
    plotlySource = readFileSync(plotlyBundlePath(), "utf8").replace(/<\/script/gi, "\\x3C/script").replace(/<!--/g, "\\x3C!--");
  }
  return plotlySource;
}

/** JSON safe to embed in a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A self-contained interactive HTML page for a figure: the plotly bundle and
 * the figure JSON are inlined, so it opens offline (about 4.8 MB).
 *
 * @example
 * writeFileSync("fig.html", htmlDocument(fig));
 */
export function htmlDocument(fig: Figure): string {
  const title = escapeHtml(figureTitle(fig).replace(/<[^>]*>/g, "") || "figure");
  return (
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<style>html,body{margin:0;background:#fff}#figure{width:100vw;height:100vh}</style></head>\n<body><div id="figure"></div>\n` +
    `<script>${inlinePlotly()}</script>\n` +
    `<script>(function(){var fig=${scriptJson(fig)};` +
    `Plotly.newPlot("figure",fig.data,Object.assign({},fig.layout,{width:undefined,height:undefined,autosize:true}),` +
    `Object.assign({responsive:true},fig.config||{}));})();</script>\n</body></html>\n`
  );
}

/** Options for `createExporter`. */
export interface ExporterOptions {
  /** Chromium binary; default env AFW_CHROMIUM or /usr/bin/chromium. */
  executablePath?: string;
  /** Image size in CSS pixels when the figure's layout sets none; default 800 × 500. */
  width?: number;
  height?: number;
  /** PNG device scale; default 2. */
  pngScale?: number;
}

/** Renders figures to files or strings, reusing one headless browser. */
export interface Exporter {
  /**
   * Write `basePath.png`, `.svg` and/or `.html` (default all three), each
   * atomically; returns the written paths. PNG/SVG need Chromium (AfwError
   * with an install hint otherwise); HTML does not.
   */
  export(fig: Figure, basePath: string, formats?: ExportFormat[]): Promise<string[]>;
  /** PNG as base64 (no data: prefix). */
  toPngBase64(fig: Figure): Promise<string>;
  /** SVG markup. */
  toSvg(fig: Figure): Promise<string>;
  /** Close the browser (a later export launches a new one). */
  close(): Promise<void>;
  /** How many times a browser was launched (1 for any number of figures). */
  readonly launches: number;
  /** How many images were rendered. */
  readonly renders: number;
}

// Runs inside the page. A string, not a function: test runners and tsx may
// inject helpers into function bodies, which would not exist in the page.
const RENDER_JS =
  "async function (a) { var url = await Plotly.toImage({ data: a.fig.data, layout: a.fig.layout, config: a.fig.config || {} }," +
  " { format: a.format, width: a.width, height: a.height, scale: a.scale }); return url; }";

/**
 * Create a static exporter. The browser starts on the first PNG/SVG render
 * and is reused for every later figure; plotly is loaded from node_modules
 * (no network). Call `close()` when done.
 *
 * @example
 * const ex = createExporter();
 * await ex.export(fig, "figures/compliance", ["png", "svg"]);
 * await ex.close();
 */
export function createExporter(opts: ExporterOptions = {}): Exporter {
  // resolved at launch time, so AFW_CHROMIUM set later still counts
  const binary = () => opts.executablePath ?? chromiumPath();
  let pagePromise: Promise<{ browser: PwBrowser; page: PwPage }> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let launches = 0;
  let renders = 0;

  async function launch(): Promise<{ browser: PwBrowser; page: PwPage }> {
    const executablePath = binary();
    if (!chromiumAvailable(executablePath)) {
      throw new AfwError(`PNG/SVG export needs Chromium, not found at ${executablePath}: ${CHROMIUM_HINT} (or set AFW_CHROMIUM)`);
    }
    const { chromium } = requirePackage("playwright-core") as { chromium: PwChromium };
    let browser: PwBrowser;
    try {
      browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    } catch (e) {
      const first = String((e as Error).message ?? e).split("\n")[0];
      throw new AfwError(`could not start Chromium at ${executablePath}: ${first}`);
    }
    launches++;
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: plotlyBundlePath() });
      return { browser, page };
    } catch (e) {
      await browser.close().catch(() => undefined);
      throw e;
    }
  }

  function ready(): Promise<{ browser: PwBrowser; page: PwPage }> {
    if (!pagePromise) {
      pagePromise = launch();
      pagePromise.catch(() => {
        pagePromise = undefined;
      });
    }
    return pagePromise;
  }

  /**
   * plotly names its clip paths and defs after a random id per plot; replace
   * it with a fixed one so the same figure always gives the same SVG bytes
   * (figures are committed, and a rerun should not show as a change).
   */
  function stableSvg(svg: string): string {
    const id = /id="defs-([0-9a-z]+)"/.exec(svg)?.[1];
    return id ? svg.split(id).join("afw") : svg;
  }

  function render(fig: Figure, format: "png" | "svg"): Promise<string> {
    const job = queue.then(async () => {
      const { page } = await ready();
      const layout = fig.layout ?? {};
      const width = typeof layout.width === "number" ? layout.width : (opts.width ?? 800);
      const height = typeof layout.height === "number" ? layout.height : (opts.height ?? 500);
      // fixed trace uids: plotly otherwise draws random ones into the SVG
      const data = fig.data.map((t, i) => ({ uid: `t${i}`, ...t }));
      const arg = { fig: { data, layout, config: fig.config ?? {} }, format, width, height, scale: format === "png" ? (opts.pngScale ?? 2) : 1 };
      const url = String(await page.evaluate(`(${RENDER_JS})(${scriptJson(arg)})`));
      renders++;
      const comma = url.indexOf(",");
      const body = url.slice(comma + 1);
      return format === "png" ? body : stableSvg(url.slice(0, comma).includes(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body));
    });
    queue = job.catch(() => undefined);
    return job;
  }

  return {
    async export(fig, basePath, formats = ["png", "svg", "html"]) {
      const base = basePath.replace(/\.(png|svg|html)$/i, "");
      const written: string[] = [];
      for (const f of formats) {
        const path = `${base}.${f}`;
        if (f === "html") writeFileAtomic(path, htmlDocument(fig));
        else if (f === "png") writeFileAtomic(path, Buffer.from(await render(fig, "png"), "base64"));
        else if (f === "svg") writeFileAtomic(path, await render(fig, "svg"));
        else throw new AfwError(`unknown figure format "${String(f)}" (expected png, svg or html)`);
        written.push(path);
      }
      return written;
    },
    toPngBase64: (fig) => render(fig, "png"),
    toSvg: (fig) => render(fig, "svg"),
    async close() {
      const p = pagePromise;
      pagePromise = undefined;
      if (!p) return;
      try {
        const { browser } = await p;
        await browser.close();
      } catch {
        /* launch failed or already closed */
      }
    },
    get launches() {
      return launches;
    },
    get renders() {
      return renders;
    },
  };
}

let shared: Exporter | undefined;

/** The process-wide exporter used by `displayFigure` (one browser per kernel). */
export function sharedExporter(): Exporter {
  return (shared ??= createExporter());
}

/** Close the shared exporter's browser, if any (e.g. at the end of a CLI run). */
export async function closeSharedExporter(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await s.close();
}
