import { AfwError } from "../util/errors";
import { parseCsv } from "./csv";
import type { LocatedQuery } from "./jsonl";
import { toQuery, type RawQuery } from "./record";

/** The CSV layouts the loader recognises, by the column holding the request. */
export type CsvShape = "harmbench" | "advbench" | "llm-lat" | "generic";

/** Column names that can hold the request text, as listed in errors. */
export const CSV_TEXT_COLUMNS = ["goal", "prompt", "Behavior", "text"] as const;

/** How a CSV header maps to query fields (column indexes). */
export interface CsvLayout {
  shape: CsvShape;
  text: { index: number; name: string };
  id?: { index: number; name: string };
  category?: { index: number; name: string };
}

/**
 * Work out the layout of a query CSV from its header, matching names without
 * regard to case: HarmBench (`Behavior`, `BehaviorID`, `SemanticCategory` or
 * `Category`), AdvBench (`goal`; `target` is ignored), LLM-LAT (`prompt`;
 * `chosen`/`rejected` are ignored) or a generic `text` column with optional
 * `id` and `category`. Returns undefined when no request column is present.
 */
export function detectCsvLayout(header: string[]): CsvLayout | undefined {
  const names = header.map((h) => h.trim());
  const find = (...wanted: string[]) => {
    for (const w of wanted) {
      const index = names.findIndex((h) => h.toLowerCase() === w.toLowerCase());
      if (index >= 0) return { index, name: names[index] };
    }
    return undefined;
  };
  const shapes: Array<[CsvShape, string]> = [
    ["harmbench", "Behavior"],
    ["advbench", "goal"],
    ["llm-lat", "prompt"],
    ["generic", "text"],
  ];
  for (const [shape, column] of shapes) {
    const text = find(column);
    if (!text) continue;
    const id = shape === "harmbench" ? find("BehaviorID", "id") : find("id");
    const category = find("SemanticCategory", "Category");
    return { shape, text, id, category };
  }
  return undefined;
}

/**
 * Read queries from CSV text (AdvBench, LLM-LAT, HarmBench or generic shape,
 * see detectCsvLayout). Rows must have as many fields as the header. Ids come
 * from the id column when filled, else `<idStem>-<line>`. Only the request,
 * id and category are kept; every other column is dropped unread.
 */
export function parseCsvQueries(content: string, where: string, idStem: string): LocatedQuery[] {
  const records = parseCsv(content, where);
  if (records.length === 0) throw new AfwError(`${where}: empty file, expected a header row and one query per row`);
  const [header, ...rows] = records;
  const layout = detectCsvLayout(header.fields);
  if (!layout) {
    const found = header.fields.map((h) => h.trim()).join(", ");
    throw new AfwError(
      `${where}:${header.line}: no request column in the CSV header, expected one of ${CSV_TEXT_COLUMNS.join(", ")} (found: ${found})`,
    );
  }
  if (rows.length === 0) throw new AfwError(`${where}:${header.line}: header row only, expected query rows after it`);
  const width = header.fields.length;
  return rows.map((row) => {
    const at = `${where}:${row.line}`;
    if (row.fields.length !== width) {
      throw new AfwError(`${at}: expected ${width} fields as in the header, found ${row.fields.length}`);
    }
    const cell = (c?: { index: number; name: string }) =>
      c && row.fields[c.index].trim() !== "" ? { name: c.name, value: row.fields[c.index] } : undefined;
    const raw: RawQuery = {
      text: { name: layout.text.name, value: row.fields[layout.text.index] },
      id: cell(layout.id),
      category: cell(layout.category),
    };
    return { line: row.line, query: toQuery(raw, at, `${idStem}-${row.line}`, "column") };
  });
}
