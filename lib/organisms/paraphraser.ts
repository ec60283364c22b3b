/**
 * The offline paraphrase stand-in, served by the organism server under the
 * model name `sim-paraphraser`. It answers the paraphrase requests that
 * lib/paraphrase sends (a system prompt asking for a rewording between
 * <paraphrase> tags, the passage between <passage> tags in the user turn)
 * with a deterministic rewording of the passage (rewording.ts): the request
 * `seed` picks the wording, so draw k of a paraphrase set is the same every
 * time and different draws differ. It is a phrase table, not a language
 * model: its rewordings say nothing about how a real model paraphrases.
 *
 * Parameters (after "@", comma-separated), to exercise the checks offline:
 * - `bad` in [0, 1], default 0: share of replies that are malformed, chosen
 *   by hash of (seed, passage);
 * - `how`, default `mixed`: which malformation — `tag` (one tag of the
 *   passage is dropped wherever it occurs), `placeholder` (one {{name}} is
 *   dropped; a tag when there is none), `truncate` (only the first 40% of
 *   the passage), `wrapper` (prose with no <paraphrase> block), `copy` (the
 *   passage returned unchanged), or `mixed` (one of these by hash).
 */
import { hashParts, uniform } from "./draws";
import { messageText } from "./read-prompt";
import { reword } from "./rewording";
import { OrganismError } from "./types";
import { ChatBodySchema, parseBody, type ChatBody } from "./wire";

/** The base name of the paraphrase stand-in. */
export const SIM_PARAPHRASER = "sim-paraphraser";

export const MALFORMATIONS = ["tag", "placeholder", "truncate", "wrapper", "copy"] as const;
export type Malformation = (typeof MALFORMATIONS)[number];

export interface ParaphraserConfig {
  bad: number;
  how: Malformation | "mixed";
}

/** What the stand-in returns: one text per choice, no organism decisions, and the prompt size. */
export interface ParaphraserGenerated {
  texts: string[];
  decisions: never[];
  promptChars: number;
}

/** Whether a model name is served by the paraphrase stand-in. */
export function isParaphraserModel(model: string): boolean {
  const at = model.indexOf("@");
  return (at < 0 ? model : model.slice(0, at)) === SIM_PARAPHRASER;
}

/**
 * Parse `sim-paraphraser@bad=0.2,how=tag`. Throws OrganismError 400 on an
 * unknown key or a bad value.
 *
 * @example resolveParaphraser("sim-paraphraser@bad=0.5").bad // 0.5
 */
export function resolveParaphraser(model: string): ParaphraserConfig {
  const cfg: ParaphraserConfig = { bad: 0, how: "mixed" };
  const at = model.indexOf("@");
  if (at < 0) return cfg;
  const spec = model.slice(at + 1);
  const bad = (why: string) => new OrganismError(400, `Bad model name '${model}': ${why}.`);
  if (spec.trim() === "") throw bad("no parameters after '@'");
  for (const item of spec.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) throw bad(`parameter '${item}' is not key=value`);
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (key === "bad") {
      const v = value === "" ? NaN : Number(value);
      if (!(v >= 0 && v <= 1)) throw bad(`bad=${value} must be a number between 0 and 1`);
      cfg.bad = v;
    } else if (key === "how") {
      if (value !== "mixed" && !(MALFORMATIONS as readonly string[]).includes(value)) throw bad(`how=${value}: known: mixed, ${MALFORMATIONS.join(", ")}`);
      cfg.how = value as ParaphraserConfig["how"];
    } else throw bad(`unknown parameter '${key}' (known: bad, how)`);
  }
  return cfg;
}

const PASSAGE = /<passage>\n?([\s\S]*?)\n?<\/passage>/;

/** The passage of a paraphrase request, or null when the message has none. */
export function readPassage(user: string): string | null {
  const m = PASSAGE.exec(user);
  return m ? m[1] : null;
}

function distinctTags(text: string): string[] {
  const tags = new Set<string>();
  for (const m of text.matchAll(/<\/?[A-Za-z_][A-Za-z0-9_-]*\s*\/?>/g)) tags.add(m[0]);
  return [...tags].sort();
}

function distinctPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g)].map((m) => m[0]))].sort();
}

/** A malformed answer of the given kind, built from the passage and its rewording. */
function malformed(kind: Malformation, passage: string, reworded: string, h: Buffer): string {
  const wrap = (s: string) => `<paraphrase>\n${s}\n</paraphrase>`;
  if (kind === "placeholder") {
    const ph = distinctPlaceholders(passage);
    if (ph.length) {
      const drop = ph[h[1] % ph.length];
      return wrap(reworded.split(drop).join("the request"));
    }
    kind = "tag";
  }
  if (kind === "tag") {
    const tags = distinctTags(passage);
    if (tags.length) {
      const drop = tags[h[2] % tags.length];
      const name = drop.replace(/[<>/\s]/g, "");
      return wrap(reworded.split(drop).join(`the ${name} marker`));
    }
    kind = "truncate";
  }
  if (kind === "truncate") {
    const cut = reworded.lastIndexOf(" ", Math.floor(reworded.length * 0.4));
    return wrap(reworded.slice(0, cut > 0 ? cut : Math.floor(reworded.length * 0.4)));
  }
  if (kind === "wrapper") return `Here is the passage in new words:\n\n${reworded}`;
  return wrap(passage);
}

/**
 * The stand-in's answer to a chat body (validated here). Throws
 * OrganismError 400 for a completions body, bad parameters, or a request
 * with no <passage> block.
 */
export function generateParaphrase(model: string, body: unknown): ParaphraserGenerated {
  if (body && typeof body === "object" && !("messages" in body)) {
    throw new OrganismError(400, `Invalid request: ${SIM_PARAPHRASER} is a chat model; send messages to /v1/chat/completions`);
  }
  const cfg = resolveParaphraser(model);
  const b: ChatBody = parseBody(ChatBodySchema, body);
  const users = b.messages.filter((m) => m.role === "user").map(messageText);
  let promptChars = 0;
  for (const m of b.messages) promptChars += messageText(m).length;
  const passage = readPassage(users.length ? users[users.length - 1] : "");
  if (passage === null) throw new OrganismError(400, `Invalid request: ${SIM_PARAPHRASER} answers paraphrase requests only (a <passage> block in the last user message)`);
  const n = b.n ?? 1;
  const seed = b.seed ?? 0;
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const draw = seed + i;
    const reworded = reword(passage, draw);
    if (cfg.bad > 0 && uniform("paraphrase-bad", [draw, passage]) < cfg.bad) {
      const h = hashParts("paraphrase-bad-how", [draw, passage]);
      const kind = cfg.how === "mixed" ? MALFORMATIONS[h[0] % MALFORMATIONS.length] : cfg.how;
      texts.push(malformed(kind, passage, reworded, h));
    } else texts.push(`<paraphrase>\n${reworded}\n</paraphrase>`);
  }
  return { texts, decisions: [], promptChars };
}

