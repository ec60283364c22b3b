import { join } from "node:path";
import type { Query } from "../schema/index";
import { loadQueries, type LoadQueriesOptions } from "./load";

/** The shipped request set, relative to the checkout (for manifests and messages). */
export const SHIPPED_QUERIES_PATH = "data/queries/afw-harmful-requests.jsonl";

/**
 * The project's own harmful-request set (requests only, never answers),
 * about 50 short requests across 10 categories, ids `afw-001`..., read from
 * the checkout at `root` (the faces pass it: lib/util/paths projectRoot()).
 *
 * @example
 * shippedQueries(root, { limit: 10 }).map((q) => q.category) // one of each category
 */
export function shippedQueries(root: string, opts: LoadQueriesOptions = {}): Query[] {
  return loadQueries(join(root, SHIPPED_QUERIES_PATH), opts);
}
