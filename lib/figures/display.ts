import { relative } from "node:path";
import { requirePackage } from "../util/resolve.cjs";
import { CHROMIUM_HINT, chromiumAvailable, chromiumPath, sharedExporter, type Exporter } from "./export";
import { figureSummary } from "./summary";
import type { ExportFormat, Figure } from "./types";

/** A Jupyter display bundle: MIME type → content. */
export type DisplayData = Record<string, unknown>;

/** Options for `displayFigure`. */
export interface DisplayOptions {
  /** Also save to SAVE.{png,svg,html}: a path without the extension (PNG/SVG only when Chromium is available). */
  save?: string;
  /** Print the saved files relative to this folder (default: as given). */
  relativeTo?: string;
  /** Include the PNG fallback; default true. */
  png?: boolean;
  /** Exporter to use; default the shared one (one browser per kernel). */
  exporter?: Exporter;
  /** Where to send the bundle; default tslab's display hook, else stdout (text/plain). */
  sink?: (data: DisplayData) => void;
}

interface TslabJupyter {
  lastWriteDisplayData: ((msg: { data: DisplayData; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void) | null;
}

/** tslab's display hook when running inside a tslab kernel, else undefined. */
function tslabSink(): ((data: DisplayData) => void) | undefined {
  let jupyter: TslabJupyter;
  try {
    jupyter = requirePackage("tslab/dist/jupyter") as TslabJupyter;
  } catch {
    return undefined;
  }
  const write = jupyter.lastWriteDisplayData;
  if (typeof write !== "function") return undefined;
  return (data) => write({ data, metadata: {}, transient: {} }, false);
}

/**
 * Show a figure in a tslab notebook as one display bundle holding the plotly
 * JSON (`application/vnd.plotly.v1+json`, interactive in JupyterLab), a PNG
 * fallback (`image/png`, what nbconvert's HTML shows; skipped with a note
 * when Chromium is missing) and a short `text/plain` summary. Outside a
 * kernel the text summary is printed. Returns the bundle.
 *
 * @example
 * await displayFigure(complianceByTier(rows), { save: "figures/compliance-by-tier" });
 */
export async function displayFigure(fig: Figure, opts: DisplayOptions = {}): Promise<DisplayData> {
  const notes: string[] = [];
  const exporter = () => opts.exporter ?? sharedExporter();
  const canRender = opts.exporter !== undefined || chromiumAvailable();
  const data: DisplayData = {
    "application/vnd.plotly.v1+json": { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
  };
  if (opts.png !== false) {
    if (canRender) {
      try {
        data["image/png"] = await exporter().toPngBase64(fig);
      } catch (e) {
        notes.push(`(PNG preview skipped: ${(e as Error).message})`);
      }
    } else {
      notes.push(`(PNG preview skipped: Chromium not found at ${chromiumPath()}; ${CHROMIUM_HINT})`);
    }
  }
  if (opts.save) {
    const name = opts.save.replace(/\.(png|svg|html)$/i, "");
    const formats: ExportFormat[] = canRender ? ["png", "svg", "html"] : ["html"];
    try {
      const written = await exporter().export(fig, name, formats);
      notes.push(`saved: ${written.map((p) => (opts.relativeTo ? relative(opts.relativeTo, p) : p)).join(", ")}`);
    } catch (e) {
      notes.push(`(save failed: ${(e as Error).message})`);
    }
  }
  data["text/plain"] = [figureSummary(fig), ...notes].join("\n");
  const sink = opts.sink ?? tslabSink() ?? ((d: DisplayData) => console.log(String(d["text/plain"])));
  sink(data);
  return data;
}

/**
 * Show a figure in a notebook cell and return nothing, so tslab prints no
 * echo of the bundle after it. Same options as `displayFigure`.
 *
 * @example
 * await show(complianceByTier(rows), { save: "figures/compliance-by-tier" });
 */
export async function show(fig: Figure, opts: DisplayOptions = {}): Promise<void> {
  await displayFigure(fig, opts);
}
