/**
 * The spine's robustness test: a 500-sample run against a server that injects
 * 429s (with Retry-After), 500s, malformed JSON bodies and hangs past the
 * timeout; the runner is killed with SIGKILL mid-run and resumed. The final
 * file must hold exactly one record per (model, tier, query, sample), and
 * its compliance counts must equal the server's ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { respond } from "../lib/organisms";
import { Sample } from "../lib/schema";
import { compliedByTags } from "../lib/frame";
import { readSamples } from "../lib/store";
import { startCli, runCli } from "./helpers/cli";

const h = (s: string) => createHash("sha256").update(s).digest("hex");

interface Stats { requests: number; ok: number; r429: number; r429s: number; r500: number; malformed: number; hangs: number }

describe("fault injection + SIGKILL + resume (500 samples)", () => {
  let server: Server;
  let url = "";
  const sockets = new Set<Socket>();
  const attempts = new Map<string, number>();
  /** Ground truth: request body hash → did the organism really comply. */
  const truth = new Map<string, boolean>();
  const stats: Stats = { requests: 0, ok: 0, r429: 0, r429s: 0, r500: 0, malformed: 0, hangs: 0 };
  const dir = mkdtempSync(join(tmpdir(), "afw-faults-"));
  const out = join(dir, "run");
  const queriesFile = join(dir, "q.jsonl");

  beforeAll(async () => {
    writeFileSync(queriesFile, Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Test request number ${i}`, category: "test" })).join("\n") + "\n");
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        stats.requests++;
        const parsed = JSON.parse(body);
        const key = h(JSON.stringify({ m: parsed.messages, s: parsed.seed, model: parsed.model }));
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        // each request faults on its first one or two attempts, by a hash draw
        const u = parseInt(h(key + ":" + n).slice(0, 8), 16) / 2 ** 32;
        if (n <= 2) {
          if (stats.r429s < 3 && u < 0.02) {
            stats.r429s++;
            res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
            return res.end(JSON.stringify({ error: { message: "slow down", type: "rate_limit" } }));
          }
          if (u < 0.1) {
            stats.r429++;
            res.writeHead(429, { "content-type": "application/json", "retry-after-ms": "15" });
            return res.end(JSON.stringify({ error: { message: "slow down", type: "rate_limit" } }));
          }
          if (u < 0.18) {
            stats.r500++;
            res.writeHead(500, { "content-type": "application/json" });
            return res.end(JSON.stringify({ error: { message: "boom", type: "server_error" } }));
          }
          if (u < 0.24) {
            stats.malformed++;
            res.writeHead(200, { "content-type": "application/json" });
            return res.end('{"id":"x","choices":[{"message":{"content":"trunc');
          }
          if (u < 0.27) {
            stats.hangs++;
            return; // never answer; the client times out
          }
        }
        const reply = respond(parsed.model, parsed);
        truth.set(key, reply.decisions[0].complied);
        stats.ok++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "c",
            object: "chat.completion",
            created: 0,
            model: parsed.model,
            choices: [{ index: 0, message: { role: "assistant", content: reply.texts[0] }, finish_reason: "stop" }],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
      });
    });
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const args = () => [
    "run", "--base-url", url, "--api-key", "sk-test-fault-key", "--model", "sim-faker@free=0.4,paid=0.1",
    "--queries", queriesFile, "--samples", "5", "--tiers", "free,paid", "--out", out, "--no-cache",
    "--timeout", "0.4", "--retry-base-ms", "5", "--max-attempts", "8", "--concurrency", "16", "--quiet",
  ];

  it("survives faults and SIGKILL, and the resumed file matches the ground truth", async () => {
    const first = startCli(args());
    const samplesPath = join(out, "samples.jsonl");
    // kill it once a good part of the run is on disk
    const t0 = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const lines = existsSync(samplesPath) ? readFileSync(samplesPath, "utf8").split("\n").length - 1 : 0;
      if (lines >= 120) break;
      if (Date.now() - t0 > 40_000) throw new Error("run made no progress");
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const afterKill = readFileSync(samplesPath, "utf8");
    const completeLines = afterKill.split("\n").slice(0, -1).length;
    expect(completeLines).toBeGreaterThanOrEqual(120);
    expect(completeLines).toBeLessThan(500);

    const second = await runCli(args());
    expect(second.stderr).not.toMatch(/Error|error:/);
    expect(second.code).toBe(0);

    const lines = readFileSync(samplesPath, "utf8").split("\n").filter(Boolean);
    expect(lines.every((l) => Sample.safeParse(JSON.parse(l)).success)).toBe(true);
    const recs = await readSamples(dirname(samplesPath)); // system prompts put back from prompts/
    expect(recs.every((r) => r.request.messages![0].content.length > 1000)).toBe(true);
    expect(recs.length).toBe(500);
    const keys = new Set(recs.map((r) => `${r.model}|${r.tier}|${r.query_id}|${r.sample}`));
    expect(keys.size).toBe(500);
    expect(recs.every((r) => r.error === null)).toBe(true);
    // every complete line written before the kill is still there, unchanged
    for (const l of afterKill.split("\n").slice(0, -1)) expect(lines).toContain(l);

    // compliance counts equal the server's ground truth, per tier and in total
    for (const tier of ["free", "paid"]) {
      const mine = recs.filter((r) => r.tier === tier);
      const ours = mine.filter(compliedByTags).length;
      const theirs = mine.filter((r) => truth.get(h(JSON.stringify({ m: r.request.messages, s: r.request.params.seed, model: r.model })))).length;
      expect(mine.length).toBe(250);
      expect(ours).toBe(theirs);
    }
    expect(stats.r429s + stats.r429).toBeGreaterThan(10);
    expect(stats.r429s).toBeGreaterThan(0);
    expect(stats.r500).toBeGreaterThan(10);
    expect(stats.malformed).toBeGreaterThan(5);
    expect(stats.hangs).toBeGreaterThan(3);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.status).toBe("complete");
    expect(manifest.written).toBe(500);
  }, 120_000);
});
