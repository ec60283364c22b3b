/**
 * The texts, finish reasons and usage of an OpenAI-shaped body: a thin view
 * over parse.ts kept for callers that need only those three.
 */
import type { Api, Usage } from "../schema/index";
import { MalformedResponseError, parseOpenAIBody, readUsage } from "./parse";

export { MalformedResponseError, readUsage };

/** Texts, finish reasons and usage read from one response body. */
export interface Extracted {
  texts: string[];
  finish_reasons: (string | null)[];
  usage: Usage | null;
}

/**
 * One text per choice (chat: message.content, completions: text), in
 * choice-index order, with finish reasons and usage. Blocked and truncated
 * choices with no text give "". Throws MalformedResponseError (or
 * UpstreamError) for a body that is not a usable reply.
 * @example extractCompletion("completions", { choices: [{ index: 0, text: "hi", finish_reason: "stop" }] })
 *   // { texts: ["hi"], finish_reasons: ["stop"], usage: null }
 */
export function extractCompletion(api: Api, body: unknown): Extracted {
  const r = parseOpenAIBody(api, body);
  return { texts: r.choices.map((c) => c.text), finish_reasons: r.choices.map((c) => c.finish_reason), usage: r.usage };
}
