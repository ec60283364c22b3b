import type { Query } from "../schema/index";
import { canonicalJson, sha256 } from "../util/hash";

/**
 * A fingerprint of a query list for run manifests: hex sha256 of the
 * canonical JSON of `[{id, text}, ...]` in order. Categories and sources do
 * not change it; a reworded, added, removed or reordered query does.
 */
export function queriesHash(queries: Query[]): string {
  return sha256(canonicalJson(queries.map((q) => ({ id: q.id, text: q.text }))));
}
