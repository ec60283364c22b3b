/**
 * The one door through which the viewer and the Inspect exporter read a
 * results folder, through lib/store (the loader and the prompt store's files).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadRun } from "../store/index";
import type { RunManifest, Sample } from "../schema/index";
import { sha256 } from "../util/hash";

/** A results folder as read: its manifest (null when absent) and every sample with its judgements merged in ("judge@version"). */
export interface ResultsFolder {
  dir: string;
  manifest: RunManifest | null;
  samples: Sample[];
}

/**
 * Read a results folder: manifest, samples (system prompts put back) and
 * judgements. Not a results folder, or a bad line: an AfwError of one line.
 */
export async function readResultsFolder(dir: string): Promise<ResultsFolder> {
  const r = await loadRun(dir);
  return { dir: r.dir, manifest: r.manifest, samples: r.samples };
}

/** A system prompt from the folder's prompt store by its sha256, or null when it is not there (or altered). */
export function readStoredPrompt(dir: string, hash: string): string | null {
  const path = join(dir, "prompts", `${hash}.txt`);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  return sha256(text) === hash ? text : null;
}
