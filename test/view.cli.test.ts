/**
 * afw view without a browser: bad input (not a results folder, a port in
 * use, a bad flag, a static export over an unrelated folder) is one line and
 * exit 2; the server answers only on 127.0.0.1 with its own Host, refuses
 * label writes from other origins, and writes labels one at a time.
 */
import { projectRoot } from "../lib/util/paths";
import { createServer, type Server } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViewModel } from "../lib/view/model";
import { startViewServer, type ViewServer } from "../lib/view/server";
import { main } from "../lib/cli/main";
import { runCli } from "./helpers/cli";

/** The CLI in this process (fast), for the cases that need no server. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (x) => void (stdout += x + "\n"), log: (x) => void (stderr += x + "\n"), env: process.env });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), "afw-view-cli-"));
const run = join(tmp, "run");
let blocker: Server;
let busyPort = 0;
let server: ViewServer;

beforeAll(async () => {
  expect((await runCli(["run", "--offline", "--out", run, "--quiet", "--limit", "3"])).code).toBe(0);
  expect((await runCli(["judge", run, "--offline", "--quiet", "--only", "af"])).code).toBe(0);
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  busyPort = (blocker.address() as { port: number }).port;
  server = await startViewServer(await ViewModel.open([run]), { port: 0, root: projectRoot() });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await new Promise((r) => blocker.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const oneLine = (s: string) => s.trim().length > 0 && s.trim().split("\n").length === 1;

describe("bad input: one line, exit 2", () => {
  it("a folder that is not a results folder", async () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    const r = await runCli(["view", empty, "--port", "0"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr.trim()).toBe(`results folder ${empty}: no samples.jsonl in it`);
    const bad = join(tmp, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "samples.jsonl"), '{"key": "x"}\n');
    const r2 = await runCli(["view", bad, "--port", "0"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/samples\.jsonl:1: /);
    expect(oneLine(r2.stderr)).toBe(true);
  });

  it("a port in use", async () => {
    const r = await runCli(["view", run, "--port", String(busyPort)]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr.trim()).toBe(`afw view: port ${busyPort} on 127.0.0.1 is in use (choose another with --port, or --port 0 for a free one)`);
  });

  it("bad flags, no folder, a static export over an unrelated folder", async () => {
    const cases: [string[], RegExp][] = [
      [["view", run, "--port", "http"], /--port must be an integer/],
      [["view", run, "--port", "70000"], /--port must be between 0 and 65535/],
      [["view"], /name at least one results folder/],
      [["view", run, "--bogus"], /unknown flag --bogus/],
    ];
    for (const [args, re] of cases) {
      const r = await inProcess(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(oneLine(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(re);
    }
    const full = join(tmp, "full");
    mkdirSync(full);
    writeFileSync(join(full, "keep.txt"), "mine");
    const r = await inProcess(["view", run, "--static", full]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty and not an earlier static export/);
    expect(readFileSync(join(full, "keep.txt"), "utf8")).toBe("mine");
    expect(existsSync(join(full, "index.html"))).toBe(false);
  });

  it("a static export can be written again over itself", async () => {
    const out = join(tmp, "static");
    expect((await inProcess(["view", run, "--static", out])).code).toBe(0);
    const r = await inProcess(["view", run, "--static", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*index\.html \(\d+ files/);
    expect(readFileSync(join(out, "data", "table.js"), "utf8").startsWith("window.__AFW_STATIC__ = ")).toBe(true);
  });
});

function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path.replace(/^\//, "")}`, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the server", () => {
  it("serves the page and its assets from the package, with a policy that allows nothing from elsewhere", async () => {
    const page = await call("/");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script src="app\.js"><\/script>/);
    expect(page.body).not.toMatch(/https?:\/\//);
    const js = await call("/app.js");
    expect(js.status).toBe(200);
    expect(js.body.length).toBeGreaterThan(10_000);
    expect(js.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // only XML namespace names, no URL the page loads
  });

  it("refuses another Host (DNS rebinding) and label writes from another origin", async () => {
    expect((await call("/api/meta", { headers: { host: "example.com" } })).status).toBe(421);
    const meta = JSON.parse((await call("/api/meta")).body);
    expect(meta.total).toBe(12);
    const id = JSON.parse((await call("/api/rows?offset=0&limit=1")).body).rows[0].id;
    const post = (headers: Record<string, string>, body: unknown) => call("/api/label", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    expect((await post({ origin: "https://evil.example" }, { id, label: "af", note: "" })).status).toBe(403);
    expect(existsSync(join(run, "labels.jsonl"))).toBe(false);
    expect((await post({}, { id, label: "maybe", note: "" })).status).toBe(400);
    expect((await post({}, { id: "nope", label: "af", note: "" })).status).toBe(404);
    expect((await call("/api/rows?q=%7Bbad")).status).toBe(400);
  });

  it("many label writes at once all land, one line per sample", async () => {
    const rows = JSON.parse((await call("/api/rows?offset=0&limit=12")).body).rows as { id: string }[];
    const rs = await Promise.all(
      rows.map((r, i) => call("/api/label", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: r.id, label: i % 2 ? "af" : "not_af", note: `n${i}` }) })),
    );
    expect(rs.every((r) => r.status === 200)).toBe(true);
    const lines = readFileSync(join(run, "labels.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(12);
    expect(new Set(lines.map((l) => l.id)).size).toBe(12);
    const page = JSON.parse((await call(`/api/rows?q=${encodeURIComponent(JSON.stringify({ f: { label: "AF" } }))}&offset=0&limit=50`)).body);
    expect(page.total).toBe(6);
  });
});
