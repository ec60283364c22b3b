/**
 * The Inspect log format against the real thing: the key sets of what
 * `afw export inspect` writes compared with real Inspect logs (top level,
 * eval spec, samples, messages, output, scores, results, reductions, .eval
 * members and summaries); the real logs imported (both formats of the same
 * log give the same records); Python's NaN/Infinity; zstd-compressed .eval
 * members; and bad input (one line, exit 2, nothing written).
 *
 * The real logs are read from ../shared/external/inspect-logs/ (inspect_ai
 * test fixtures); the tests that need them skip with a message when absent.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRun } from "../lib/store/index";
import { evalMembers, inspectLog } from "../lib/interop/inspect-export";
import { importInspectLogs, readInspectLog } from "../lib/interop/inspect-import";
import { parseLogJson } from "../lib/interop/json";
import { openZip, writeZip, ZIP_ZSTD } from "../lib/interop/zip";
import type { InspectLog } from "../lib/interop/inspect-types";
import { readResultsFolder } from "../lib/view/source";
import { AfwError } from "../lib/util/errors";
import { ROOT, runCli } from "./helpers/cli";

const LOGS = join(ROOT, "..", "shared", "external", "inspect-logs");
const haveLogs = existsSync(join(LOGS, "log_formats.json"));
if (!haveLogs) console.warn(`SKIPPING the real-log comparisons: ${LOGS} not found (the shared external data)`);
const real = (name: string) => join(LOGS, name);
const POPULARITY = "2025-05-12T20-28-13-04-00_popularity.json";

const tmp = mkdtempSync(join(tmpdir(), "afw-inspect-fmt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let ours: InspectLog;
const demo = join(tmp, "demo");
beforeAll(async () => {
  const r1 = await runCli(["run", "--offline", "--out", demo, "--quiet", "--limit", "8"]);
  if (r1.code !== 0) throw new Error(r1.stderr);
  const r2 = await runCli(["judge", demo, "--offline", "--quiet"]);
  if (r2.code !== 0) throw new Error(r2.stderr);
  ours = inspectLog(await readResultsFolder(demo));
}, 60_000);

const keys = (o: object) => Object.keys(o).sort();
const union = (objs: object[]) => [...new Set(objs.flatMap((o) => Object.keys(o)))].sort();
const subset = (a: string[], b: string[]) => a.filter((k) => !b.includes(k));

/**
 * EvalSpec fields inspect_ai defines (src/inspect_ai/log/_log.py, class EvalSpec):
 * a field we write must be one of these even when the two fixture logs happen not to use it.
 */
const EVAL_SPEC_FIELDS = [
  "eval_set_id", "eval_id", "run_id", "created", "task", "task_id", "task_version", "task_file", "task_display_name", "task_registry_name",
  "task_attribs", "task_args", "task_args_passed", "solver", "solver_args", "solver_args_passed", "tags", "dataset", "sandbox", "model",
  "model_generate_config", "model_base_url", "model_args", "model_roles", "config", "revision", "packages", "metadata", "viewer", "scorers", "metrics",
];

describe.skipIf(!haveLogs)("what afw writes has the shape of real Inspect logs", () => {
  const pop = () => JSON.parse(readFileSync(real(POPULARITY), "utf8"));
  const fmt = () => JSON.parse(readFileSync(real("log_formats.json"), "utf8"));

  it("top-level fields: the same set as a real log", () => {
    expect(keys(ours)).toEqual(keys(pop()));
    expect(ours.version).toBe(2);
  });

  it("eval spec: the fields every real log has, and only fields Inspect defines", () => {
    const spec = keys(ours.eval);
    for (const k of ["created", "task", "dataset", "model", "config"]) expect(spec).toContain(k);
    expect(subset(spec, EVAL_SPEC_FIELDS)).toEqual([]);
    // what the real logs have and we leave out is optional provenance only
    expect(subset(union([pop().eval, fmt().eval]), spec).every((k) => ["task_file", "revision", "model_base_url"].includes(k))).toBe(true);
    expect(keys(ours.eval.dataset)).toEqual(keys(pop().eval.dataset));
  });

  it("samples: a real sample's fields (no more, no fewer but error_retries)", () => {
    const realSample = pop().samples[0];
    for (const s of ours.samples!) {
      const missing = subset(keys(realSample), keys(s));
      expect(missing).toEqual(["error_retries"]);
      const extra = subset(keys(s), union([realSample, ...fmt().samples]));
      expect(extra.every((k) => k === "error")).toBe(true);
    }
    expect(ours.samples!.length).toBe(32); // 8 queries × 2 models × 2 tiers
  });

  it("messages, output and usage: the real shapes", () => {
    const r = pop().samples[0];
    const realMsgKeys = union(r.messages);
    for (const s of ours.samples!) {
      for (const m of s.messages!) expect(subset(keys(m), [...realMsgKeys, "metadata"])).toEqual([]);
      expect(s.messages!.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
      expect(keys(s.output!)).toEqual(keys(r.output));
      expect(keys(s.output!.choices[0])).toEqual(keys(r.output.choices[0]));
      expect(subset(keys(s.output!.usage!), keys(r.output.usage))).toEqual([]);
      expect(typeof s.input).toBe("string");
      expect(s.target).toBe("");
    }
  });

  it("scores: value, answer and explanation as real scores have them, plus metadata", () => {
    const realScore = pop().samples[0].scores.match;
    let n = 0;
    for (const s of ours.samples!) {
      for (const [name, sc] of Object.entries(s.scores!)) {
        n++;
        expect(subset(keys(realScore), keys(sc))).toEqual([]);
        expect(keys(sc)).toEqual(["answer", "explanation", "metadata", "value"]);
        expect(["number", "string", "boolean"]).toContain(typeof sc.value);
        expect(typeof sc.explanation).toBe("string");
        expect(["compliance", "partial_compliance", "af_reasoning", "motives"]).toContain(name);
      }
    }
    expect(n).toBeGreaterThan(32 * 3 - 1);
    // results and reductions
    expect(keys(ours.results!)).toEqual(keys(pop().results));
    for (const sc of ours.results!.scores) expect(keys(sc)).toEqual(keys(pop().results.scores[0]));
    expect(keys(ours.stats)).toEqual(keys(pop().stats));
    for (const red of ours.reductions!) {
      expect(keys(red)).toEqual(keys(pop().reductions[0]));
      for (const x of red.samples) expect(subset(keys(x), keys(pop().reductions[0].samples[0]))).toEqual([]);
    }
  });

  it(".eval: the members, header and summaries of a real .eval", () => {
    const realZip = openZip(readFileSync(real("log_read_sample.eval")), "real");
    const members = evalMembers(ours);
    const shape = (n: string) => n.replace(/^samples\/.*$/, "samples/*");
    expect([...new Set(members.map((m) => shape(m.name)))].sort()).toEqual([...new Set(realZip.names().map(shape))].sort());
    const header = JSON.parse(members.find((m) => m.name === "header.json")!.data);
    expect(keys(header)).toEqual(keys(JSON.parse(realZip.read("header.json").toString())));
    const sums = JSON.parse(members.find((m) => m.name === "summaries.json")!.data);
    const realSums = JSON.parse(realZip.read("summaries.json").toString());
    for (const s of sums) expect(keys(s)).toEqual(keys(realSums[0]));
    const start = JSON.parse(members[0].data);
    expect(keys(start)).toEqual(keys(JSON.parse(realZip.read("_journal/start.json").toString())));
  });
});

describe.skipIf(!haveLogs)("reading the real logs", () => {
  it("the popularity .json log: three samples with their outputs and scores", () => {
    const r = importInspectLogs([real(POPULARITY)], "0.1.0");
    expect(r.samples.length).toBe(3);
    const s = r.samples[0];
    expect(s.model).toBe("openai/gpt-4o-mini");
    expect(s.model_snapshot).toBe("gpt-4o-mini-2024-07-18");
    expect(s.output_text).toBe("Yes");
    expect(s.outcome).toBe("reply");
    expect(s.finish_reason).toBe("stop");
    expect(s.usage).toEqual({ prompt_tokens: 64, completion_tokens: 2, total_tokens: 66, cached_prompt_tokens: 0, reasoning_tokens: 0 });
    expect(s.request.messages!.map((m) => m.role)).toEqual(["system", "user"]);
    expect(s.latency_ms).toBeCloseTo(664);
    expect(r.judgements.length).toBe(3);
    const j = r.judgements[0].judgement;
    expect(j).toMatchObject({ judge: "match", label: "C", score: 1, valid: true });
    expect(j.detail).toMatchObject({ answer: "Yes", explanation: "Yes" });
    expect(r.manifest.status).toBe("incomplete"); // the log was cancelled
  });

  it("log_formats: the .json and the .eval form give the same records", () => {
    const a = importInspectLogs([real("log_formats.json")], "0.1.0", "2026-01-01T00:00:00Z");
    const b = importInspectLogs([real("log_formats.eval")], "0.1.0", "2026-01-01T00:00:00Z");
    expect(a.samples.length).toBe(1);
    expect(b.samples).toEqual(a.samples);
    expect(b.judgements).toEqual(a.judgements);
    expect(a.samples[0].output_text).toBe("No");
  });

  it("the CLI imports several real logs into one folder that loads", async () => {
    const out = join(tmp, "real-import");
    const r = await runCli(["import", "inspect", real(POPULARITY), real("log_read_sample.eval"), real("log_formats.json"), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 samples, 5 judgements/);
    const run = await loadRun(out);
    expect(run.samples.length).toBe(5);
    expect(run.manifest!.models.sort()).toEqual(["ollama/gemma3", "ollama/llama3.1", "openai/gpt-4o-mini"]);
    expect(run.samples.every((s) => Object.keys(s.judgements).length === 1)).toBe(true);
  });

  it("NaN and Infinity in a log are read (Python writes them)", () => {
    const text = readFileSync(real(POPULARITY), "utf8").replace('"value": "C"', '"value": NaN').replace('"total_time": 0.664', '"total_time": Infinity');
    expect(text).toContain("NaN");
    const p = join(tmp, "nan.json");
    writeFileSync(p, text);
    const r = importInspectLogs([p], "0.1.0");
    const j = r.judgements.find((x) => x.sample_key === r.samples[0].key)!.judgement;
    expect(j.score).toBeNull();
    expect(j.valid).toBe(false);
    expect(r.samples[0].latency_ms).toBe(0); // not a finite time: not taken
  });
});

describe("JSON with Python's non-finite numbers", () => {
  it("reads NaN, Infinity and -Infinity outside strings only", () => {
    expect(parseLogJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN and Infinity", "d": "q\\"NaN"}', "x")).toEqual({
      a: NaN,
      b: [Infinity, -Infinity],
      c: "NaN and Infinity",
      d: 'q"NaN',
    });
  });
  it("names the line and column of a syntax error", () => {
    expect(() => parseLogJson('{\n  "a": 1,\n  "b": ]\n}', "f.json")).toThrow(/^f\.json:3:8: not valid JSON/);
    expect(() => parseLogJson('{"a": [1, 2', "f.json")).toThrow(/ends in the middle of a value/);
  });
});

describe("ZIP members", () => {
  it("deflated members round-trip with their CRC checked", () => {
    const z = openZip(writeZip([{ name: "a.json", data: '{"x":1}' }, { name: "dir/é.json", data: Buffer.alloc(70_000, 120) }]), "t");
    expect(z.names()).toEqual(["a.json", "dir/é.json"]);
    expect(z.read("dir/é.json").length).toBe(70_000);
  });
  it("a damaged member or directory is one clear error", () => {
    const good = writeZip([{ name: "a.json", data: "hello hello hello" }]);
    const bad = Buffer.from(good);
    bad[40] ^= 0xff; // inside the deflated bytes
    expect(() => openZip(bad, "bad.eval").read("a.json")).toThrow(AfwError);
    expect(() => openZip(good.subarray(0, good.length - 30), "cut.eval")).toThrow(/cut\.eval: not a readable \.eval \(ZIP\) file/);
    expect(() => openZip(Buffer.from("not a zip at all, just text"), "t.eval")).toThrow(/no end-of-central-directory/);
  });

  const haveZstd = spawnSync("zstd", ["--version"]).status === 0;
  if (!haveZstd) console.warn("SKIPPING the zstd .eval test: the zstd command is not installed (apt-get install zstd)");
  it.skipIf(!haveZstd)("zstd-compressed members (method 93, as Inspect ≥ 0.3.206 writes) are read, several frames too", () => {
    const zstd = (data: Buffer) => {
      // two frames, as Inspect splits large members
      const half = Math.floor(data.length / 2);
      const f = (b: Buffer) => spawnSync("zstd", ["-q", "-c", "-"], { input: b }).stdout as Buffer;
      return { method: ZIP_ZSTD, packed: Buffer.concat([f(data.subarray(0, half)), f(data.subarray(half))]) };
    };
    const members = evalMembers(ours);
    const file = join(tmp, "zstd.eval");
    writeFileSync(file, writeZip(members, new Date(), zstd));
    const raw = readFileSync(file);
    expect(raw.readUInt16LE(8)).toBe(93); // first member's method
    const read = readInspectLog(file);
    expect(read.samples.length).toBe(ours.samples!.length);
    expect(read.samples[0]).toEqual(JSON.parse(JSON.stringify(ours.samples![0])));
  });
});

describe("bad input: one line, exit 2, nothing written", () => {
  const oneLine = (s: string) => s.trim().split("\n").length === 1;

  it("a malformed .json log", async () => {
    const p = join(tmp, "broken.json");
    writeFileSync(p, '{"version": 2, "eval": {"task": "t", "model": "m",\n  "created": }');
    const out = join(tmp, "never-1");
    const r = await runCli(["import", "inspect", p, "--out", out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/broken\.json:2:14: not valid JSON/);
    expect(existsSync(out)).toBe(false);
  });

  it("JSON that is not a log, a log with no samples, a damaged .eval, a missing file", async () => {
    const notLog = join(tmp, "notlog.json");
    writeFileSync(notLog, JSON.stringify({ hello: "world" }));
    const empty = join(tmp, "empty.json");
    writeFileSync(empty, JSON.stringify({ version: 2, status: "started", eval: { task: "t", model: "m", created: "2026-01-01" }, samples: null }));
    const damaged = join(tmp, "damaged.eval");
    const z = Buffer.from(writeZip(evalMembers(ours)));
    const mid = Math.floor(z.length / 2); // inside the sample members, which the reader must read
    z.fill(0, mid, mid + 60);
    writeFileSync(damaged, z);
    const cases: [string, RegExp][] = [
      [notLog, /notlog\.json: not an Inspect log: version/],
      [empty, /empty\.json: the log holds no samples/],
      [damaged, /damaged\.eval.*(not a readable|not valid JSON|CRC|decompress)/],
      [join(tmp, "missing.eval"), /missing\.eval: cannot read the file/],
    ];
    for (const [file, re] of cases) {
      const out = join(tmp, `never-${readdirSync(tmp).length}`);
      const r = await runCli(["import", "inspect", file, "--out", out]);
      expect(r.code, file).toBe(2);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("the same samples given twice: the line names both positions and the sample", async () => {
    const p = join(tmp, "twice.json");
    writeFileSync(p, JSON.stringify(ours));
    const out = join(tmp, "never-twice");
    const r = await runCli(["import", "inspect", p, p, "--out", out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/samples 1 and \d+ share the key ".+" \(model .+, condition .+, tier .+, query .+, sample \d+\): the inputs hold the same sample twice/);
    expect(existsSync(out)).toBe(false);
  });

  it("export of a folder that is not a results folder; a bad --out; an unknown format; import into a full folder", async () => {
    const notRun = join(tmp, "not-a-run");
    mkdirSync(notRun, { recursive: true });
    const out = join(tmp, "x.json");
    let r = await runCli(["export", "inspect", notRun, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`results folder ${notRun}: no samples.jsonl in it`);
    expect(existsSync(out)).toBe(false);
    r = await runCli(["export", "inspect", demo, "--out", join(tmp, "x.txt")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out must end in \.json or \.eval/);
    r = await runCli(["export", "osaf", demo, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown format "osaf"; formats: inspect/);
    r = await runCli(["import", "inspect", join(tmp, "zstd.eval"), "--out", demo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists and is not empty/);
  });
});
