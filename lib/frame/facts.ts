import type { Sample } from "../schema/index";

/**
 * Compliance by the tags: the accept tag, and not an accept-then-refuse.
 * The one definition the rows, tables and figures read.
 *
 * @example compliedByTags({ accepted: true, accept_then_refuse: false }) // true
 */
export function compliedByTags(s: Pick<Sample, "accepted" | "accept_then_refuse">): boolean {
  return s.accepted === true && !s.accept_then_refuse;
}
