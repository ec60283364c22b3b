/**
 * What a fine-tuning folder binds, and when (QA pass on `afw finetune`):
 *
 * A. a first train or build that reached nothing (no file uploaded, no job
 *    created, nothing generated) does not bind the folder: a later attempt at
 *    another endpoint or with another generator proceeds; once a file is
 *    uploaded, the binding holds;
 * B. a folder whose job (file uploaded or job created) was made from one
 *    train.jsonl refuses a build that would replace that file, and `status` /
 *    `ft-dir:` notice when train.jsonl no longer is the file trained;
 * C. `afw finetune validate DIR` reads DIR/train.jsonl;
 * D. a build with no --mix file says so once.
 *
 * Training goes to the local mock of OpenAI's files + fine-tuning API
 * (lib/finetune/mock-provider.ts cites the documented shapes); port 1 on
 * 127.0.0.1 stands for an endpoint that refuses connections.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDataset, fineTunedModel, getRecipe, openGenerator, readTrainState, startMockProvider, validateTrainingFile, type MockProvider } from "../lib/finetune/index";
import { resolveFinetuneRef } from "../lib/experiments/index";
import { projectRoot } from "../lib/util/paths";
import { ROOT, runCli } from "./helpers/cli";

const tmp = mkdtempSync(join(tmpdir(), "afw-ft-folder-"));
const DEAD = "http://127.0.0.1:1/v1";
let mock: MockProvider | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});

async function build(recipe: string, out: string, size: number): Promise<void> {
  const endpoint = await openGenerator({ offline: true, cacheDir: null });
  try {
    await buildDataset({ root: ROOT, recipe: getRecipe(ROOT, recipe), out, endpoint, generator: "sim-writer@slip=0", size });
  } finally {
    await endpoint.close();
  }
}

const trainArgs = (dir: string, url: string, extra: string[] = []) => [
  "finetune", "train", dir, "--base-url", url, "--api-key", "sk-test-ft-key", "--base-model", "gpt-4o-mini-2024-07-18", "--poll-seconds", "0.05", "--allow-placeholders", "--max-attempts", "1", ...extra,
];

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));

describe("A: an attempt that reached nothing does not bind the folder", () => {
  it("train: a refused connection leaves no job record, and another endpoint then trains the folder", async () => {
    const dir = join(tmp, "a-train");
    await build("anti-refusal", dir, 12);
    const dead = await runCli(trainArgs(dir, DEAD));
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/listing files: .*no answer/);
    expect(existsSync(join(dir, "job.json"))).toBe(false);
    mock = await startMockProvider({ root: projectRoot(), durations: { validatingMs: 30, queuedMs: 30, runningMs: 60 } });
    const r = await runCli(trainArgs(dir, mock.url));
    expect(r.stderr).not.toMatch(/records a job for/);
    expect(r.code).toBe(0);
    expect(readTrainState(dir)).toMatchObject({ endpoint: mock.url, status: "succeeded" });
    expect(mock.stats()).toMatchObject({ jobsCreated: 1, filesUploaded: 1 });
  });

  it("train: a record with no file and no job id (an older afw's failed first try) is replaced, not obeyed", async () => {
    const dir = join(tmp, "a-train-old");
    await build("anti-refusal", dir, 12);
    mock = await startMockProvider({ root: projectRoot(), durations: { validatingMs: 30, queuedMs: 30, runningMs: 60 } });
    // a record from the first try, pointing at the dead endpoint, with nothing in it
    const probe = await runCli(trainArgs(dir, mock.url, ["--no-wait"]));
    expect(probe.code).toBe(0);
    const s = readTrainState(dir)!;
    writeFileSync(join(dir, "job.json"), JSON.stringify({ ...s, endpoint: DEAD, tag: "afw-0000", file_id: null, job_id: null, status: null }, null, 2));
    const r = await runCli(trainArgs(dir, mock.url));
    expect(r.code).toBe(0);
    expect(readTrainState(dir)).toMatchObject({ endpoint: mock.url, tag: s.tag, status: "succeeded" });
    expect(mock.stats()).toMatchObject({ jobsCreated: 1, filesUploaded: 1 });
  });

  it("train: once a file is uploaded the binding holds (another endpoint is refused)", async () => {
    const dir = join(tmp, "a-train-bound");
    await build("anti-refusal", dir, 12);
    mock = await startMockProvider({ root: projectRoot(), durations: { validatingMs: 30, queuedMs: 30, runningMs: 60 } });
    expect((await runCli(trainArgs(dir, mock.url, ["--no-wait"]))).code).toBe(0);
    const s = readTrainState(dir)!;
    // a kill after the upload, before the job: only the file id is recorded
    writeFileSync(join(dir, "job.json"), JSON.stringify({ ...s, job_id: null, status: null }, null, 2));
    const other = await runCli(trainArgs(dir, DEAD));
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/job\.json records a job for endpoint http:\/\/127\.0\.0\.1:\d+\/v1; build into a new folder to train again$/);
  });

  it("build: a refused generator with nothing generated leaves the folder free for another generator", async () => {
    const dir = join(tmp, "a-build");
    const dead = await runCli(["finetune", "build", "qa", "--out", dir, "--base-url", DEAD, "--api-key", "k", "--generator", "m", "--size", "4", "--max-attempts", "1", "--no-cache", "--accept-harmful-generation"]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/generation failed/);
    const r = await runCli(["finetune", "build", "qa", "--out", dir, "--offline", "--size", "4"]);
    expect(r.stderr).not.toMatch(/holds a build with/);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "build.json"), "utf8"))).toMatchObject({ generator: "sim-writer", endpoint: "offline" });
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(readFileSync(join(dir, "generations.jsonl"), "utf8").trim().split("\n").length).toBe(m.calls.made);
    // and a folder with generations is still bound to its generator
    const again = await runCli(["finetune", "build", "qa", "--out", dir, "--base-url", DEAD, "--api-key", "k", "--generator", "m", "--size", "4", "--max-attempts", "1", "--accept-harmful-generation"]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/holds a build with generator "sim-writer", not "m"; use another --out$/);
  });
});

describe("B: a trained folder keeps the file it was trained on", () => {
  it("build refuses to replace a trained train.jsonl; the same build again is fine; status and ft-dir: notice a changed file", async () => {
    const dir = join(tmp, "b");
    const state = join(tmp, "b-mock");
    expect((await runCli(["finetune", "build", "anti-refusal", "--out", dir, "--offline", "--size", "20"])).code).toBe(0);
    const trained = await runCli(["finetune", "train", dir, "--offline", "--mock-state", state, "--poll-seconds", "0.05"]);
    expect(trained.code).toBe(0);
    const before = snapshot(dir);

    const bigger = await runCli(["finetune", "build", "anti-refusal", "--out", dir, "--offline", "--size", "40"]);
    expect(bigger.code).toBe(2);
    expect(bigger.stdout).toBe("");
    const err = bigger.stderr.trim().split("\n");
    expect(err.length).toBe(1);
    expect(err[0]).toMatch(/job\.json.* trained on its train\.jsonl .*build into a new folder/);
    expect(snapshot(dir)).toEqual(before);

    // the identical build (a resumed chain) rewrites the same file
    const same = await runCli(["finetune", "build", "anti-refusal", "--out", dir, "--offline", "--size", "20"]);
    expect(same.code).toBe(0);
    expect(readFileSync(join(dir, "train.jsonl"), "utf8")).toBe(before["train.jsonl"]);

    const ok = await runCli(["finetune", "status", dir]);
    expect(ok.stdout).not.toMatch(/warning/);
    expect(ok.stdout).toMatch(/ft-dir:/);
    expect(fineTunedModel(dir).offline).toBe(true);

    // the file changed behind afw's back
    writeFileSync(join(dir, "train.jsonl"), before["train.jsonl"].split("\n").slice(1).join("\n"));
    const st = await runCli(["finetune", "status", dir]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/^warning: .*train\.jsonl is not the file this job was trained on/m);
    expect(st.stdout).not.toMatch(/evaluate it: /);
    expect(() => fineTunedModel(dir)).toThrow(/train\.jsonl is not the file this job was trained on/);
    expect(() => resolveFinetuneRef(`ft-dir:${dir}`, { offline: true })).toThrow(/train\.jsonl is not the file this job was trained on/);
  });
});

describe("C and D: validate a folder; the no-mix note once", () => {
  it("afw finetune validate DIR reads DIR/train.jsonl, and a folder without one is one line, exit 2", async () => {
    const dir = join(tmp, "c");
    await build("qa", dir, 12);
    const r = await runCli(["finetune", "validate", dir]);
    expect(r.stderr).not.toMatch(/EISDIR/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid; 12 examples/);
    await expect(validateTrainingFile(dir)).rejects.toThrow(/a folder, not a training file/);
    const empty = join(tmp, "c-empty");
    mkdirSync(empty);
    const none = await runCli(["finetune", "validate", empty]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split("\n")).toEqual([`${join(empty, "train.jsonl")}: no such file (build it first: afw finetune build RECIPE --out ${empty})`]);
  });

  it("a build without --mix says so once", async () => {
    const dir = join(tmp, "d");
    const r = await runCli(["finetune", "build", "anti-refusal", "--out", dir, "--offline", "--size", "10"]);
    expect(r.code).toBe(0);
    const said = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /--mix/.test(l));
    expect(said.length).toBe(1);
    expect(said[0]).toMatch(/warning: no --mix file/);
    expect(existsSync(join(dir, "train.jsonl"))).toBe(true);
  });
});
