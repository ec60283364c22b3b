import { createReadStream, createWriteStream, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { folderPaths } from "./layout";

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) yield line;
}

/**
 * Rewrite a folder's samples.jsonl so each key keeps one record: its last
 * successful one, or its last failed one when it never succeeded. The new
 * file replaces the old by rename, so a kill during compaction leaves one or
 * the other. Returns how many records were dropped.
 */
export async function compactSamples(dir: string): Promise<number> {
  const path = folderPaths(dir).samples;
  const keep = new Map<string, number>();
  const ok = new Set<string>();
  let i = 0;
  for await (const line of lines(path)) {
    const { key, error } = JSON.parse(line) as { key: string; error: string | null };
    if (error === null) {
      keep.set(key, i);
      ok.add(key);
    } else if (!ok.has(key)) keep.set(key, i);
    i++;
  }
  const wanted = new Set(keep.values());
  if (wanted.size === i) return 0;
  const tmp = `${path}.${process.pid}.compact.tmp`;
  const out = createWriteStream(tmp);
  try {
    let j = 0;
    for await (const line of lines(path)) {
      if (wanted.has(j++) && !out.write(line + "\n")) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    renameSync(tmp, path);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
  return i - wanted.size;
}
