import { closeSync, createReadStream, openSync, readFileSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { AfwError } from "./errors";

/**
 * Read a JSONL file line by line without loading it whole. Each non-blank
 * line is JSON-parsed and handed to `each` with its 1-based line number (an
 * async `each` is awaited before the next line is read); a line that is not
 * JSON is an AfwError naming the file and line.
 */
export async function forEachJsonLine(path: string, each: (raw: unknown, lineNo: number) => void | Promise<void>): Promise<void> {
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
    const r = each(raw, n);
    if (r) await r;
  }
}

/**
 * The same for a small file read at once: each non-blank line JSON-parsed
 * and handed to `each` with its 1-based line number; a line that is not JSON
 * is an AfwError naming the file and line.
 *
 * @example
 * const rows: unknown[] = [];
 * forEachJsonLineSync("data/paper/published.jsonl", (raw) => rows.push(raw));
 */
export function forEachJsonLineSync(path: string, each: (raw: unknown, lineNo: number) => void): void {
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new AfwError(`${path}:${i + 1}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
      }
      each(raw, i + 1);
    });
}

/** The first zod issue as "path: message", for one-line errors. */
export function firstIssue(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = e.issues[0];
  return `${i.path.map(String).join(".") || "(record)"}: ${i.message}`;
}

/**
 * Append-only JSONL writer. Records appended in the same turn of the event
 * loop are joined and written with one write() on an O_APPEND descriptor
 * before the loop moves on (setImmediate), so a kill leaves at most a torn
 * last line, which the next reader repairs (see repairTail in lib/store); a
 * record still waiting for its write was never on disk and is simply made
 * again on resume.
 */
export class JsonlWriter<T> {
  private fd: number;
  private pending: string[] = [];
  private scheduled = false;
  written = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }
  append(record: T): void {
    this.pending.push(JSON.stringify(record) + "\n");
    this.written++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  /** Write every pending record now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.length === 1 ? this.pending[0] : this.pending.join(""), "utf8");
    this.pending = [];
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
