import { join } from "node:path";

/**
 * The layout of a results folder. Every file in it is read and written by
 * one module of lib/store, and by nothing else:
 *
 *   manifest.json      what the run was asked to do and how far it got (manifest.ts)
 *   samples.jsonl      one line per sample, appended as samples finish (samples.ts)
 *   judgements.jsonl   one line per (sample, judge version), appended (judgements.ts)
 *   prompts/<sha>.txt  each system prompt once; samples point at it (prompts.ts)
 *   batches/<provider>.jsonl  the journal of the provider batches a run or
 *                      its judges sent with --batch (written by lib/models/batch's
 *                      journal; its path and listing are here, batches.ts)
 */
export const MANIFEST_FILE = "manifest.json";
export const SAMPLES_FILE = "samples.jsonl";
export const JUDGEMENTS_FILE = "judgements.jsonl";
export const PROMPTS_DIR = "prompts";
/** The folder of batch journals, one per provider (a run at Anthropic and its judges at OpenAI keep apart). */
export const BATCHES_DIR = "batches";

/** Where each file of a results folder lives. */
export function folderPaths(dir: string): { manifest: string; samples: string; judgements: string; prompts: string } {
  return { manifest: join(dir, MANIFEST_FILE), samples: join(dir, SAMPLES_FILE), judgements: join(dir, JUDGEMENTS_FILE), prompts: join(dir, PROMPTS_DIR) };
}
