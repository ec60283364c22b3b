import { Query } from "../schema/index";
import { AfwError } from "../util/errors";

/**
 * A query as found in a file, before validation. Each value remembers the
 * name it had in the file (a JSON key or a CSV column), so that an error can
 * point at the field the user wrote.
 */
export interface RawQuery {
  id?: { name: string; value: unknown };
  text?: { name: string; value: unknown };
  category?: { name: string; value: unknown };
  source?: { name: string; value: unknown };
}

/** Names accepted for the request text, in order of preference. */
export const TEXT_FIELDS = ["text", "prompt", "goal", "Behavior"] as const;

/** What a field must hold, for error messages. */
const EXPECTED: Record<string, string> = {
  id: "expected a non-empty string",
  text: "expected a non-empty string",
  category: "expected a non-empty string",
  source: "expected a string",
};

/**
 * Validate one raw query through the zod `Query` schema. Strings are trimmed;
 * integer ids become strings; a missing id becomes `fallbackId`.
 * Nothing but id, text, category and source is kept, so answer-like columns
 * (chosen, rejected, target, ...) can never reach a Query. Throws a one-line
 * AfwError `where: field "name": expected ...` (`kind` says field or column).
 */
export function toQuery(raw: RawQuery, where: string, fallbackId: string, kind: "field" | "column" = "field"): Query {
  if (!raw.text) {
    throw new AfwError(
      `${where}: ${kind} "text": expected a non-empty string (found none of ${TEXT_FIELDS.join(", ")})`,
    );
  }
  const clean = (v: unknown): unknown => (typeof v === "string" ? v.trim() : v);
  const rawId = raw.id === undefined || raw.id.value === null ? undefined : raw.id.value;
  const id = typeof rawId === "number" && Number.isInteger(rawId) ? String(rawId) : clean(rawId);
  const category =
    raw.category === undefined || raw.category.value === null || raw.category.value === ""
      ? undefined
      : clean(raw.category.value);
  const candidate = {
    id: id === undefined ? fallbackId : id,
    text: clean(raw.text.value),
    category,
    source: raw.source === undefined || raw.source.value === null ? undefined : raw.source.value,
  };
  const parsed = Query.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0] ?? "text") as keyof RawQuery;
  const name = raw[key]?.name ?? key;
  throw new AfwError(`${where}: ${kind} "${name}": ${EXPECTED[key] ?? oneLine(issue.message)}`);
}

/** Collapse a message to one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
