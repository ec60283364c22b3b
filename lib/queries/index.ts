/**
 * Query sets: the shipped request set and loaders for JSONL and the CSV
 * shapes of AdvBench, LLM-LAT and HarmBench. Requests only, never answers.
 */
export { loadQueries, type LoadQueriesOptions } from "./load";
export { shippedQueries, SHIPPED_QUERIES_PATH } from "./shipped";
export { queriesHash } from "./hash";
export { parseCsv, type CsvRecord } from "./csv";
export { detectCsvLayout, CSV_TEXT_COLUMNS, type CsvLayout, type CsvShape } from "./csvQueries";
