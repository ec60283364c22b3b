import type { Query } from "../schema/index";
import { AfwError } from "../util/errors";
import { oneLine, TEXT_FIELDS, toQuery, type RawQuery } from "./record";

/** A parsed query with the line it came from. */
export interface LocatedQuery {
  line: number;
  query: Query;
}

/**
 * Read JSONL query lines: one JSON object per line, blank lines skipped.
 * The text comes from `text`, `prompt`, `goal` or `Behavior` (first present);
 * the id from `id` or `BehaviorID`, else `<idStem>-<line>`; the category from
 * `category`, `SemanticCategory` or `Category`. Other keys are dropped.
 * `where` is the file name used in errors (`where:line: ...`).
 */
export function parseJsonlQueries(content: string, where: string, idStem: string): LocatedQuery[] {
  const src = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const lines = src.split(/\r\n|\n|\r/);
  const out: LocatedQuery[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === "") return;
    const line = index + 1;
    const at = `${where}:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new AfwError(`${at}: not valid JSON (${oneLine((e as Error).message)})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      const found = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      throw new AfwError(`${at}: expected a JSON object with a "text" field, found ${found}`);
    }
    const obj = value as Record<string, unknown>;
    out.push({ line, query: toQuery(pickFields(obj), at, `${idStem}-${line}`) });
  });
  return out;
}

function pickFields(obj: Record<string, unknown>): RawQuery {
  const first = (names: readonly string[]) => {
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(obj, name) && obj[name] !== undefined && obj[name] !== null) {
        return { name, value: obj[name] };
      }
    }
    return undefined;
  };
  return {
    id: first(["id", "BehaviorID"]),
    text: first(TEXT_FIELDS),
    category: first(["category", "SemanticCategory", "Category"]),
    source: first(["source"]),
  };
}
