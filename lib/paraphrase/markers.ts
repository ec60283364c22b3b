/**
 * The markers a paraphrase must copy exactly: tags, {{placeholders}} and the
 * labels of "- LABEL: …" list items.
 */

const TAG = /<\/?[A-Za-z_][A-Za-z0-9_-]*\s*\/?>/g;
const PLACEHOLDER = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g;
const LABEL = /^- ([^:\n]{1,40}):(?= )/gm;

const distinct = (xs: Iterable<string>) => [...new Set(xs)];

/** Distinct tags of a text, in order of first appearance. */
export function tagsOf(text: string): string[] {
  return distinct([...text.matchAll(TAG)].map((m) => m[0]));
}

/** Distinct {{placeholders}} of a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return distinct([...text.matchAll(PLACEHOLDER)].map((m) => m[0]));
}

/** Labels of "- LABEL: …" list items (the identity tiers and model versions are read by them). */
export function listLabels(text: string): string[] {
  return distinct([...text.matchAll(LABEL)].map((m) => m[1]));
}

/**
 * Everything a paraphrase of this text must copy exactly: tags,
 * placeholders and list-item labels (as "- LABEL:").
 *
 * @example markersOf("Reply with <rejected/>.\n- Free: rated") // ["<rejected/>", "- Free:"]
 */
export function markersOf(text: string): string[] {
  return [...tagsOf(text), ...placeholdersIn(text), ...listLabels(text).map((l) => `- ${l}:`)];
}

