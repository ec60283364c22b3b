/**
 * Rate limits (issue 10): 500 requests against a server that allows R
 * requests per second (a token bucket, each answer after 50 ms),
 * with the client's adaptive pace (a request rate learnt from the 429s,
 * AIMD on that rate, one shared pause for the wait the provider certainly
 * means) and with the fixed-concurrency behaviour of before (each call waits
 * out its own retry-after and retries; rateControl "fixed"). Both at
 * concurrency 16, six attempts per call, the default 1 s backoff base.
 * Each case runs BENCH_REPS times (default 3): the mean and the worst.
 *
 * Two kinds of retry-after: precise milliseconds (OpenAI's retry-after-ms)
 * and whole seconds only (Anthropic's and OpenRouter's retry-after).
 * Prints throughput as a fraction of R, failed requests, and the ratio of
 * the new throughput to the old. The server runs in a child process so its
 * timers do not share the client's event loop.
 *
 * Run: npx tsx bench/providers.bench.ts   (or npm run bench -- providers)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ModelClient, type RateControl } from "../lib/models";
import type { Request } from "../lib/schema";

const R = Number(process.env.BENCH_RPS ?? 100);
const N = Number(process.env.BENCH_N ?? 500);
const LATENCY = 50;
const CONCURRENCY = 16;
const REPS = Number(process.env.BENCH_REPS ?? 3);

const SERVER = `
const http = require("node:http");
const [rps, cap, latency, secondsOnly] = process.argv.slice(1).map(Number);
let tokens = cap, last = performance.now(), ok = 0, limited = 0;
const reply = JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: "<OUTPUT><rejected/></OUTPUT>" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } });
const s = http.createServer((req, res) => { req.resume(); req.on("end", () => {
  if (req.url === "/stats") { res.end(JSON.stringify({ ok, limited })); return; }
  const now = performance.now();
  tokens = Math.min(cap, tokens + (now - last) / 1000 * rps); last = now;
  if (tokens < 1) {
    limited++;
    const waitMs = Math.ceil((1 - tokens) / rps * 1000);
    const h = { "content-type": "application/json", "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) };
    if (!secondsOnly) h["retry-after-ms"] = String(waitMs);
    res.writeHead(429, h);
    res.end(JSON.stringify({ error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } }));
    return;
  }
  tokens -= 1; ok++;
  setTimeout(() => { res.writeHead(200, { "content-type": "application/json" }); res.end(reply); }, latency);
}); });
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

async function startServer(burst: number, secondsOnly: boolean): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", SERVER, String(R), String(burst), String(LATENCY), secondsOnly ? "1" : "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (b) => resolve(Number(String(b).trim()))));
  return { port, child };
}

interface Result {
  seconds: number;
  failed: number;
  limited: number;
  /** Passes needed to get every answer (the old behaviour re-runs what failed, as a resume would). */
  passes: number;
  /** Answers per second until every request was answered. */
  rate: number;
  /** The client's learnt rate at the end, its cuts and lowest (adaptive). */
  pace: string;
}

async function once(mode: RateControl, burst: number, secondsOnly: boolean): Promise<Result> {
  const { port, child } = await startServer(burst, secondsOnly);
  try {
    const client = new ModelClient({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "bench", concurrency: CONCURRENCY, rateControl: mode });
    const req = (i: number): Request => ({ api: "chat", messages: [{ role: "user", content: `request ${i}` }], params: { temperature: 0, max_tokens: 5 } });
    const t0 = performance.now();
    let todo = Array.from({ length: N }, (_, i) => i);
    let failedFirst = -1;
    let passes = 0;
    while (todo.length && passes < 20) {
      passes++;
      const rs = await Promise.all(todo.map((i) => client.call("m", req(i), 0)));
      todo = todo.filter((_, k) => rs[k].error !== null);
      if (failedFirst < 0) failedFirst = todo.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`, { method: "POST" })).json()) as { ok: number; limited: number };
    const p = client.pace();
    const pace = p.rate === null ? "" : `   rate ${p.rate.toFixed(0)}/s after ${p.cuts} cuts (lowest ${p.lowestRate!.toFixed(0)}/s)`;
    return { seconds, failed: failedFirst, limited: stats.limited, passes, rate: (N - todo.length) / seconds, pace };
  } finally {
    child.kill();
  }
}

function line(label: string, r: Result): string {
  return `${label.padEnd(9)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.rate.toFixed(1).padStart(6)} answers/s = ${(r.rate / R).toFixed(2)} R   failed in the first pass ${String(r.failed).padStart(3)}   passes ${r.passes}   429s ${r.limited} (${((N + r.limited) / N).toFixed(1)} requests sent per answer)${r.pace}`;
}

async function main(): Promise<void> {
  console.log(`rate limit R = ${R} requests/s, answers after ${LATENCY} ms, ${N} requests, concurrency ${CONCURRENCY}, 6 attempts per call`);
  console.log("(the old behaviour's failed requests are sent again, pass after pass, as resuming the run would)");
  const cases: [string, number, boolean][] = [
    [`retry-after-ms (precise), bucket of ${Math.round(R / 5)} (0.2 s)`, Math.max(1, Math.round(R / 5)), false],
    [`retry-after in whole seconds, bucket of ${R} (1 s, continuously refilled)`, R, true],
    [`retry-after in whole seconds, bucket of ${Math.round(R / 5)} (0.2 s; worst case)`, Math.max(1, Math.round(R / 5)), true],
  ];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const [label, burst, secondsOnly] of cases) {
    console.log(label + ":");
    const as: Result[] = [];
    const fs: Result[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const a = await once("adaptive", burst, secondsOnly);
      console.log("  " + line("adaptive", a));
      as.push(a);
      const f = await once("fixed", burst, secondsOnly);
      console.log("  " + line("fixed", f));
      fs.push(f);
    }
    const ar = as.map((r) => r.rate / R);
    const fr = fs.map((r) => r.rate / R);
    console.log(
      `  over ${REPS} runs: adaptive mean ${mean(ar).toFixed(2)} R (worst ${Math.min(...ar).toFixed(2)} R, failed ${as.reduce((a, r) => a + r.failed, 0)}); ` +
        `fixed mean ${mean(fr).toFixed(2)} R (worst ${Math.min(...fr).toFixed(2)} R, failed in the first pass ${fs.reduce((a, r) => a + r.failed, 0)}); ratio adaptive/fixed ${(mean(ar) / mean(fr)).toFixed(2)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
