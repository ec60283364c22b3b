import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { JudgementRecord, RunManifest, type Sample } from "../schema/index";
import { readSamples } from "../run/store";
import { AfwError } from "../util/errors";
import { firstIssue, forEachJsonLine } from "../util/jsonl";

export interface LoadedRun {
  dir: string;
  manifest: RunManifest | null;
  samples: Sample[];
}

async function readJsonl<T>(path: string, parse: (raw: unknown, where: string) => T, each: (v: T) => void): Promise<void> {
  await forEachJsonLine(path, (raw, n) => each(parse(raw, `${path}:${n}`)));
}

/**
 * Load a results folder: manifest.json (optional), samples.jsonl, and any
 * judgements.jsonl, every line checked against the contracts. A bad line is
 * an error naming the file and line. Judgements are merged into their
 * samples under "judge@version".
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`results folder ${dir}: no such folder`);
  const samplesPath = join(dir, "samples.jsonl");
  if (!existsSync(samplesPath)) throw new AfwError(`results folder ${dir}: no samples.jsonl in it`);

  let manifest: RunManifest | null = null;
  const mPath = join(dir, "manifest.json");
  if (existsSync(mPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(mPath, "utf8"));
    } catch (e) {
      throw new AfwError(`${mPath}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    const r = RunManifest.safeParse(raw);
    if (!r.success) throw new AfwError(`${mPath}: ${firstIssue(r.error)}`);
    manifest = r.data;
  }

  const byKey = new Map((await readSamples(samplesPath)).map((s) => [s.key, s] as const));

  const jPath = join(dir, "judgements.jsonl");
  if (existsSync(jPath)) {
    await readJsonl(
      jPath,
      (raw, where) => {
        const r = JudgementRecord.safeParse(raw);
        if (!r.success) throw new AfwError(`${where}: ${firstIssue(r.error)}`);
        return r.data;
      },
      (j) => {
        const s = byKey.get(j.sample_key);
        if (s) s.judgements[`${j.judgement.judge}@${j.judgement.version}`] = j.judgement;
      },
    );
  }
  return { dir, manifest, samples: [...byKey.values()] };
}
