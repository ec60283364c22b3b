import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Message, Request } from "../schema/index";
import { AfwError } from "../util/errors";
import { writeFileAtomic } from "../util/fsx";
import { sha256 } from "../util/hash";
import { folderPaths } from "./layout";

/**
 * The prompt store of a results folder: each system prompt is written once,
 * as DIR/prompts/<sha256>.txt, and the sample records point at it with
 * `{ role: "system", content: "", ref: "<sha256>" }`. A paper-scale run sends
 * the same few system prompts tens of thousands of times; storing them once
 * keeps samples.jsonl small and fast to write and read. The file is written
 * (atomically) before the first sample that points at it, so a kill never
 * leaves a dangling reference.
 */
export class PromptStore {
  /** The prompt store of a results folder (DIR/prompts). */
  static of(folder: string): PromptStore {
    return new PromptStore(folderPaths(folder).prompts);
  }

  private known = new Set<string>();
  constructor(readonly dir: string) {}

  /** The request as stored: system messages replaced by references. */
  slim(req: Request): Request {
    if (!req.messages || !req.messages.some((m) => m.role === "system")) return req;
    return { ...req, messages: req.messages.map((m) => (m.role === "system" && !m.ref ? this.ref(m) : m)) };
  }

  private ref(m: Message): Message {
    const hash = sha256(m.content);
    if (!this.known.has(hash)) {
      const path = join(this.dir, `${hash}.txt`);
      if (!existsSync(path)) writeFileAtomic(path, m.content);
      this.known.add(hash);
    }
    return { role: m.role, content: "", ref: hash };
  }
}

/**
 * Put the stored texts back into a request read from disk. Texts are read
 * once per folder and shared between samples (`cache`), so inflating costs
 * no memory per sample. A missing or altered prompt file is an AfwError.
 */
export function inflateRequest(req: Request, promptsDir: string, cache: Map<string, string>): Request {
  if (!req.messages || !req.messages.some((m) => m.ref)) return req;
  return {
    ...req,
    messages: req.messages.map((m) => {
      if (!m.ref) return m;
      let text = cache.get(m.ref);
      if (text === undefined) {
        const path = join(promptsDir, `${m.ref}.txt`);
        try {
          text = readFileSync(path, "utf8");
        } catch {
          throw new AfwError(`${path}: missing prompt file referenced by a sample`);
        }
        if (sha256(text) !== m.ref) throw new AfwError(`${path}: contents do not match their hash`);
        cache.set(m.ref, text);
      }
      return { role: m.role, content: text };
    }),
  };
}
