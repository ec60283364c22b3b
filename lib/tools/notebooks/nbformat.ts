/**
 * The slice of the Jupyter notebook format (nbformat 4) that the runner reads
 * and writes. Parsing is loose: fields we do not know are kept as they are, so
 * a round trip through the runner changes only outputs and execution counts.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { AfwError } from "../../util/errors";

/** Notebook text: one string, or a list of lines that concatenate to it. */
const MultilineString = z.union([z.string(), z.array(z.string())]);

export const NotebookCell = z.looseObject({
  cell_type: z.enum(["code", "markdown", "raw"]),
  source: MultilineString,
  metadata: z.record(z.string(), z.unknown()).default({}),
  outputs: z.array(z.unknown()).optional(),
  execution_count: z.number().int().nullable().optional(),
});
export type NotebookCell = z.infer<typeof NotebookCell>;

export const Notebook = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().nonnegative(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  cells: z.array(NotebookCell),
});
export type Notebook = z.infer<typeof Notebook>;

/** A stream output (stdout or stderr) as stored in a notebook. */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string[];
}

/** A rich output: one MIME bundle (plotly JSON, PNG, HTML, plain text...). */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export type CellOutput = StreamOutput | DisplayDataOutput;

/** Read and validate a notebook file; a bad file is a user-facing error. */
export function readNotebook(path: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new AfwError(`cannot read notebook ${path}: ${(e as Error).message}`);
  }
  const parsed = Notebook.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AfwError(`${path} is not an nbformat 4 notebook: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** The source of a cell as one string. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * Split text the way Jupyter stores it on disk: a list of lines, each but
 * the last keeping its "\n".
 */
export function toLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/**
 * Serialize a notebook as Jupyter does (keys sorted, one-space indent,
 * trailing newline), so that the runner and nbconvert give similar diffs.
 */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(sortKeysDeep(nb), null, 1) + "\n";
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}
