import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { JudgementRecord, Sample as SampleSchema, type Judgement, type RunManifest, type SampleInput } from "../schema/index";
import { AfwError } from "../util/errors";
import { sha256 } from "../util/hash";
import { firstIssue } from "../util/jsonl";
import { folderPaths } from "./layout";
import { manifestText } from "./manifest";
import { PromptStore } from "./prompts";

/** What `writeResultsFolder` writes. */
export interface ResultsFolder {
  manifest: RunManifest;
  /** Samples as the contract has them; system prompts given inline are moved to prompts/. */
  samples: readonly SampleInput[];
  /** Judgement records, or judgements with the key of their sample. */
  judgements?: readonly (JudgementRecord | { sample_key: string; judgement: Judgement; created_at?: string })[];
  /** Texts of system prompts the samples already point at by reference (hash → text). */
  prompts?: Readonly<Record<string, string>>;
}

/**
 * Write a whole results folder at once (for importers of other tools'
 * formats): every sample and judgement checked against the contracts, the
 * manifest checked too, written into a temporary sibling folder that is
 * renamed into place at the end. A bad record is a one-line error and
 * nothing is left behind; an existing non-empty DIR is refused. Returns the
 * folder.
 *
 * @example
 * await writeResultsFolder("runs/imported", { manifest, samples, judgements });
 */
export async function writeResultsFolder(dir: string, f: ResultsFolder): Promise<string> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new AfwError(`${dir}: already exists and is not empty; choose a new folder`);
  const text = manifestText(f.manifest, join(dir, "manifest.json"));
  const samples = f.samples.map((raw, i) => {
    const r = SampleSchema.safeParse(raw);
    if (!r.success) throw new AfwError(`sample ${i + 1}: ${firstIssue(r.error)}`);
    return r.data;
  });
  const keys = new Set<string>();
  for (const [i, s] of samples.entries()) {
    if (keys.has(s.key)) {
      const first = samples.findIndex((x) => x.key === s.key);
      throw new AfwError(`samples ${first + 1} and ${i + 1} share the key "${s.key}" (model ${s.model}, condition ${s.condition}, tier ${s.tier}, query ${s.query_id}, sample ${s.sample}): the inputs hold the same sample twice (the same log given twice, or two logs of one run?)`);
    }
    keys.add(s.key);
  }
  const judgements = (f.judgements ?? []).map((raw, i) => {
    const r = JudgementRecord.safeParse({ created_at: new Date().toISOString(), ...raw });
    if (!r.success) throw new AfwError(`judgement ${i + 1}: ${firstIssue(r.error)}`);
    if (!keys.has(r.data.sample_key)) throw new AfwError(`judgement ${i + 1}: no sample has key "${r.data.sample_key}"`);
    return r.data;
  });
  for (const [hash, body] of Object.entries(f.prompts ?? {})) if (sha256(body) !== hash) throw new AfwError(`prompts: the text given for ${hash} does not have that hash`);

  mkdirSync(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    mkdirSync(tmp);
    const paths = folderPaths(tmp);
    mkdirSync(paths.prompts);
    for (const [hash, body] of Object.entries(f.prompts ?? {})) writeFileSync(join(paths.prompts, `${hash}.txt`), body);
    const store = PromptStore.of(tmp);
    for (const s of samples) {
      for (const m of s.request.messages ?? []) {
        if (m.ref && !existsSync(join(paths.prompts, `${m.ref}.txt`))) throw new AfwError(`sample ${s.key}: points at prompt ${m.ref}, which was not given`);
      }
    }
    writeFileSync(paths.samples, samples.map((s) => JSON.stringify({ ...s, request: store.slim(s.request) }) + "\n").join(""));
    if (judgements.length) writeFileSync(paths.judgements, judgements.map((j) => JSON.stringify(j) + "\n").join(""));
    writeFileSync(paths.manifest, text);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
