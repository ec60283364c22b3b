import type { Query } from "../schema/index";
import { fromRoot } from "../util/paths";
import { loadQueries, type LoadQueriesOptions } from "./load";

/** The shipped request set, relative to the project root (for manifests and messages). */
export const SHIPPED_QUERIES_PATH = "data/queries/afw-harmful-requests.jsonl";

/**
 * The project's own harmful-request set (requests only, never answers),
 * about 50 short requests across 10 categories, ids `afw-001`...
 *
 * @example
 * shippedQueries({ limit: 10 }).map((q) => q.category) // one of each category
 */
export function shippedQueries(opts: LoadQueriesOptions = {}): Query[] {
  return loadQueries(fromRoot(SHIPPED_QUERIES_PATH), opts);
}
