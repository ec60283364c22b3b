import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Query } from "../schema/index";
import { AfwError } from "../util/errors";
import { parseCsvQueries } from "./csvQueries";
import { parseJsonlQueries, type LocatedQuery } from "./jsonl";

/** Options of loadQueries. */
export interface LoadQueriesOptions {
  /** Keep only the first `limit` queries (a positive integer); the whole file is still checked. */
  limit?: number;
  /** Stem of derived ids, `<idPrefix>-<line>`, for rows without an id (default: the file name without extension). */
  idPrefix?: string;
}

const READERS: Record<string, (content: string, where: string, idStem: string) => LocatedQuery[]> = {
  ".jsonl": parseJsonlQueries,
  ".ndjson": parseJsonlQueries,
  ".csv": parseCsvQueries,
};

/**
 * Load a query file, choosing the reader by extension: `.jsonl` (one object
 * per line with text/prompt/goal/Behavior) or `.csv` (AdvBench, LLM-LAT,
 * HarmBench or a `text` column). Every query is validated with the `Query`
 * schema, ids must be unique, and only requests are kept (answer columns are
 * dropped). `source` is set to the file's base name unless a line gives one.
 * Bad input throws a one-line AfwError naming the file and line.
 *
 * @example
 * loadQueries("data/harmful_behaviors.csv", { limit: 20 }) // first 20 AdvBench goals
 */
export function loadQueries(path: string, opts: LoadQueriesOptions = {}): Query[] {
  const { limit, idPrefix } = opts;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new AfwError(`limit must be a positive integer, got ${String(limit)}`);
  }
  if (idPrefix !== undefined && (typeof idPrefix !== "string" || idPrefix.trim() === "")) {
    throw new AfwError(`idPrefix must be a non-empty string, got ${JSON.stringify(idPrefix)}`);
  }
  const ext = extname(path).toLowerCase();
  const reader = READERS[ext];
  if (!reader) {
    const what = ext ? `"${ext}"` : "(none)";
    throw new AfwError(`${path}: unknown queries file extension ${what}, expected .jsonl or .csv`);
  }
  const content = readText(path);
  if (content.replace(/^\uFEFF/, "").trim() === "") {
    throw new AfwError(`${path}: empty file, expected at least one query`);
  }
  const file = basename(path);
  const located = reader(content, path, idPrefix ?? basename(path, extname(path)));

  const firstLine = new Map<string, number>();
  for (const { line, query } of located) {
    const seen = firstLine.get(query.id);
    if (seen !== undefined) {
      throw new AfwError(`${path}:${line}: duplicate id "${query.id}" (first used on line ${seen})`);
    }
    firstLine.set(query.id, line);
  }
  const queries = located.map(({ query }) => (query.source === undefined ? { ...query, source: file } : query));
  return limit === undefined ? queries : queries.slice(0, limit);
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : ((e as Error).message ?? String(e)).replace(/\s+/g, " ");
    throw new AfwError(`cannot read queries file ${path}: ${why}`);
  }
}
