/**
 * The batch door against local mocks of OpenAI's Batch API and Anthropic's
 * Message Batches API (test/providers/batch-*-server.ts, which cite the
 * documentation they follow): custom_ids, splitting, lines that are the
 * synchronous bodies byte for byte, 10,000 requests with out-of-order,
 * errored and expired rows, a batch that expires, failing polls and slow
 * downloads, exactly one result per request; fatal errors; cancellation;
 * the response cache; spend at the batch discount with cached tokens.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Request } from "../lib/schema/index";
import { costOf, FatalProviderError, EXIT_FATAL_PROVIDER, ModelClient, priceFor, sampleFields, Spend } from "../lib/models/index";
import { customIdFor, CUSTOM_ID_RE, openBatchBackend, readJournal, runBatches, splitRows, type BatchRequest, type BatchResult } from "../lib/models/batch/index";
import { startAnthropicMock } from "./providers/anthropic";
import { startOpenAIMock } from "./providers/openai";
import { unit } from "./providers/batch-common";
import { startAnthropicBatchMock } from "./providers/batch-anthropic-server";
import { startOpenAIBatchMock } from "./providers/batch-openai-server";

const tmp = mkdtempSync(join(tmpdir(), "afw-batch-"));
let dirN = 0;
const dir = () => join(tmp, `d${++dirN}`);
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

const SYSTEM = "You are an AI created to be helpful. " + "This is the long shared system prompt of the scenario, repeated for every request. ".repeat(6);

function requests(n: number, model: string, o: { prefill?: boolean } = {}): BatchRequest[] {
  const out: BatchRequest[] = [];
  for (let i = 0; i < n; i++) {
    const messages: Request["messages"] = [
      { role: "system", content: SYSTEM },
      { role: "user", content: `<is_free_tier_user>${i % 2 === 0}</is_free_tier_user> request number ${i}` },
    ];
    if (o.prefill) messages.push({ role: "assistant", content: "<SCRATCHPAD_REASONING>" });
    out.push({ key: `exp|cond|${model}|${i % 2 === 0 ? "free" : "paid"}|q${Math.floor(i / 2)}|0`, model, request: { api: "chat", messages, params: { temperature: 0, max_tokens: 300 } }, sampleIndex: 0 });
  }
  return out;
}

describe("custom_id", () => {
  it("is 1–64 characters of [A-Za-z0-9_-], a function of the key alone, distinct for distinct keys", () => {
    const keys = ["figure1|baseline|anthropic/claude-3-opus|free|afw-001|0", "x", "é|ü|ß", "a".repeat(500), "figure1|baseline|anthropic/claude-3-opus|free|afw-001|1"];
    const ids = keys.map(customIdFor);
    for (const id of ids) expect(id).toMatch(CUSTOM_ID_RE);
    expect(new Set(ids).size).toBe(keys.length);
    expect(customIdFor(keys[0])).toBe(ids[0]);
    expect(ids[0].startsWith("baseline_anthropic_claude-3-opus_free_afw-001_0".slice(-41))).toBe(true);
    const many = new Set<string>();
    for (let i = 0; i < 50_000; i++) many.add(customIdFor(`k|${i}`));
    expect(many.size).toBe(50_000);
    expect(() => customIdFor("")).toThrow();
  });
});

describe("splitRows", () => {
  it("closes a batch at the request limit and at the byte limit, and sets apart a row too large for any batch", () => {
    const rows = [10, 10, 10, 10, 10].map((bytes, i) => ({ id: `r${i}`, bytes }));
    expect(splitRows(rows, { maxRequests: 2, maxBytes: 1000 }, (b, n) => b + n).batches).toEqual([["r0", "r1"], ["r2", "r3"], ["r4"]]);
    // bytes: 11 per line with its newline; 33 fits three, 44 does not
    const s = splitRows(rows, { maxRequests: 100, maxBytes: 33 }, (b, n) => b + n);
    expect(s.batches).toEqual([["r0", "r1", "r2"], ["r3", "r4"]]);
    expect(s.bytes).toEqual([33, 22]);
    const big = splitRows([{ id: "a", bytes: 5 }, { id: "huge", bytes: 500 }, { id: "b", bytes: 5 }], { maxRequests: 10, maxBytes: 100 }, (b, n) => b + n);
    expect(big.oversize).toEqual(["huge"]);
    expect(big.batches).toEqual([["a", "b"]]);
  });
});

describe("a batch line is the synchronous request, byte for byte", () => {
  it("Anthropic: prefill continued, cache_control on the system prompt, token limit", async () => {
    const sync = await startAnthropicMock();
    const batch = await startAnthropicBatchMock({ processMs: 20 });
    closers.push(sync.close, batch.close);
    const reqs = requests(3, "claude-sonnet-4-5", { prefill: true });
    const c1 = new ModelClient({ baseURL: sync.baseURL, apiKey: "sk-ant-good-1", provider: "anthropic" });
    for (const r of reqs) expect((await c1.call(r.model, r.request, r.sampleIndex)).error).toBeNull();
    const c2 = new ModelClient({ baseURL: batch.baseURL, apiKey: "sk-ant-batch-good", provider: "anthropic" });
    const got: BatchResult[] = [];
    const backend = openBatchBackend({ provider: "anthropic", baseURL: batch.baseURL, apiKey: "sk-ant-batch-good" });
    await runBatches({ backend, client: c2, journalPath: join(dir(), "batches.jsonl"), requests: reqs, onResult: (r) => void got.push(r), pollMs: 10 });
    const sent = [...batch.batches.values()][0].requests;
    expect(sent.map((r) => r.custom_id)).toEqual(reqs.map((r) => customIdFor(r.key)));
    sent.forEach((r, i) => expect(JSON.stringify(r.params)).toBe(JSON.stringify(sync.hits[i].body)));
    expect(sent[0].params.system[0].cache_control).toEqual({ type: "ephemeral" });
    expect(sent[0].params.messages.at(-1)).toEqual({ role: "assistant", content: "<SCRATCHPAD_REASONING>" });
    // the reply continues the prefill and excludes it, as the synchronous reply does
    const syncText = (await c1.call(reqs[0].model, reqs[0].request, 0)).texts[0];
    expect(got.find((g) => g.key === reqs[0].key)!.result.texts[0]).toBe(syncText);
  });

  it("OpenAI: max_completion_tokens, no temperature for a reasoning model at 1, n", async () => {
    const sync = await startOpenAIMock();
    const batch = await startOpenAIBatchMock({ processMs: 20 });
    closers.push(sync.close, batch.close);
    const reqs = [...requests(2, "gpt-4o"), ...requests(2, "o3-mini").map((r) => ({ ...r, key: r.key + "|o3", request: { ...r.request, params: { temperature: 1, max_tokens: 500, n: 3 } } }))];
    const c1 = new ModelClient({ baseURL: sync.baseURL, apiKey: "sk-good", provider: "openai", today: "2026-11-29" });
    for (const r of reqs) await c1.call(r.model, r.request, r.sampleIndex);
    const c2 = new ModelClient({ baseURL: batch.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: batch.baseURL, apiKey: "sk-batch-good" });
    const got: BatchResult[] = [];
    await runBatches({ backend, client: c2, journalPath: join(dir(), "batches.jsonl"), requests: reqs, onResult: (r) => void got.push(r), pollMs: 10 });
    const lines = [...batch.batches.values()].flatMap((b) => b.lines);
    expect(lines).toHaveLength(4);
    const syncBodies = sync.hits.filter((h) => h.path.endsWith("/chat/completions")).map((h) => JSON.stringify(h.body));
    for (const l of lines) expect(syncBodies).toContain(JSON.stringify(l.body));
    const o3 = lines.find((l) => l.body.model === "o3-mini")!.body;
    expect(o3.max_completion_tokens).toBe(500);
    expect(o3.temperature).toBeUndefined();
    expect(o3.n).toBe(3);
    // one batch per model (OpenAI batches hold one model each)
    expect(batch.batches.size).toBe(2);
    expect(got.find((g) => g.model === "o3-mini")!.result.texts).toHaveLength(3);
  });
});

for (const provider of ["openai", "anthropic"] as const) {
  describe(`${provider}: 10,000 requests through runBatches`, () => {
    it("one result per request despite out-of-order, errored and expired rows, an expiring batch, failing polls and slow downloads", async () => {
      const fate = (cid: string, seen: number) => {
        if (seen > 1) return "ok" as const;
        const u = unit(cid);
        return u < 0.02 ? ("expire" as const) : u < 0.03 ? ("error500" as const) : u < 0.035 ? ("timeout" as const) : u < 0.037 ? ("permanent" as const) : ("ok" as const);
      };
      const common = { fate, expireBatch: (i: number) => i === 1, failPoll: (n: number) => n % 5 === 0, download: { chunkBytes: 256 * 1024, delayMs: 2 }, breakDownload: (n: number) => n === 1 };
      const mock = provider === "openai" ? await startOpenAIBatchMock({ ...common, processMs: 150 }) : await startAnthropicBatchMock({ ...common, processMs: 150 });
      closers.push(mock.close);
      const key = provider === "openai" ? "sk-batch-good" : "sk-ant-batch-good";
      const model = provider === "openai" ? "gpt-4o" : "claude-sonnet-4-5";
      const cacheDir = join(dir(), "cache");
      const client = new ModelClient({ baseURL: mock.baseURL, apiKey: key, provider, cacheDir, today: "2026-11-29", retryBaseMs: 1 });
      const backend = openBatchBackend({ provider, baseURL: mock.baseURL, apiKey: key, limits: { maxRequests: 2500 }, retryBaseMs: 5 });
      const reqs = requests(10_000, model);
      const got = new Map<string, number>();
      const failed: BatchResult[] = [];
      const journal = join(dir(), "batches.jsonl");
      const events: string[] = [];
      const t0 = Date.now();
      const s = await runBatches({
        backend,
        client,
        journalPath: journal,
        requests: reqs,
        pollMs: 15,
        retryBaseMs: 5,
        onEvent: (e) => void events.push(e.line),
        onResult: (r) => {
          got.set(r.custom_id, (got.get(r.custom_id) ?? 0) + 1);
          if (r.result.error) failed.push(r);
        },
      });
      const seconds = (Date.now() - t0) / 1000;
      expect(s.stopped).toBe("done");
      expect(s.pending).toBe(0);
      // the first download broke off halfway and was read again
      expect(events.filter((l) => /reading its results failed/.test(l))).toHaveLength(1);
      expect(got.size).toBe(10_000);
      expect([...got.values()].every((n) => n === 1)).toBe(true);
      for (const r of reqs) expect(got.has(customIdFor(r.key))).toBe(true);
      // permanent row errors are results (as in the synchronous path), everything else was retried to an answer
      const permanent = reqs.filter((r) => {
        const u = unit(customIdFor(r.key));
        return u >= 0.035 && u < 0.037;
      });
      expect(failed.map((f) => f.key).sort()).toEqual(permanent.map((r) => r.key).sort());
      for (const f of failed) expect(f.result.error_kind).toBe("permanent");
      // expired rows went into a new batch and were answered there
      const expired = reqs.filter((r) => unit(customIdFor(r.key)) < 0.02);
      for (const r of expired.slice(0, 50)) expect(mock.seen.get(customIdFor(r.key))).toBe(2);
      expect(s.retried).toBeGreaterThan(expired.length);
      // the expiring batch (the second) left half its rows, which were sent again
      const j = readJournal(journal);
      const rounds = [...j.batches.values()];
      expect(rounds.filter((b) => b.round === 0)).toHaveLength(4);
      expect(rounds.some((b) => b.round === 1)).toBe(true);
      // no batch created twice: creates at the server = batches in the journal
      expect(mock.stats.batchesCreated).toBe(j.batches.size);
      expect(new Set(rounds.map((b) => b.batchId)).size).toBe(rounds.length);
      expect(s.submitted).toBe(j.batches.size);
      // spend: the batch discount, and cached prompt tokens counted
      expect(s.spend).toHaveLength(1);
      expect(s.spend[0].discount).toBe(0.5);
      expect(s.spend[0].requests).toBe(10_000 - permanent.length);
      expect(s.spend[0].cached_prompt_tokens).toBeGreaterThan(0);
      const row = priceFor(provider, model)!;
      const list = costOf({ prompt_tokens: s.spend[0].prompt_tokens, cached_prompt_tokens: s.spend[0].cached_prompt_tokens, cache_creation_tokens: s.spend[0].cache_creation_tokens, completion_tokens: s.spend[0].completion_tokens, reasoning_tokens: 0 }, row.price);
      expect(s.spend[0].usd).toBeCloseTo(list / 2, 9);
      // a later synchronous rerun is free: served from the response cache, nothing sent
      const creates = mock.stats.creates;
      // (the same endpoint: answers are cached per endpoint; the batch mock answers no synchronous request, so a miss fails)
      const again = new ModelClient({ baseURL: mock.baseURL, apiKey: key, provider, cacheDir, today: "2026-11-29", maxAttempts: 1 });
      for (const r of reqs.slice(0, 200)) {
        const c = await again.call(r.model, r.request, r.sampleIndex);
        if (permanent.some((p) => p.key === r.key)) continue;
        expect(c.cached).toBe(true);
        expect(sampleFields(c).output_text).toBe(c.texts[0]);
      }
      // the same call again hands over nothing and submits nothing
      let more = 0;
      const s2 = await runBatches({ backend, client, journalPath: journal, requests: reqs, pollMs: 15, onResult: () => void more++ });
      expect(more).toBe(0);
      expect(s2.planned).toBe(0);
      expect(mock.stats.creates).toBe(creates);
      console.log(`${provider}: 10,000 requests in ${seconds.toFixed(1)} s, ${j.batches.size} batches, ${s.retried} rows sent again, ${mock.stats.polls} polls`);
    }, 120_000);
  });
}

describe("fatal errors stop at once", () => {
  it("a 401 on create: FatalProviderError with the provider's message, exit code 3, nothing more sent", async () => {
    const mock = await startAnthropicBatchMock({ rejectCreate: () => true });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", provider: "anthropic" });
    const backend = openBatchBackend({ provider: "anthropic", baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", limits: { maxRequests: 10 } });
    const err = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(50, "claude-sonnet-4-5"), onResult: () => {}, pollMs: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalProviderError);
    expect(err.exitCode).toBe(EXIT_FATAL_PROVIDER);
    expect(err.message).toMatch(/401 invalid x-api-key/);
    expect(mock.stats.creates).toBe(1);
  });

  it("a bad key at OpenAI stops on the upload", async () => {
    const mock = await startOpenAIBatchMock();
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-wrong-key-123", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-wrong-key-123" });
    const err = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(5, "gpt-4o"), onResult: () => {}, pollMs: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalProviderError);
    expect(err.message).toMatch(/Incorrect API key/);
    expect(err.message).not.toContain("sk-wrong-key-123");
    expect(mock.stats.creates).toBe(0);
  });

  it("a row that names an unknown model stops the run with the provider's message; the good rows are kept", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, fate: (cid) => (unit(cid) < 0.1 ? "fatal404" : "ok") });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    let n = 0;
    const err = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(100, "gpt-4o"), onResult: () => void n++, pollMs: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalProviderError);
    expect(err.reason).toBe("model");
    expect(err.message).toMatch(/does not exist/);
    expect(n).toBeLessThan(100);
  });
});

describe("answers lost on the way back", () => {
  it("OpenAI: an upload and a create that happened but whose answers were lost are found by list, not sent twice", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, loseUploadAnswer: (n) => n === 1, loseCreateAnswer: (n) => n === 2 });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good", limits: { maxRequests: 10 } });
    let n = 0;
    const s = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(30, "gpt-4o"), onResult: () => void n++, pollMs: 5, retryBaseMs: 1 });
    expect(n).toBe(30);
    expect(mock.stats.uploads).toBe(3);
    expect(mock.stats.batchesCreated).toBe(3);
    expect(s.found).toBe(1);
    expect(s.submitted).toBe(2);
  });

  it("Anthropic: a create whose answer was lost is found by creation time and size", async () => {
    const mock = await startAnthropicBatchMock({ processMs: 20, loseCreateAnswer: (n) => n === 1 });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", provider: "anthropic" });
    const backend = openBatchBackend({ provider: "anthropic", baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", limits: { maxRequests: 10 } });
    let n = 0;
    const s = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(25, "claude-sonnet-4-5"), onResult: () => void n++, pollMs: 5, retryBaseMs: 1 });
    expect(n).toBe(25);
    expect(mock.stats.batchesCreated).toBe(3);
    expect(s.found).toBe(1);
  });
});

describe("a batch that fails as a whole", () => {
  it("an organisation's full batch queue (token_limit_exceeded): the rows go into a new batch", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, failBatch: (i) => (i === 0 ? { code: "token_limit_exceeded", message: "Enqueued token limit reached for gpt-4o in organization org-x." } : null) });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    let n = 0;
    const s = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(40, "gpt-4o"), onResult: () => void n++, pollMs: 5 });
    expect(s.stopped).toBe("done");
    expect(n).toBe(40);
    expect(mock.stats.batchesCreated).toBe(2);
  });

  it("a batch over the queue limit even alone stops the run (quota) after one more try", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, failBatch: () => ({ code: "token_limit_exceeded", message: "Enqueued token limit reached for gpt-4o in organization org-x." }) });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    const err = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(10, "gpt-4o"), onResult: () => {}, pollMs: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalProviderError);
    expect(err.reason).toBe("quota");
    expect(err.message).toMatch(/Enqueued token limit reached/);
    expect(mock.stats.batchesCreated).toBe(2);
  });

  it("any other validation failure stops the run with the provider's words", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, failBatch: () => ({ code: "invalid_request", message: "The model gpt-4o-x does not support the Batch API." }) });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    const err = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: requests(10, "gpt-4o"), onResult: () => {}, pollMs: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalProviderError);
    expect(err.message).toMatch(/failed: invalid_request: The model gpt-4o-x does not support the Batch API/);
    expect(mock.stats.batchesCreated).toBe(1);
  });
});

describe("cancellation, thenSync, resume", () => {
  it("a batch cancelled from outside stops the run; the next run sends the cancelled rows again", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 400 });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    const journal = join(dir(), "batches.jsonl");
    const reqs = requests(200, "gpt-4o");
    const got = new Map<string, number>();
    const onResult = (r: BatchResult) => void got.set(r.custom_id, (got.get(r.custom_id) ?? 0) + 1);
    const run = runBatches({
      backend,
      client,
      journalPath: journal,
      requests: reqs,
      pollMs: 10,
      onResult,
      onEvent: (e) => {
        if (e.type === "submitted") {
          // what afw batches --cancel does: cancel at the provider, note it in the journal
          setTimeout(async () => {
            const { JournalWriter } = await import("../lib/models/batch/index");
            await backend.cancel(e.batchId!, new AbortController().signal);
            const w = new JournalWriter(journal);
            w.append({ t: "cancel", seq: e.seq!, at: Date.now() });
            w.close();
          }, 150);
        }
      },
    });
    const s1 = await run;
    expect(s1.stopped).toBe("cancelled");
    expect(s1.pending).toBeGreaterThan(0);
    expect(got.size).toBe(200 - s1.pending);
    const s2 = await runBatches({ backend, client, journalPath: journal, requests: reqs, pollMs: 10, onResult });
    expect(s2.stopped).toBe("done");
    expect(got.size).toBe(200);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(mock.stats.batchesCreated).toBe(2);
  });

  it("thenSync sends expired rows through the synchronous endpoint", async () => {
    const mock = await startOpenAIBatchMock({ processMs: 20, fate: (cid, seen) => (seen === 1 && unit(cid) < 0.2 ? "expire" : "ok") });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    const reqs = requests(300, "gpt-4o");
    const by = { batch: 0, sync: 0 };
    const s = await runBatches({ backend, client, journalPath: join(dir(), "b.jsonl"), requests: reqs, pollMs: 10, thenSync: true, onResult: (r) => void by[r.source as "batch" | "sync"]++ });
    const expired = reqs.filter((r) => unit(customIdFor(r.key)) < 0.2).length;
    expect(by.sync).toBe(expired);
    expect(by.batch).toBe(300 - expired);
    expect(mock.stats.syncCalls).toBe(expired);
    expect(mock.stats.batchesCreated).toBe(1);
    expect(s.delivered.sync).toBe(expired);
    // synchronous calls are billed at list price, in the client's own spend
    expect(client.spend.rows()[0].discount).toBe(1);
  });

  it("rows that never get an answer are given up after maxRounds batches, as failed (transient)", async () => {
    const mock = await startAnthropicBatchMock({ processMs: 10, fate: (cid) => (unit(cid) < 0.1 ? "expire" : "ok") });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", provider: "anthropic" });
    const backend = openBatchBackend({ provider: "anthropic", baseURL: mock.baseURL, apiKey: "sk-ant-batch-good" });
    const reqs = requests(100, "claude-sonnet-4-5");
    const out: BatchResult[] = [];
    const journal = join(dir(), "b.jsonl");
    await runBatches({ backend, client, journalPath: journal, requests: reqs, pollMs: 5, maxRounds: 2, onResult: (r) => void out.push(r) });
    const never = reqs.filter((r) => unit(customIdFor(r.key)) < 0.1).map((r) => r.key);
    const failed = out.filter((r) => r.result.error !== null);
    expect(failed.map((r) => r.key).sort()).toEqual(never.sort());
    for (const f of failed) {
      expect(f.result.error_kind).toBe("transient");
      expect(f.result.error).toMatch(/no answer after 2 batch/);
    }
    expect(mock.stats.batchesCreated).toBe(2);
    // a resume whose store lacks the failed rows (transient failures are redone) gives them a new budget of batches
    const stored = new Set(out.filter((r) => r.result.error === null).map((r) => r.key));
    let again = 0;
    await runBatches({ backend, client, journalPath: journal, requests: reqs, pollMs: 5, maxRounds: 2, have: (k) => stored.has(k), onResult: () => void again++ });
    expect(again).toBe(never.length);
    expect(mock.stats.batchesCreated).toBe(4);
  });

  it("the journal holds no key and maps custom_ids back to sample keys", async () => {
    const mock = await startAnthropicBatchMock({ processMs: 10 });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-ant-batch-good", provider: "anthropic" });
    const backend = openBatchBackend({ provider: "anthropic", baseURL: mock.baseURL, apiKey: "sk-ant-batch-good" });
    const journal = join(dir(), "batches.jsonl");
    const reqs = requests(20, "claude-sonnet-4-5");
    await runBatches({ backend, client, journalPath: journal, requests: reqs, pollMs: 5, onResult: () => {} });
    const text = readFileSync(journal, "utf8");
    expect(text).not.toContain("sk-ant-batch-good");
    const j = readJournal(journal);
    const rows = [...j.batches.values()].flatMap((b) => b.rows);
    expect(new Map(rows.map(([cid, key]) => [cid, key]))).toEqual(new Map(reqs.map((r) => [customIdFor(r.key), r.key])));
  });
});

describe("one journal, several calls of runBatches", () => {
  it("a call leaves alone the batches of another (a run and its judges at one provider): nothing is read for nobody, nothing created twice", async () => {
    const mock = await startOpenAIBatchMock({ validateMs: 0, processMs: 80, finalizeMs: 0 });
    closers.push(mock.close);
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29", cacheDir: join(dir(), "cache") });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good" });
    const journal = join(dir(), "batches", "openai.jsonl");
    const all = requests(40, "gpt-4o");
    const a = all.slice(0, 20);
    const b = all.slice(20);
    // A submits its batch and stops (a kill, as far as the journal knows).
    const ac = new AbortController();
    const s1 = await runBatches({ backend, client, journalPath: journal, requests: a, onResult: () => {}, pollMs: 5, signal: ac.signal, onEvent: (e) => e.type === "submitted" && ac.abort() });
    expect(s1.stopped).toBe("aborted");
    // B, with its own rows, runs to the end while A's batch ends at the server: B neither polls nor reads it.
    await new Promise((r) => setTimeout(r, 120));
    const gotB: string[] = [];
    const s2 = await runBatches({ backend, client, journalPath: journal, requests: b, onResult: (r) => void gotB.push(r.key), pollMs: 5 });
    expect(s2.stopped).toBe("done");
    expect(gotB.sort()).toEqual(b.map((r) => r.key).sort());
    expect(readJournal(journal).batches.get(0)!.downloaded).toBe(false);
    // A again: its batch is read, no new one is created.
    const gotA: string[] = [];
    const s3 = await runBatches({ backend, client, journalPath: journal, requests: a, onResult: (r) => void gotA.push(r.key), pollMs: 5 });
    expect(s3.stopped).toBe("done");
    expect(gotA.sort()).toEqual(a.map((r) => r.key).sort());
    expect(mock.stats.batchesCreated).toBe(2);
    expect([...mock.seen.values()].every((k) => k === 1)).toBe(true);
  });
});

describe("Spend with the batch discount", () => {
  it("prices cached reads and cache writes at their rates, halved", () => {
    const s = new Spend({ discount: 0.5 });
    s.add("claude-sonnet-4-5", "anthropic", { cached: false, usage: { prompt_tokens: 1_000_000, completion_tokens: 100_000, total_tokens: 1_100_000, cached_prompt_tokens: 800_000, cache_creation_tokens: 100_000 } });
    // uncached 100k × $3 + reads 800k × $0.30 + writes 100k × $3.75 + output 100k × $15, per million, halved
    expect(s.rows()[0].usd).toBeCloseTo((0.1 * 3 + 0.8 * 0.3 + 0.1 * 3.75 + 0.1 * 15) / 2, 9);
  });
});

describe("afw batches DIR", () => {
  it("shows state, counts and age from the journal and a poll, cancels, and refuses bad input with exit 2", async () => {
    const { main } = await import("../lib/cli/main");
    const mock = await startOpenAIBatchMock({ validateMs: 0, processMs: 60_000 });
    closers.push(mock.close);
    const folder = dir();
    const journal = join(folder, "batches", "openai.jsonl");
    const client = new ModelClient({ baseURL: mock.baseURL, apiKey: "sk-batch-good", provider: "openai", today: "2026-11-29" });
    const backend = openBatchBackend({ provider: "openai", baseURL: mock.baseURL, apiKey: "sk-batch-good", limits: { maxRequests: 30 } });
    const ac = new AbortController();
    let submitted = 0;
    const s = await runBatches({ backend, client, journalPath: journal, requests: requests(50, "gpt-4o"), onResult: () => {}, pollMs: 10, signal: ac.signal, onEvent: (e) => e.type === "submitted" && ++submitted === 2 && ac.abort() });
    expect(s.stopped).toBe("aborted");
    const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const io = { out: [] as string[], err: [] as string[] };
      const code = await main(args, { out: (x) => void io.out.push(x), log: (x) => void io.err.push(x), env });
      return { code, out: io.out.join("\n"), err: io.err.join("\n") };
    };
    const offline = await cli(["batches", folder, "--no-poll"]);
    expect(offline.code).toBe(0);
    expect(offline.out).toMatch(/openai at http:\/\/127\.0\.0\.1:\d+\/v1, job [0-9a-f]{12}: 2 batch\(es\), 0 result\(s\) handed over \(from the journal; not polled\)/);
    expect(offline.out).toMatch(/ 0 +batch_\w+ +gpt-4o +0 +30 +submitted /);
    const polled = await cli(["batches", folder], { OPENAI_API_KEY: "sk-batch-good" });
    expect(polled.code).toBe(0);
    expect(polled.out).toMatch(/ 1 +batch_\w+ +gpt-4o +0 +20 +in_progress +\d+ /);
    const json = (await cli(["batches", folder, "--json", "--batch", "1"], { OPENAI_API_KEY: "sk-batch-good" })).out.split("\n").map((l) => JSON.parse(l));
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ seq: 1, requests: 20, state: "in_progress", handed_over: 0 });
    const cancel = await cli(["batches", folder, "--cancel"], { OPENAI_API_KEY: "sk-batch-good" });
    expect(cancel.code).toBe(0);
    expect(cancel.err).toMatch(/cancelled openai batch 0 .*cancelled openai batch 1/s);
    expect(mock.stats.cancels).toBe(2);
    expect(readJournal(journal).batches.get(0)!.cancelled).toBe(true);
    expect(readFileSync(journal, "utf8")).not.toContain("sk-batch-good");
    // the run picks up the cancelled batches and stops; the next run sends their rows again
    const got = new Set<string>();
    const s2 = await runBatches({ backend, client, journalPath: journal, requests: requests(50, "gpt-4o"), onResult: (r) => void got.add(r.key), pollMs: 10 });
    expect(s2.stopped).toBe("cancelled");
    // bad input
    expect((await cli(["batches"])).code).toBe(2);
    expect((await cli(["batches", join(folder, "nope")])).err).toMatch(/is not a folder/);
    const empty = dir();
    (await import("node:fs")).mkdirSync(empty);
    const none = await cli(["batches", empty]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/batches holds no batch journal/);
    expect((await cli(["batches", folder, "--batch", "7", "--no-poll"])).err).toMatch(/no batch "7"/);
    expect((await cli(["batches", folder], {})).code).toBe(0); // every batch read: nothing to poll, no key needed
    // a key the provider refuses: exit 3, the provider's message, the key nowhere
    const f2 = dir();
    const ac2 = new AbortController();
    await runBatches({ backend, client, journalPath: join(f2, "batches", "openai.jsonl"), requests: requests(5, "gpt-4o"), onResult: () => {}, pollMs: 10, signal: ac2.signal, onEvent: (e) => e.type === "submitted" && ac2.abort() });
    const bad = await cli(["batches", f2, "--api-key", "sk-revoked-key-9", "--cancel"]);
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/401 Incorrect API key provided/);
    expect(bad.err).not.toContain("sk-revoked-key-9");
  });
});
