import { afterEach, describe, expect, it } from "vitest";
import { ModelClient, type RetryInfo } from "../lib/models";
import type { Request } from "../lib/schema";
import { replyError, replyOk, startServer, type FakeServer } from "./models.server";

const chat = (content = "Hello", params: Request["params"] = { temperature: 0, max_tokens: 50 }): Request => ({
  api: "chat",
  messages: [
    { role: "system", content: "You are a test." },
    { role: "user", content },
  ],
  params,
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(extra: Partial<ConstructorParameters<typeof ModelClient>[0]> = {}) {
  return new ModelClient({ baseURL: server!.baseURL, apiKey: "test-key-123456", retryBaseMs: 5, retryMaxMs: 50, ...extra });
}

describe("ModelClient", () => {
  it("sends chat requests with params and adds up usage", async () => {
    server = await startServer();
    const c = client();
    const r1 = await c.call("model-a", chat("Hi", { temperature: 0.7, max_tokens: 64, top_p: 0.9, seed: 7 }), 0);
    const r2 = await c.call("model-a", chat("Again"), 1);
    expect(r1).toMatchObject({ texts: ["answer 0"], cached: false, attempts: 1, error: null, finish_reasons: ["stop"] });
    expect(r1.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    expect(r2.error).toBeNull();
    expect(r1.latency_ms).toBeGreaterThan(0);
    const sent = server.hits[0];
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body).toMatchObject({ model: "model-a", temperature: 0.7, max_tokens: 64, top_p: 0.9, seed: 7 });
    expect(sent.body.n).toBeUndefined();
    expect(sent.body.messages).toEqual(chat("Hi").messages);
    expect(sent.req.headers.authorization).toBe("Bearer test-key-123456");
    expect(c.totals()).toEqual({ requests: 2, cached: 0, retries: 0, errors: 0, prompt_tokens: 20, completion_tokens: 10 });
  });

  it("sends completions requests with a prompt", async () => {
    server = await startServer();
    const r = await client().call("base-model", { api: "completions", prompt: "Once upon", params: { temperature: 1, max_tokens: 5 } }, 0);
    expect(r.texts).toEqual(["text 0"]);
    expect(server.hits[0].path).toBe("/v1/completions");
    expect(server.hits[0].body).toMatchObject({ model: "base-model", prompt: "Once upon", temperature: 1, max_tokens: 5 });
  });

  it("returns one text per choice when n > 1", async () => {
    server = await startServer();
    const r = await client().call("m", chat("x", { temperature: 1, max_tokens: 10, n: 3 }), 0);
    expect(server.hits[0].body.n).toBe(3);
    expect(r.texts).toEqual(["answer 0", "answer 1", "answer 2"]);
    expect(r.finish_reasons).toEqual(["stop", "length", "length"]);
    expect(r.usage?.completion_tokens).toBe(15);
  });

  it("sends a final assistant message (prefill) as is", async () => {
    server = await startServer();
    const req = chat();
    req.messages!.push({ role: "assistant", content: "<SCRATCHPAD_REASONING>" });
    await client().call("m", req, 0);
    expect(server.hits[0].body.messages.at(-1)).toEqual({ role: "assistant", content: "<SCRATCHPAD_REASONING>" });
  });

  it("honours retry-after-ms on 429, then succeeds", async () => {
    server = await startServer((h) => (h.n === 1 ? replyError(h, 429, "slow down", { "retry-after-ms": "120" }) : replyOk(h)));
    const seen: RetryInfo[] = [];
    const c = client({ retryMaxMs: 1000, onRetry: (i) => seen.push(i) });
    const r = await c.call("m", chat(), 3);
    expect(r.error).toBeNull();
    expect(r.attempts).toBe(2);
    expect(server.times[1] - server.times[0]).toBeGreaterThanOrEqual(110);
    expect(seen).toEqual([{ model: "m", sampleIndex: 3, attempt: 1, delayMs: 120, status: 429, reason: "429 slow down" }]);
    expect(c.totals().retries).toBe(1);
  });

  it("reads retry-after in seconds and caps it at retryMaxMs", async () => {
    server = await startServer((h) => (h.n === 1 ? replyError(h, 429, "later", { "retry-after": "30" }) : replyOk(h)));
    const seen: RetryInfo[] = [];
    const r = await client({ retryMaxMs: 40, onRetry: (i) => seen.push(i) }).call("m", chat(), 0);
    expect(r.error).toBeNull();
    expect(seen[0].delayMs).toBe(40);
  });

  it("retries 500s, then succeeds", async () => {
    server = await startServer((h) => (h.n <= 2 ? replyError(h, 500, "boom") : replyOk(h)));
    const c = client();
    const r = await c.call("m", chat(), 0);
    expect(r).toMatchObject({ error: null, attempts: 3, texts: ["answer 0"] });
    expect(server.hits.length).toBe(3);
    expect(c.totals()).toMatchObject({ requests: 1, retries: 2, errors: 0 });
  });

  it("retries malformed 200 bodies (bad JSON, not JSON, no choices, no text), then succeeds", async () => {
    server = await startServer((h) => {
      if (h.n === 1) {
        h.res.writeHead(200, { "content-type": "application/json" });
        h.res.end("{not json");
      } else if (h.n === 2) {
        h.res.writeHead(200, { "content-type": "text/plain" });
        h.res.end("hello");
      } else if (h.n === 3) {
        h.res.writeHead(200, { "content-type": "application/json" });
        h.res.end(JSON.stringify({ id: "x", object: "chat.completion" }));
      } else if (h.n === 4) {
        h.res.writeHead(200, { "content-type": "application/json" });
        h.res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: null } }] }));
      } else replyOk(h);
    });
    const reasons: string[] = [];
    const r = await client({ onRetry: (i) => reasons.push(i.reason) }).call("m", chat(), 0);
    expect(r).toMatchObject({ error: null, attempts: 5 });
    expect(reasons).toHaveLength(4);
    for (const reason of reasons) expect(reason).toMatch(/^malformed response/);
  });

  it("times out a hung request (no headers, or a stalled body) and retries", async () => {
    server = await startServer((h) => {
      if (h.n === 1) return; // never answer
      if (h.n === 2) {
        h.res.writeHead(200, { "content-type": "application/json" });
        h.res.write('{"choices": ['); // then stall
        return;
      }
      replyOk(h);
    });
    const reasons: string[] = [];
    const t0 = performance.now();
    const r = await client({ timeoutMs: 150, onRetry: (i) => reasons.push(i.reason) }).call("m", chat(), 0);
    expect(r).toMatchObject({ error: null, attempts: 3, texts: ["answer 0"] });
    expect(reasons).toEqual(["timeout after 150 ms", "timeout after 150 ms"]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("retries a reset connection", async () => {
    server = await startServer((h) => (h.n === 1 ? h.req.socket.destroy() : replyOk(h)));
    const reasons: string[] = [];
    const r = await client({ onRetry: (i) => reasons.push(i.reason) }).call("m", chat(), 0);
    expect(r).toMatchObject({ error: null, attempts: 2 });
    expect(reasons[0]).toMatch(/connection error/);
  });

  it("retries a refused connection and reports it in one line", async () => {
    server = await startServer();
    const baseURL = server.baseURL;
    await server.close();
    server = undefined;
    const seen: RetryInfo[] = [];
    const r = await new ModelClient({ baseURL, apiKey: "k", maxAttempts: 3, retryBaseMs: 5, onRetry: (i) => seen.push(i) }).call("m", chat(), 0);
    expect(r.attempts).toBe(3);
    expect(seen.map((i) => i.attempt)).toEqual([1, 2]);
    expect(r.error).toMatch(/^connection error \(ECONNREFUSED\).*\(gave up after 3 attempts\)$/);
  });

  it("gives up after maxAttempts with a one-line error and resolves", async () => {
    server = await startServer((h) => replyError(h, 503, "overloaded\nplease wait"));
    const c = client({ maxAttempts: 4 });
    const r = await c.call("m", chat(), 0);
    expect(r.texts).toEqual([]);
    expect(r.attempts).toBe(4);
    expect(server.hits.length).toBe(4);
    expect(r.error).toBe("503 overloaded please wait (gave up after 4 attempts)");
    expect(c.totals()).toMatchObject({ requests: 1, errors: 1, retries: 3, prompt_tokens: 0 });
  });

  it("does not retry a 400", async () => {
    server = await startServer((h) => replyError(h, 400, "bad temperature"));
    const r = await client().call("m", chat(), 0);
    expect(r).toMatchObject({ attempts: 1, error: "400 bad temperature", texts: [] });
    expect(server.hits.length).toBe(1);
  });

  it("never lets the API key into an error message", async () => {
    const key = "sk-test-VERYSECRET0123456789";
    server = await startServer((h) => replyError(h, 401, `Incorrect API key provided: ${key}. Header was Bearer ${key}`));
    const r = await new ModelClient({ baseURL: server.baseURL, apiKey: key }).call("m", chat(), 0);
    expect(r.error).toMatch(/^401 Incorrect API key provided: \*\*\*/);
    expect(r.error).not.toContain("VERYSECRET");
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    server = await startServer((h) => replyOk(h, { delayMs: 15 }));
    const c = client({ concurrency: 5 });
    let maxSeen = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        c.call("m", chat(`q${i}`), 0).then((r) => {
          maxSeen = Math.max(maxSeen, c.inFlight);
          return r;
        }),
      ),
    );
    expect(results.every((r) => r.error === null)).toBe(true);
    expect(server.hits.length).toBe(40);
    expect(server.maxInFlight).toBe(5);
    expect(maxSeen).toBeLessThanOrEqual(5);
  });

  it("resolves with an error for a request without messages or prompt", async () => {
    server = await startServer();
    const r = await client().call("m", { api: "chat", params: { temperature: 0, max_tokens: 5 } } as Request, 0);
    expect(r.error).toMatch(/^bad request/);
    expect(server.hits.length).toBe(0);
  });
});
