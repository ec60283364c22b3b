/**
 * The n fallback (client.callVotes): one request with n when it works, one
 * request per vote otherwise, decided by what happened, never by how an
 * error is worded, and remembered per endpoint and model.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelClient, nSupportOf, resetVotesMemory } from "../lib/models";
import type { Request } from "../lib/schema";
import { replyError, replyOk, startServer, type FakeServer } from "./models.server";
import { startVllmMock } from "./providers/vllm";
import { startAnthropicMock } from "./providers/anthropic";
import type { MockServer } from "./providers/base";

const judge: Request = { api: "chat", messages: [{ role: "user", content: "Judge this." }], params: { temperature: 1, max_tokens: 50, seed: 100 } };

let fake: FakeServer | undefined;
let mock: MockServer | undefined;
beforeEach(() => resetVotesMemory());
afterEach(async () => {
  await fake?.close();
  await mock?.close();
  fake = undefined;
  mock = undefined;
});

describe("callVotes", () => {
  it("uses one request with n where it works, and remembers it", async () => {
    mock = await startVllmMock();
    const c = new ModelClient({ baseURL: mock.baseURL, apiKey: "x", provider: "vllm" });
    const v = await c.callVotes("meta-llama/Llama-3.1-8B-Instruct", judge, 3);
    expect(v.path).toBe("n");
    expect(v.choices.map((x) => x?.text.endsWith(` #${v.choices.indexOf(x)}`))).toEqual([true, true, true]);
    expect(mock.hits).toHaveLength(1);
    expect(mock.hits[0].body.n).toBe(3);
    expect(nSupportOf(c, "meta-llama/Llama-3.1-8B-Instruct")).toBe(true);
  });

  it("goes straight to one request per vote where the profile takes no n (Anthropic), with seed + i and sample index + i", async () => {
    mock = await startAnthropicMock();
    const c = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-ant-good-1", provider: "anthropic" });
    const v = await c.callVotes("claude-haiku-4-5", judge, 3, { sampleIndex: 10 });
    expect(v.path).toBe("split");
    expect(v.choices.every((x) => x !== null && x.outcome === "reply")).toBe(true);
    expect(mock.hits).toHaveLength(3);
    expect(mock.hits.every((h) => h.body.n === undefined)).toBe(true);
  });

  it("falls back whatever the error says (a 422 with no mention of n), and remembers not to try again", async () => {
    fake = await startServer((h) => (h.body.n ? replyError(h, 422, "Something about the request was not acceptable") : replyOk(h)));
    const c = new ModelClient({ baseURL: fake.baseURL, apiKey: "k", retryBaseMs: 1 });
    const v = await c.callVotes("m", judge, 4);
    expect(v.path).toBe("split");
    expect(v.choices.filter(Boolean)).toHaveLength(4);
    expect(fake.hits.map((h) => h.body.n ?? 1)).toEqual([4, 1, 1, 1, 1]);
    expect(fake.hits.slice(1).map((h) => h.body.seed).sort()).toEqual([100, 101, 102, 103]);
    expect(nSupportOf(c, "m")).toBe(false);
    await c.callVotes("m", judge, 4);
    expect(fake.hits.filter((h) => h.body.n)).toHaveLength(1);
    // another client on the same endpoint knows too
    const c2 = new ModelClient({ baseURL: fake.baseURL, apiKey: "k" });
    await c2.callVotes("m", judge, 2);
    expect(fake.hits.filter((h) => h.body.n)).toHaveLength(1);
  });

  it("falls back when the server ignores n and answers one choice", async () => {
    fake = await startServer((h) => replyOk({ ...h, body: { ...h.body, n: 1 } }));
    const c = new ModelClient({ baseURL: fake.baseURL, apiKey: "k" });
    const v = await c.callVotes("m", judge, 3);
    expect(v.path).toBe("split");
    expect(fake.hits).toHaveLength(4);
    expect(nSupportOf(c, "m")).toBe(false);
  });

  it("a transient failure of the n request falls back this time but is not remembered", async () => {
    fake = await startServer((h) => (h.body.n ? replyError(h, 500, "boom") : replyOk(h)));
    const c = new ModelClient({ baseURL: fake.baseURL, apiKey: "k", maxAttempts: 2, retryBaseMs: 1 });
    const v = await c.callVotes("m", judge, 2);
    expect(v.path).toBe("split");
    expect(v.choices.filter(Boolean)).toHaveLength(2);
    expect(nSupportOf(c, "m")).toBeUndefined();
  });

  it("a fatal error stops: no fallback requests", async () => {
    fake = await startServer((h) => replyError(h, 401, "bad key"));
    const c = new ModelClient({ baseURL: fake.baseURL, apiKey: "k" });
    const v = await c.callVotes("m", judge, 5);
    expect(v.error_kind).toBe("fatal");
    expect(fake.hits).toHaveLength(1);
    expect(c.fatal).not.toBeNull();
  });

  it("concurrent callers wait for the first n request's answer instead of all probing", async () => {
    fake = await startServer((h) => (h.body.n ? replyError(h, 400, "nope") : replyOk(h, { delayMs: 5 })));
    const c = new ModelClient({ baseURL: fake.baseURL, apiKey: "k" });
    await Promise.all(Array.from({ length: 6 }, (_, i) => c.callVotes("m", { ...judge, messages: [{ role: "user", content: `J${i}` }] }, 3)));
    expect(fake.hits.filter((h) => h.body.n)).toHaveLength(1);
    expect(fake.hits).toHaveLength(1 + 6 * 3);
  });
});
