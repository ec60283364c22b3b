/**
 * `afw paraphrase` end to end, as a user runs it (child processes), plus bad
 * input and a kill -9 in the middle of a set. The kill test's server speaks
 * the OpenAI chat-completions protocol
 * (https://platform.openai.com/docs/api-reference/chat/create) and answers
 * slowly, so the kill lands between draws.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli";

const root = mkdtempSync(join(tmpdir(), "afw-paraphrase-cli-"));

describe("afw paraphrase offline, end to end", () => {
  it("makes a K = 8 set, checks it, runs every wording, reports gaps and writes the forest", async () => {
    const set = join(root, "set");
    const made = await runCli(["paraphrase", "baseline", "--k", "8", "--out", set, "--no-cache", "--model", "sim-paraphraser@bad=0.03"]);
    expect(made.stderr).toMatch(/afw paraphrase: 8 wording\(s\) of baseline \(cot; identity, format, strategy, criteria, training, closing, suffix\) from sim-paraphraser@bad=0\.03/);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^complete: 8\/8 wording\(s\) accepted, \d+ draw\(s\) rejected/);
    const manifest = JSON.parse(readFileSync(join(set, "manifest.json"), "utf8"));
    expect(manifest.wordings).toHaveLength(8);

    const checked = await runCli(["paraphrase", "check", set]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/complete, 8\/8 wording\(s\) of baseline \(cot\) by sim-paraphraser@bad=0\.03; every file matches its sha256/);
    expect(checked.stdout.match(/^ {2}w\d+ {2}ok/gm)).toHaveLength(8);

    // A smaller --k never shrinks the set: one line, exit 2, nothing changed.
    const before = { manifest: readFileSync(join(set, "manifest.json"), "utf8"), dirs: readdirSync(set).sort() };
    const smaller = await runCli(["paraphrase", "baseline", "--k", "4", "--out", set, "--no-cache", "--model", "sim-paraphraser@bad=0.03"]);
    expect(smaller.code, smaller.stderr).toBe(2);
    expect(smaller.stderr.trim().split("\n")).toHaveLength(1);
    expect(smaller.stderr).toMatch(/the set holds 8 wordings; use --k 8 or more, or a new --out/);
    expect({ manifest: readFileSync(join(set, "manifest.json"), "utf8"), dirs: readdirSync(set).sort() }).toEqual(before);

    const runDir = join(root, "run");
    const ran = await runCli(["paraphrase", "run", set, "--out", runDir, "--limit", "20", "--no-cache", "--quiet"]);
    expect(ran.stderr).toMatch(/9 wording\(s\) × 2 model\(s\) × 2 tier\(s\) × 20 queries × 1 sample\(s\)/);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/sim-eval-aware · baseline\n {2}reference\s+\+0\.0/);
    expect(ran.stdout).toMatch(/pooled\s+[+−]\d+\.\d\s+\[[^\]]+\]\s+n=20 queries × 8 wordings × 1 sample/);
    expect(ran.stdout).toMatch(/spread: SD \d+\.\d pp across wordings/);
    expect(existsSync(join(runDir, "figures", "w_wording_forest.html"))).toBe(true);
    // The wordings are factors of the run's conditions in its manifest; no side file.
    expect(existsSync(join(runDir, "wordings.json"))).toBe(false);
    const specs = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")).condition_specs;
    expect(Object.keys(specs)).toHaveLength(9);
    expect(specs["baseline--reference"].factors).toMatchObject({ condition: "baseline", wording: "reference", wording_kind: "reference" });
    expect(specs["baseline--w00"].factors).toMatchObject({ condition: "baseline", wording: "w00", wording_kind: "paraphrase", paraphrase_set: manifest.source.hash.slice(0, 16) });

    const rep = await runCli(["paraphrase", "report", runDir, "--json", "--figure", join(root, "forest.html")]);
    expect(rep.code).toBe(0);
    const a = JSON.parse(rep.stdout);
    expect(a.pooled).toHaveLength(2);
    expect(a.wordings).toHaveLength(18);
    expect(readFileSync(join(root, "forest.html"), "utf8")).toContain("Does the gap survive rewording?");
  });

  it("check (also called validate, as afw finetune says) lists every damaged file, one line each, exit 2", async () => {
    const set = join(root, "damaged");
    const made = await runCli(["paraphrase", "baseline", "--k", "3", "--out", set, "--no-cache", "--quiet"]);
    expect(made.code, made.stderr).toBe(0);
    const whole = await runCli(["paraphrase", "validate", set]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toBe((await runCli(["paraphrase", "check", set])).stdout);
    appendFileSync(join(set, "w00", "system.txt"), "\nedited by hand\n");
    rmSync(join(set, "w01", "suffix.txt"));
    writeFileSync(join(set, "w02", "system.txt"), "replaced");
    for (const sub of ["check", "validate"]) {
      const r = await runCli(["paraphrase", sub, set]);
      expect(r.code, sub).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(3);
      expect(lines[0]).toMatch(/w00\/system\.txt: changed since the set was made/);
      expect(lines[1]).toMatch(/w01\/suffix\.txt: missing \(listed in .*manifest\.json\)/);
      expect(lines[2]).toMatch(/w02\/system\.txt: changed since the set was made/);
      expect(r.stdout).toBe("");
    }
  });

  it("--dry-run prints requests and cost and writes nothing", async () => {
    const out = join(root, "dry");
    const r = await runCli(["paraphrase", "baseline", "--k", "8", "--out", out, "--dry-run", "--model", "openai/gpt-4o", "--parts", "criteria,suffix"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/units: criteria \(\d+ chars\), suffix \(\d+ chars\)/);
    expect(r.stdout).toMatch(/requests: 16 if every draw passes, at most 48 \(24 draws\)/);
    expect(r.stdout).toMatch(/estimated cost: \$0\.\d{4}, at most \$0\.\d{4}/);
    expect(existsSync(out)).toBe(false);
  });

  it("bad input: one line, exit 2, no folder", async () => {
    const cases: [string[], RegExp][] = [
      [["paraphrase", "baseline", "--k", "8", "--out", join(root, "b1"), "--parts", "criterion"], /--parts: unknown part "criterion"; valid: system-sections, identity/],
      [["paraphrase", "baseline", "--k", "0", "--out", join(root, "b2")], /--k must be between 1 and 1000, got 0/],
      [["paraphrase", "baseline", "--k", "4"], /--out DIR is required/],
      [["paraphrase", "nonsense", "--out", join(root, "b3")], /unknown variant "nonsense"/],
      [["paraphrase", "baseline", "--out", join(root, "b4"), "--min-length-ratio", "2", "--max-length-ratio", "1"], /--min-length-ratio \(2\) must be below --max-length-ratio \(1\)/],
      [["paraphrase", "baseline", "--out", join(root, "b5"), "--bogus"], /unknown flag --bogus/],
      [["paraphrase", "check", join(root, "missing")], /no paraphrase set here/],
      [["paraphrase", "run", join(root, "set")], /--out RUN is required/],
      [["paraphrase", "report", root], /no manifest\.json here/],
      [["paraphrase"], /give a scenario variant/],
      [["paraphrase", "baseline", "--out", join(root, "b6"), "--base-url", "http://127.0.0.1:9/v1"], /--model is required with an endpoint/],
    ];
    for (const [args, why] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(why);
    }
    for (const d of ["b1", "b2", "b3", "b4", "b5", "b6"]) expect(existsSync(join(root, d))).toBe(false);
  });

  it("is listed in afw --help, with its own --help", async () => {
    const all = await runCli(["--help"]);
    expect(all.stdout).toMatch(/afw paraphrase\s+paraphrase sets: reword a scenario K times/);
    const own = await runCli(["paraphrase", "--help"]);
    expect(own.stdout).toMatch(/--parts LIST/);
    expect(own.stdout).toMatch(/byte-exact overrides/);
  });
});

describe("kill -9 in the middle of a set", () => {
  it("loses nothing: a rerun resumes, and no journaled draw is asked for again", async () => {
    const bySeed = new Map<number, number>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const seed: number = body.seed;
        bySeed.set(seed, (bySeed.get(seed) ?? 0) + 1);
        const passage = /<passage>\n([\s\S]*?)\n<\/passage>/.exec(body.messages[1].content)![1];
        const payload = JSON.stringify({
          id: `chatcmpl-${seed}`,
          object: "chat.completion",
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: `<paraphrase>\nIn other words, number ${seed}: ${passage}\n</paraphrase>` }, finish_reason: "stop", logprobs: null }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        });
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(payload);
        }, 250);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const out = join(root, "killed");
    const args = ["paraphrase", "baseline", "--parts", "suffix", "--k", "8", "--out", out, "--model", "slow", "--base-url", url, "--api-key", "sk-kill-test-777", "--no-cache", "--concurrency", "1"];
    try {
      const { child, done } = startCli(args);
      const journal = join(out, "draws.jsonl");
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if (existsSync(journal) && readFileSync(journal, "utf8").split("\n").filter(Boolean).length >= 3) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill("SIGKILL");
      const killed = await done;
      expect(killed.signal).toBe("SIGKILL");
      const before = readFileSync(journal, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).draw as number);
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before.length).toBeLessThan(8);
      const again = await runCli(args);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`complete: 8/8 wording\\(s\\) accepted, 0 draw\\(s\\) rejected; ${8 - before.length} draw\\(s\\) sent, ${before.length} resumed`));
      const after = readFileSync(journal, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).draw as number);
      expect(after).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      for (const d of before) expect(bySeed.get(d), `draw ${d}`).toBe(1);
      const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      expect(m.status).toBe("complete");
      for (const f of ["manifest.json", "draws.jsonl"]) expect(readFileSync(join(out, f), "utf8")).not.toContain("sk-kill-test-777");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
