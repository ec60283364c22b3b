/**
 * The content-addressed response cache: one small JSON file per request key
 * under `dir/ab/abcdef….json`. It holds texts, finish reasons, usage, the
 * model and the key, and (since the provider profiles) each choice's
 * outcome and reasoning, the answering snapshot and the upstream provider;
 * never the API key or the base URL. Errors are never cached; blocked and
 * truncated replies are (they are the provider's answer). A file that is
 * unreadable or of the wrong shape is a miss and gets overwritten by the
 * next successful answer.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Request, Usage } from "../schema/index";
import type { ChoiceResult } from "./parse";
import { canonicalJson, sha256 } from "../util/hash";
import { writeFileAtomic } from "../util/fsx";

/** What one cache file holds (format version 1). */
export interface CacheEntry {
  v: 1;
  /** sha256 of the key inputs; equals the file name. */
  key: string;
  api: Request["api"];
  model: string;
  texts: string[];
  finish_reasons: (string | null)[];
  usage: Usage | null;
  /** Each choice with outcome, reasoning and refusal (absent in entries written before the provider profiles). */
  choices?: ChoiceResult[];
  model_snapshot?: string | null;
  upstream_provider?: string | null;
}

/**
 * The cache key of one call: sha256 of canonicalJson({api, model, messages
 * or prompt, params, sample}). Key order inside params does not matter;
 * parameters left undefined are dropped.
 *
 * Same bytes as hashing canonicalJson(...) directly, but built piece by piece
 * with the JSON of long message texts memoised: a run sends the same 20–30 KB
 * system prompt thousands of times, and re-encoding it dominated a cache hit.
 * @example requestCacheKey("m", { api: "completions", prompt: "Hi", params: { temperature: 0, max_tokens: 5 } }, 0)
 */
export function requestCacheKey(model: string, req: Request, sampleIndex: number): string {
  if (typeof req.params !== "object" || req.params === null || typeof sampleIndex !== "number" || typeof model !== "string") {
    return sha256(canonicalJson(keyInput(model, req, sampleIndex)));
  }
  const h = createHash("sha256");
  h.update('{"api":');
  h.update(JSON.stringify(req.api));
  if (req.api === "chat") {
    const msgs = req.messages;
    if (!Array.isArray(msgs) || !msgs.every(isPlainMessage)) return sha256(canonicalJson(keyInput(model, req, sampleIndex)));
    h.update(',"messages":[');
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      h.update(i === 0 ? '{"content":' : ',{"content":');
      h.update(encodeText(m.content));
      h.update(',"role":');
      h.update(JSON.stringify(m.role));
      h.update("}");
    }
    h.update("]");
  } else {
    if (typeof req.prompt !== "string") return sha256(canonicalJson(keyInput(model, req, sampleIndex)));
    h.update(',"model":');
    h.update(JSON.stringify(model));
    h.update(',"params":');
    h.update(canonicalJson(req.params));
    h.update(',"prompt":');
    h.update(encodeText(req.prompt));
    h.update(',"sample":');
    h.update(JSON.stringify(sampleIndex));
    h.update("}");
    return h.digest("hex");
  }
  h.update(',"model":');
  h.update(JSON.stringify(model));
  h.update(',"params":');
  h.update(canonicalJson(req.params));
  h.update(',"sample":');
  h.update(JSON.stringify(sampleIndex));
  h.update("}");
  return h.digest("hex");
}

/** The plain object whose canonical JSON is hashed into the key (the reference definition). */
export function keyInput(model: string, req: Request, sampleIndex: number): Record<string, unknown> {
  return req.api === "chat"
    ? { api: req.api, model, messages: req.messages, params: req.params, sample: sampleIndex }
    : { api: req.api, model, prompt: req.prompt, params: req.params, sample: sampleIndex };
}

/** A message with exactly a string role and a string content (else the slow, general path is taken). */
function isPlainMessage(m: unknown): m is { role: string; content: string } {
  if (typeof m !== "object" || m === null) return false;
  let n = 0;
  for (const k in m) {
    if (k !== "role" && k !== "content") return false;
    n++;
  }
  return n === 2 && typeof (m as { role: unknown }).role === "string" && typeof (m as { content: unknown }).content === "string";
}

const LONG_TEXT = 1024;
const MEMO_MAX = 64;
const encoded = new Map<string, string>();

/** JSON.stringify of a string, memoised for long ones (system prompts repeat across a run). */
function encodeText(s: string): string {
  if (s.length < LONG_TEXT) return JSON.stringify(s);
  let e = encoded.get(s);
  if (e === undefined) {
    e = JSON.stringify(s);
    if (encoded.size >= MEMO_MAX) encoded.clear();
    encoded.set(s, e);
  }
  return e;
}

/** A folder of cached responses. Reads are synchronous: tiny files read faster that way. */
export class ResponseCache {
  constructor(readonly dir: string) {}

  /** Path of the file for `key`: dir/ab/abcdef….json. */
  pathFor(key: string): string {
    return join(this.dir, key.slice(0, 2), key + ".json");
  }

  /** The stored entry, or null when missing, unreadable or malformed (all misses). */
  get(key: string): CacheEntry | null {
    let raw: string;
    try {
      raw = readFileSync(this.pathFor(key), "utf8");
    } catch {
      return null;
    }
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return null;
    }
    return isEntry(data, key) ? data : null;
  }

  /** Store an answer atomically. A failing write (full disk, read-only folder) is ignored: the cache is an optimisation. Returns whether it was written. */
  put(entry: CacheEntry): boolean {
    try {
      writeFileAtomic(this.pathFor(entry.key), JSON.stringify(entry));
      return true;
    } catch {
      return false;
    }
  }
}

/** Cheap shape check of a parsed cache file (no zod on the hot path). */
function isEntry(d: unknown, key: string): d is CacheEntry {
  if (typeof d !== "object" || d === null) return false;
  const e = d as Record<string, unknown>;
  if (e.v !== 1 || e.key !== key) return false;
  const texts = e.texts;
  const fr = e.finish_reasons;
  if (!Array.isArray(texts) || texts.length === 0 || !Array.isArray(fr) || fr.length !== texts.length) return false;
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") return false;
    if (fr[i] !== null && typeof fr[i] !== "string") return false;
  }
  if (e.choices !== undefined) {
    if (!Array.isArray(e.choices) || e.choices.length !== texts.length) return false;
    for (const c of e.choices as Record<string, unknown>[]) {
      if (!c || typeof c.text !== "string" || (c.outcome !== "reply" && c.outcome !== "truncated" && c.outcome !== "blocked")) return false;
    }
  }
  const u = e.usage as Record<string, unknown> | null;
  if (u !== null) {
    if (typeof u !== "object" || typeof u.prompt_tokens !== "number" || typeof u.completion_tokens !== "number" || typeof u.total_tokens !== "number") return false;
  }
  return true;
}
