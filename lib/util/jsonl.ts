import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { AfwError } from "./errors";

/**
 * Read a JSONL file line by line without loading it whole. Each non-blank
 * line is JSON-parsed and handed to `each` with its 1-based line number; a
 * line that is not JSON is an AfwError naming the file and line.
 */
export async function forEachJsonLine(path: string, each: (raw: unknown, lineNo: number) => void): Promise<void> {
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new AfwError(`${path}:${n}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    each(raw, n);
  }
}

/** The first zod issue as "path: message", for one-line errors. */
export function firstIssue(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = e.issues[0];
  return `${i.path.map(String).join(".") || "(record)"}: ${i.message}`;
}
