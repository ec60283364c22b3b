import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyInput, ModelClient, ResponseCache, requestCacheKey } from "../lib/models";
import { canonicalJson, sha256 } from "../lib/util/hash";
import type { Request } from "../lib/schema";
import { replyError, startServer, type FakeServer } from "./models.server";

const KEY = "sk-test-CACHESECRET-0123456789abcdef";
const req = (content = "Hello", params: Request["params"] = { temperature: 0, max_tokens: 50 }): Request => ({
  api: "chat",
  messages: [
    { role: "system", content: "You are a test." },
    { role: "user", content },
  ],
  params,
});

let server: FakeServer | undefined;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "afw-models-cache-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function client() {
  return new ModelClient({ baseURL: server!.baseURL, apiKey: KEY, cacheDir: dir, retryBaseMs: 5 });
}

function allFiles(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe("response cache", () => {
  it("serves the second identical call from disk", async () => {
    server = await startServer();
    const c = client();
    const a = await c.call("m", req(), 0);
    const b = await c.call("m", req(), 0);
    expect(server.hits.length).toBe(1);
    expect(a.cached).toBe(false);
    expect(b).toMatchObject({ cached: true, attempts: 0, error: null, texts: a.texts, finish_reasons: a.finish_reasons, usage: a.usage });
    expect(c.totals()).toEqual({ requests: 2, cached: 1, retries: 0, errors: 0, prompt_tokens: 20, completion_tokens: 10 });
    expect(c.cachedTokens()).toEqual({ prompt_tokens: 10, completion_tokens: 5 });
    // A new client on the same folder hits too (the cache is on disk, not in memory).
    const again = await client().call("m", req(), 0);
    expect(again.cached).toBe(true);
    expect(server.hits.length).toBe(1);
    // The key is the request's, scoped by the endpoint (a local server: its address).
    const key = c.cacheKey("m", req(), 0)!;
    expect(key).not.toBe(requestCacheKey("m", req(), 0));
    const files = allFiles(dir);
    expect(files).toEqual([join(dir, key.slice(0, 2), key + ".json")]);
  });

  it("changes the key with model, params, sample index and messages", async () => {
    server = await startServer();
    const c = client();
    const variants: [string, Request, number][] = [
      ["m", req(), 0],
      ["m2", req(), 0],
      ["m", req("Hello", { temperature: 1, max_tokens: 50 }), 0],
      ["m", req("Hello", { temperature: 0, max_tokens: 50, seed: 1 }), 0],
      ["m", req(), 1],
      ["m", req("Other"), 0],
      ["m", { api: "completions", prompt: "Hello", params: { temperature: 0, max_tokens: 50 } }, 0],
    ];
    const keys = new Set(variants.map(([m, r, s]) => requestCacheKey(m, r, s)));
    expect(keys.size).toBe(variants.length);
    for (const [m, r, s] of variants) expect((await c.call(m, r, s)).cached).toBe(false);
    for (const [m, r, s] of variants) expect((await c.call(m, r, s)).cached).toBe(true);
    expect(server.hits.length).toBe(variants.length);
  });

  it("computes exactly sha256(canonicalJson({api, model, messages|prompt, params, sample}))", () => {
    const long = "Line \"quoted\" \u00e9\n".repeat(300);
    const cases: [string, Request, number][] = [
      ["m", req(), 0],
      ["m/x", req(long, { temperature: 0.5, max_tokens: 7, top_p: 1, seed: -2, n: 2 }), 12],
      ["m", { api: "chat", messages: [{ role: "system", content: long }, { role: "user", content: long }, { role: "assistant", content: "" }], params: { temperature: 0, max_tokens: 1 } }, 0],
      ["m", { api: "chat", messages: [{ role: "user", content: "hi", name: "extra" } as any], params: { temperature: 0, max_tokens: 1 } }, 0],
      ["base", { api: "completions", prompt: long, params: { temperature: 1, max_tokens: 3, seed: undefined } }, 5],
    ];
    for (const [m, r, s] of cases) {
      const ref = sha256(canonicalJson({ api: r.api, model: m, ...(r.api === "chat" ? { messages: r.messages } : { prompt: r.prompt }), params: r.params, sample: s }));
      expect(sha256(canonicalJson(keyInput(m, r, s)))).toBe(ref);
      expect(requestCacheKey(m, r, s)).toBe(ref);
      expect(requestCacheKey(m, r, s)).toBe(ref); // memoised path gives the same
    }
  });

  it("ignores key order inside params", () => {
    const a = requestCacheKey("m", req("x", { temperature: 0, max_tokens: 5, seed: 3 }), 0);
    const b = requestCacheKey("m", req("x", { seed: 3, max_tokens: 5, temperature: 0 }), 0);
    expect(a).toBe(b);
  });

  it("treats a corrupt or wrongly shaped file as a miss and overwrites it", async () => {
    server = await startServer();
    const c = client();
    const cache = new ResponseCache(dir);
    const k1 = c.cacheKey("m", req("one"), 0)!;
    const k2 = c.cacheKey("m", req("two"), 0)!;
    for (const [k, junk] of [
      [k1, '{"v":1,"key":"trunc'],
      [k2, JSON.stringify({ v: 1, key: k2, texts: [42], finish_reasons: [null], usage: null })],
    ]) {
      mkdirSync(dirname(cache.pathFor(k)), { recursive: true });
      writeFileSync(cache.pathFor(k), junk);
    }
    expect((await c.call("m", req("one"), 0)).cached).toBe(false);
    expect((await c.call("m", req("two"), 0)).cached).toBe(false);
    expect(server.hits.length).toBe(2);
    expect(cache.get(k1)?.texts).toEqual(["answer 0"]);
    expect(JSON.parse(readFileSync(cache.pathFor(k2), "utf8")).texts).toEqual(["answer 0"]);
    expect((await c.call("m", req("one"), 0)).cached).toBe(true);
  });

  it("never caches errors", async () => {
    server = await startServer((h) => replyError(h, 400, "no"));
    const c = client();
    expect((await c.call("m", req(), 0)).error).toBe("400 no");
    expect((await c.call("m", req(), 0)).cached).toBe(false);
    expect(server.hits.length).toBe(2);
    expect(allFiles(dir)).toEqual([]);
  });

  it("never writes the API key or the base URL", async () => {
    server = await startServer();
    const c = client();
    await Promise.all([0, 1, 2].map((s) => c.call("m", req(`q${s}`, { temperature: 1, max_tokens: 9, n: 2 }), s)));
    await c.call("m", { api: "completions", prompt: "p", params: { temperature: 0, max_tokens: 5 } }, 0);
    const files = allFiles(dir);
    expect(files.length).toBe(4);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      expect(text).not.toContain(KEY);
      expect(text).not.toContain("CACHESECRET");
      expect(text).not.toContain(server.baseURL);
      expect(text).not.toContain("127.0.0.1");
    }
  });
});
