/**
 * Reads a completion body as the server sent it, trusting nothing: a body
 * without choices or without a text per choice counts as malformed (and the
 * client retries it).
 */
import type { Api, Usage } from "../schema/index";

/** Texts, finish reasons and usage read from one response body. */
export interface Extracted {
  texts: string[];
  finish_reasons: (string | null)[];
  usage: Usage | null;
}

/** Raised for a 200 whose body is not a usable completion; retried like a 5xx. */
export class MalformedResponseError extends Error {
  constructor(detail: string) {
    super(`malformed response: ${detail}`);
    this.name = "MalformedResponseError";
  }
}

/**
 * Pull one text per choice (chat: message.content, completions: text), in
 * choice-index order, with finish reasons and usage.
 * Throws MalformedResponseError when the body is not an object with a
 * non-empty `choices` array whose every entry carries a string text.
 * @example extractCompletion("completions", { choices: [{ index: 0, text: "hi", finish_reason: "stop" }] })
 *   // { texts: ["hi"], finish_reasons: ["stop"], usage: null }
 */
export function extractCompletion(api: Api, body: unknown): Extracted {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new MalformedResponseError(typeof body === "string" ? "body is not JSON" : `body is ${body === null ? "null" : typeof body}`);
  }
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new MalformedResponseError("no choices");
  let list = choices as Record<string, unknown>[];
  if (list.length > 1 && list.every((c) => c && typeof c.index === "number")) {
    list = list.slice().sort((a, b) => (a.index as number) - (b.index as number));
  }
  const texts: string[] = new Array(list.length);
  const finish: (string | null)[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (typeof c !== "object" || c === null) throw new MalformedResponseError(`choice ${i} is not an object`);
    const text = api === "chat" ? (c.message as { content?: unknown } | undefined)?.content : c.text;
    if (typeof text !== "string") throw new MalformedResponseError(`choice ${i} has no text`);
    texts[i] = text;
    finish[i] = typeof c.finish_reason === "string" ? c.finish_reason : null;
  }
  return { texts, finish_reasons: finish, usage: readUsage((body as { usage?: unknown }).usage) };
}

/** Usage when the server reported whole non-negative token counts, else null. */
export function readUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = u as Record<string, unknown>;
  if (!isCount(p) || !isCount(c)) return null;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: isCount(t) ? t : p + c };
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}
