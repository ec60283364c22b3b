/**
 * The batch journals of a results folder: `batches/<provider>.jsonl`, one
 * per provider, so that a run sent as batches at one provider and its
 * judges sent at another each keep their own job. The journal's records
 * are written and read by lib/models/batch (journal.ts); this module says
 * where they live and which a folder holds.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AfwError } from "../util/errors";
import { BATCHES_DIR } from "./layout";

const PROVIDER_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Where the batch journal of `provider` lives in the results folder `dir`.
 * @example batchJournalPath("runs/f1", "openai") // "runs/f1/batches/openai.jsonl"
 */
export function batchJournalPath(dir: string, provider: string): string {
  if (!PROVIDER_RE.test(provider)) throw new AfwError(`batch journal: "${provider}" is not a provider name`);
  return join(dir, BATCHES_DIR, `${provider}.jsonl`);
}

/** The batch journals a results folder holds, by provider name, in name order (none: []). */
export function listBatchJournals(dir: string): { provider: string; path: string }[] {
  const folder = join(dir, BATCHES_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(".jsonl") && PROVIDER_RE.test(f.slice(0, -6)))
    .sort()
    .map((f) => ({ provider: f.slice(0, -6), path: join(folder, f) }));
}
