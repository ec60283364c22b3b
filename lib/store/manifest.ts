/**
 * manifest.json: the one module that reads and writes it. What a run was
 * asked to do and how far it got, checked against the RunManifest contract
 * both ways: a manifest that does not match is never written, and one that
 * does not parse is a one-line error naming the file. Fields the contract
 * does not know are kept on load (a newer afw may have written them).
 */
import { existsSync, readFileSync } from "node:fs";
import { RunManifest } from "../schema/index";
import { AfwError } from "../util/errors";
import { writeFileAtomic } from "../util/fsx";
import { firstIssue } from "../util/jsonl";
import { folderPaths } from "./layout";

/** The manifest parsed, unknown fields kept. */
export function parseManifest(raw: unknown, where: string): RunManifest {
  const r = RunManifest.loose().safeParse(raw);
  if (!r.success) throw new AfwError(`${where}: not a run manifest (${firstIssue(r.error)})`);
  return r.data as RunManifest;
}

/** A folder's manifest, or null when it has none. */
export function readManifest(dir: string): RunManifest | null {
  const path = folderPaths(dir).manifest;
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new AfwError(`${path}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  return parseManifest(raw, path);
}

/** The manifest text as written: checked against the contract first. */
export function manifestText(m: RunManifest, where = "manifest"): string {
  const r = RunManifest.loose().safeParse(m);
  if (!r.success) throw new AfwError(`${where}: refusing to write a manifest that breaks the contract (${firstIssue(r.error)})`);
  return JSON.stringify(m, null, 2) + "\n";
}

/** Write a folder's manifest atomically (a kill leaves the old one or the new one). */
export function writeManifest(dir: string, m: RunManifest): void {
  const path = folderPaths(dir).manifest;
  writeFileAtomic(path, manifestText(m, path));
}
