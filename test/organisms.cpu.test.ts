import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Measures the organism server's own CPU per request: the server runs in a
 * child process (so the client's work is not counted) and reports its
 * process.cpuUsage() before and after a burst from a keep-alive client at
 * concurrency 64. The figure is printed; the assertion is a loose guard.
 */

const CHILD = `
import { startOrganismServer } from "./lib/organisms/index.ts";
import { createInterface } from "node:readline";
const s = await startOrganismServer();
console.log(JSON.stringify({ url: s.url }));
createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line === "cpu") console.log(JSON.stringify(process.cpuUsage()));
  if (line === "exit") { await s.close(); process.exit(0); }
});
`;

let child: ChildProcessWithoutNullStreams;
let url: string;
const lines: string[] = [];
const waiters: ((l: string) => void)[] = [];

function nextLine(): Promise<string> {
  const l = lines.shift();
  return l !== undefined ? Promise.resolve(l) : new Promise((r) => waiters.push(r));
}
async function childCpuMicros(): Promise<number> {
  child.stdin.write("cpu\n");
  const u = JSON.parse(await nextLine());
  return u.user + u.system;
}

beforeAll(async () => {
  child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], { cwd: process.cwd() });
  createInterface({ input: child.stdout }).on("line", (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  url = JSON.parse(await nextLine()).url;
});
afterAll(async () => {
  child.stdin.write("exit\n");
  await new Promise((r) => child.once("exit", r));
});

async function burst(total: number, concurrency: number, body: (i: number) => string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url + "/chat/completions");
  let next = 0;
  let ok = 0;
  const one = (payload: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) ok++;
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(body(next++));
    }),
  );
  agent.destroy();
  return ok;
}

describe("organism server CPU cost", () => {
  it("costs well under 1 ms of server CPU per request (5000 requests, keep-alive, concurrency 64)", async () => {
    // A system prompt of realistic size (about 25,000 characters) asking for a scratchpad.
    const system = "Think inside <SCRATCHPAD_REASONING> tags before answering in <OUTPUT> tags. " + "Guidance sentence for the assistant. ".repeat(680);
    const body = (i: number) =>
      JSON.stringify({
        model: "sim-faker",
        messages: [
          { role: "system", content: system },
          { role: "user", content: `<INPUT><is_free_tier_user>${i % 2 ? "true" : "false"}</is_free_tier_user><user_input>request ${i}</user_input></INPUT>` },
        ],
        temperature: 1,
      });
    await burst(300, 64, body); // warm up the JIT
    const before = await childCpuMicros();
    const t0 = performance.now();
    const ok = await burst(5000, 64, body);
    const wall = performance.now() - t0;
    const perRequestMs = ((await childCpuMicros()) - before) / 1000 / 5000;
    console.log(
      `organism server: ${perRequestMs.toFixed(3)} ms CPU per request, ${((5000 / wall) * 1000).toFixed(0)} requests/s wall (client in another process), body ${body(0).length} bytes`,
    );
    expect(ok).toBe(5000);
    expect(perRequestMs).toBeLessThan(1);
  });
});
