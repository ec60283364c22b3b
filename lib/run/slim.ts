import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { AfwError } from "../util/errors";

/** The fields of a sample record most analyses need, without the request and texts. */
export interface SlimRecord {
  key: string;
  model: string;
  condition: string;
  tier: string;
  query_id: string;
  sample: number;
  accepted: boolean | null;
  accept_then_refuse: boolean;
  error: string | null;
}

/**
 * Stream a samples.jsonl file and keep only the slim fields, one record per
 * key (a later successful record replaces an earlier one, as resuming and
 * compaction do). Holds no prompts in memory, so a 50,000-sample run loads
 * in seconds.
 */
export async function readSlimSamples(path: string): Promise<SlimRecord[]> {
  if (!existsSync(path)) throw new AfwError(`${path}: no such file`);
  const byKey = new Map<string, SlimRecord>();
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (!line.trim()) continue;
    let r: SlimRecord;
    try {
      const o = JSON.parse(line) as SlimRecord;
      r = { key: o.key, model: o.model, condition: o.condition, tier: o.tier, query_id: o.query_id, sample: o.sample, accepted: o.accepted, accept_then_refuse: o.accept_then_refuse, error: o.error };
    } catch (e) {
      throw new AfwError(`${path}:${n}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    if (typeof r.key !== "string" || typeof r.model !== "string") throw new AfwError(`${path}:${n}: not a sample record`);
    const prev = byKey.get(r.key);
    if (!prev || r.error === null || prev.error !== null) byKey.set(r.key, r);
  }
  return [...byKey.values()];
}
