/**
 * The one door through which an import writes a results folder: samples.jsonl,
 * judgements.jsonl, manifest.json and the prompts/ store, each record checked
 * against lib/schema. Everything is written into a temporary sibling folder
 * and renamed into place at the end, so a failure or a kill leaves either no
 * folder or a whole one. When the results-folder code moves to lib/store,
 * only this file changes.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { JudgementRecord, RunManifest, Sample, type SampleInput } from "../schema/index";
import { PromptStore } from "../run/prompts";
import { AfwError } from "../util/errors";
import { firstIssue, JsonlWriter } from "../util/jsonl";

/** What an import hands over: samples (their judgements left out), judgement records and the manifest. */
export interface FolderContents {
  manifest: RunManifest;
  samples: SampleInput[];
  judgements: JudgementRecord[];
}

/**
 * Write a new results folder atomically. `dir` must not exist (or be an
 * empty folder). Returns the counts written.
 * @example writeResultsFolder("runs/imported", { manifest, samples, judgements })
 */
export function writeResultsFolder(dir: string, contents: FolderContents): { samples: number; judgements: number; prompts: number } {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory() || readdirSync(target).length) throw new AfwError(`${dir}: already exists and is not empty; choose a new folder`);
  }
  const m = RunManifest.safeParse(contents.manifest);
  if (!m.success) throw new AfwError(`manifest: ${firstIssue(m.error)}`);
  const samples = contents.samples.map((raw, i) => {
    const r = Sample.safeParse(raw);
    if (!r.success) throw new AfwError(`sample ${i + 1} (${(raw as { key?: string }).key ?? "no key"}): ${firstIssue(r.error)}`);
    return r.data;
  });
  const seen = new Set<string>();
  for (const s of samples) {
    if (seen.has(s.key)) throw new AfwError(`two samples share the key ${s.key}`);
    seen.add(s.key);
  }
  const judgements = contents.judgements.map((raw, i) => {
    const r = JudgementRecord.safeParse(raw);
    if (!r.success) throw new AfwError(`judgement ${i + 1}: ${firstIssue(r.error)}`);
    if (!seen.has(r.data.sample_key)) throw new AfwError(`judgement ${i + 1}: no sample has the key ${r.data.sample_key}`);
    return r.data;
  });

  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    mkdirSync(join(tmp, "prompts"), { recursive: true });
    const store = new PromptStore(join(tmp, "prompts"));
    const sw = new JsonlWriter<Sample>(join(tmp, "samples.jsonl"));
    for (const s of samples) sw.append({ ...s, request: store.slim(s.request), judgements: {} });
    sw.close();
    const jw = new JsonlWriter<JudgementRecord>(join(tmp, "judgements.jsonl"));
    for (const j of judgements) jw.append(j);
    jw.close();
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify(m.data, null, 2) + "\n");
    const prompts = readdirSync(join(tmp, "prompts")).length;
    if (existsSync(target)) rmdirSync(target);
    renameSync(tmp, target);
    return { samples: samples.length, judgements: judgements.length, prompts };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
