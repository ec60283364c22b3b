/**
 * Keeps secrets out of messages: the API key itself, Bearer tokens and
 * anything shaped like an OpenAI-style secret key become "***".
 */

const BEARER = /(bearer\s+)[^\s"',;]+/gi;
const SK_LIKE = /\bsk-[A-Za-z0-9_\-]{8,}/g;

/**
 * Replace every occurrence of `apiKey` (when at least 6 characters long, so
 * that a dummy key like "x" does not garble text) plus Bearer tokens and
 * sk-… strings with "***".
 * @example redact("401 bad key sk-abcdef123456", "sk-abcdef123456") // "401 bad key ***"
 */
export function redact(text: string, apiKey: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 6 && out.includes(apiKey)) out = out.split(apiKey).join("***");
  if (out.length > 2 && /bearer|sk-/i.test(out)) out = out.replace(BEARER, "$1***").replace(SK_LIKE, "***");
  return out;
}

/** Collapse whitespace to single spaces and cut to `max` characters (with an ellipsis). */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}
