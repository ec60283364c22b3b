import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AfwError } from "../util/errors";
import { sha256 } from "../util/hash";
import { ParaphraseManifest } from "./manifest";
import { listLabels, placeholdersIn, tagsOf } from "./markers";
import { KEY_TERMS } from "./checks";

/** One wording of a loaded set: its id and the absolute paths of its two files. */
export interface SetWording {
  id: string;
  draw: number;
  systemFile: string;
  suffixFile: string;
  systemSha256: string;
  suffixSha256: string;
  meanChrf: number;
}

export interface ParaphraseSet {
  dir: string;
  manifest: ParaphraseManifest;
  /** Accepted wordings in draw order. */
  wordings: SetWording[];
  /** The source texts' files. */
  reference: { systemFile: string; suffixFile: string };
}

/** A set's manifest, parsed (one line naming the file when it is missing or not a set's). */
export function readParaphraseManifest(dirIn: string): { dir: string; path: string; manifest: ParaphraseManifest } {
  const dir = resolve(dirIn);
  const mp = join(dir, "manifest.json");
  if (!existsSync(mp)) throw new AfwError(`${dirIn}: no paraphrase set here (no manifest.json); make one with afw paraphrase SCENARIO --out ${dirIn}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(mp, "utf8"));
  } catch (e) {
    throw new AfwError(`${mp}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const r = ParaphraseManifest.safeParse(raw);
  if (!r.success) throw new AfwError(`${mp}: not a paraphrase set manifest (${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message})`);
  return { dir, path: mp, manifest: r.data };
}

/**
 * Every file a set's manifest lists that is missing or no longer matches
 * its sha256, one line each ("…/w03/system.txt: changed since the set was
 * made (…)"); empty when the set is whole.
 */
export function damagedSetFiles(dir: string, manifestPath: string, m: ParaphraseManifest): string[] {
  const out: string[] = [];
  const listed: [string, string][] = [
    [m.source.reference_system_file, m.source.system_sha256],
    [m.source.reference_suffix_file, m.source.suffix_sha256],
    ...m.wordings.flatMap((w): [string, string][] => [
      [w.system_file, w.system_sha256],
      [w.suffix_file, w.suffix_sha256],
    ]),
  ];
  for (const [rel, want] of listed) {
    const p = join(dir, rel);
    if (!existsSync(p)) {
      out.push(`${p}: missing (listed in ${manifestPath})`);
      continue;
    }
    const got = sha256(readFileSync(p));
    if (got !== want) out.push(`${p}: changed since the set was made (sha256 ${got.slice(0, 12)}…, manifest says ${want.slice(0, 12)}…)`);
  }
  return out;
}

/**
 * Read a paraphrase set folder: the manifest (checked against its schema),
 * and every wording's files, each checked against the sha256 the manifest
 * recorded (so a file edited by hand is caught before it is run). Any
 * problem is one AfwError naming the file (the first damaged one, and how
 * many more: `afw paraphrase check` lists them all).
 */
export function loadParaphraseSet(dirIn: string): ParaphraseSet {
  const { dir, path: mp, manifest: m } = readParaphraseManifest(dirIn);
  const damaged = damagedSetFiles(dir, mp, m);
  if (damaged.length) throw new AfwError(damaged[0] + (damaged.length > 1 ? ` (and ${damaged.length - 1} more damaged file(s): afw paraphrase check ${dirIn} lists them)` : ""));
  const reference = { systemFile: join(dir, m.source.reference_system_file), suffixFile: join(dir, m.source.reference_suffix_file) };
  const wordings = m.wordings.map((w) => ({
    id: w.id,
    draw: w.draw,
    systemFile: join(dir, w.system_file),
    suffixFile: join(dir, w.suffix_file),
    systemSha256: w.system_sha256,
    suffixSha256: w.suffix_sha256,
    meanChrf: w.mean_chrf,
  }));
  return { dir, manifest: m, wordings, reference };
}

/** What `validateParaphraseSet` found for one wording. */
export interface WordingValidation {
  id: string;
  ok: boolean;
  problems: string[];
}

/**
 * Check a set's stored wordings again, as whole texts against the
 * reference: every tag, placeholder, list label and key term of the
 * reference system prompt and suffix is still there, and no new tag or
 * placeholder appeared. (The per-unit checks ran when the set was built;
 * this re-check needs nothing but the files.)
 */
export function validateParaphraseSet(set: ParaphraseSet): WordingValidation[] {
  const refSystem = readFileSync(set.reference.systemFile, "utf8");
  const refSuffix = readFileSync(set.reference.suffixFile, "utf8");
  return set.wordings.map((w) => {
    const problems: string[] = [];
    const pairs: [string, string, string][] = [
      ["system", refSystem, readFileSync(w.systemFile, "utf8")],
      ["suffix", refSuffix, readFileSync(w.suffixFile, "utf8")],
    ];
    for (const [part, ref, now] of pairs) {
      for (const t of tagsOf(ref)) if (!now.includes(t)) problems.push(`${part}: tag ${t} missing`);
      for (const t of tagsOf(now)) if (!ref.includes(t)) problems.push(`${part}: tag ${t} added`);
      for (const p of placeholdersIn(ref)) if (!now.includes(p)) problems.push(`${part}: placeholder ${p} missing`);
      for (const p of placeholdersIn(now)) if (!ref.includes(p)) problems.push(`${part}: placeholder ${p} added`);
      const labels = listLabels(now);
      for (const l of listLabels(ref)) if (!labels.includes(l)) problems.push(`${part}: list label "- ${l}:" missing`);
      for (const k of KEY_TERMS) if (k.forms.test(ref) && !k.forms.test(now)) problems.push(`${part}: term "${k.name}" missing`);
    }
    return { id: w.id, ok: problems.length === 0, problems };
  });
}
