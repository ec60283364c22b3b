/**
 * A URL safe to record: no user info, no query string (either might hold a key).
 * @example redactUrl("https://user:pw@host/v1?key=x") // "https://host/v1"
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}

/** The online endpoint used when only a key is given. */
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
