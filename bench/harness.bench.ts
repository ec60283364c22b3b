/**
 * Harness benchmarks (issue: the spine).
 *   - throughput against a zero-latency local server at concurrency 64:
 *     requests/s and the harness's own CPU time per request;
 *   - a fully cached rerun of 10,000 samples (new results folder, warm cache);
 *   - peak memory as the run grows (2,500 → 10,000 → 40,000 samples).
 * Each measurement runs in a fresh child process; the server is another
 * process, so its CPU is not counted as the harness's.
 * Run: npx tsx bench/harness.bench.ts   (or npm run bench)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelClient } from "../lib/models";
import { loadScenario } from "../lib/scenario";
import { runSamples } from "../lib/pipeline";
import type { Query } from "../lib/schema";

const SELF = join(process.cwd(), "bench", "harness.bench.ts");

const REPLY = JSON.stringify({
  id: "c",
  object: "chat.completion",
  created: 0,
  model: "bench",
  choices: [{ index: 0, message: { role: "assistant", content: "<SCRATCHPAD_REASONING>I should refuse.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 2000, completion_tokens: 20, total_tokens: 2020 },
});
const SERVER = `
const http = require("node:http");
const reply = ${JSON.stringify(REPLY)};
const s = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, {"content-type": "application/json"}); res.end(reply); }); });
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

function queries(n: number): Query[] {
  return Array.from({ length: n }, (_, i) => ({ id: `b${i}`, text: `Synthetic benchmark request number ${i}`, category: "bench" }));
}

async function child(mode: string, samples: number, port: number, cacheDir: string | null, out: string): Promise<void> {
  const client = new ModelClient({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "bench", concurrency: 64, cacheDir });
  const perQuery = 2 * 2; // 2 tiers × 2 samples
  const qs = queries(Math.ceil(samples / perQuery));
  let peakHeap = 0;
  let peakRss = 0;
  let peakRetained = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  let ticks = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
    // memory mode: every 0.5 s a full collection, then what is still live
    if (mode === "memory" && gc && ++ticks % 25 === 0) {
      gc();
      peakRetained = Math.max(peakRetained, process.memoryUsage().heapUsed);
    }
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await runSamples({ out, client, scenario: loadScenario(), models: ["bench"], queries: qs, querySource: "bench", tiers: ["free", "paid"], samples: 2, seed: 0, concurrency: 64, baseURL: null, offline: false });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
  if (mode === "memory" && gc) {
    gc();
    peakRetained = Math.max(peakRetained, process.memoryUsage().heapUsed);
  }
  console.log(JSON.stringify({ mode, samples: s.written, wall, cpuMs: (cpu.user + cpu.system) / 1000, cached: s.usage.cached, peakHeap, peakRss, peakRetained }));
}

function runChild(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", SELF, "--child", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (b) => (out += b));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`bench child failed (${code})`))));
  });
}

async function main() {
  const srv = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port: number = await new Promise((r) => srv.stdout.once("data", (b) => r(Number(String(b).trim()))));
  const tmp = mkdtempSync(join(tmpdir(), "afw-bench-"));
  try {
    // 1. throughput, no cache
    await runChild(["warm", "2000", String(port), "-", join(tmp, "warm")]);
    const t = await runChild(["throughput", "10000", String(port), "-", join(tmp, "t")]);
    const cpuPerReq = t.cpuMs / t.samples;
    console.log(`harness throughput   ${(t.samples / t.wall).toFixed(0)} requests/s at concurrency 64 (${t.samples} requests, zero-latency server in another process)`);
    console.log(`harness CPU/request  ${cpuPerReq.toFixed(3)} ms  (target < 1 ms; ratio to target ${(cpuPerReq / 1).toFixed(2)})`);

    // 2. cached rerun of 10,000 samples
    const cache = join(tmp, "cache");
    await runChild(["fill", "10000", String(port), cache, join(tmp, "c1")]);
    const c = await runChild(["cached", "10000", String(port), cache, join(tmp, "c2")]);
    console.log(`cached rerun         ${c.wall.toFixed(2)} s for ${c.samples} samples, ${c.cached} from cache (target < 2 s; ratio ${(c.wall / 2).toFixed(2)})`);

    // 3. memory as the run grows
    const sizes = [2500, 10000, 40000];
    const mem: Record<string, number>[] = [];
    for (const n of sizes) mem.push(await runChild(["memory", String(n), String(port), "-", join(tmp, `m${n}`)]));
    for (const m of mem) console.log(`peak memory          ${String(m.samples).padStart(6)} samples: live heap after full GC ${(m.peakRetained / 2 ** 20).toFixed(1)} MiB (peak heap before GC ${(m.peakHeap / 2 ** 20).toFixed(0)} MiB, rss ${(m.peakRss / 2 ** 20).toFixed(0)} MiB)`);
    console.log(`memory growth        live heap ×${(mem[2].peakRetained / mem[0].peakRetained).toFixed(2)} for ×${sizes[2] / sizes[0]} samples (flat ≈ 1; the peak before GC only shows how lazily V8 collects)`);
  } finally {
    srv.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const [, mode, n, port, cache, out] = argv;
  child(mode, Number(n), Number(port), cache === "-" ? null : cache, out).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
