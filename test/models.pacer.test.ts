/**
 * The pace of a client: one shared pause, AIMD concurrency, and a run
 * against a server that allows R requests per second finishing with every
 * answer and no failure. (Throughput ratios are measured in
 * bench/providers.bench.ts, not asserted here.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { ModelClient, Pacer } from "../lib/models";
import type { Request } from "../lib/schema";
import { startRateLimitedMock, type RateLimitServer } from "./providers/ratelimit";

describe("Pacer", () => {
  it("halves the limit once per round of congestion and grows it back by about one per round of successes", async () => {
    const p = new Pacer(16, "adaptive", () => 0);
    const tickets = await Promise.all(Array.from({ length: 16 }, () => p.acquire()));
    expect(p.limit).toBe(16);
    // every reply of this round says "slow down": one cut, not sixteen
    for (const t of tickets) p.release(t, "congestion");
    expect(p.limit).toBe(8);
    expect(p.cuts).toBe(1);
    // a request sent after the cut that is also limited cuts again
    const t2 = await p.acquire();
    p.release(t2, "congestion");
    expect(p.limit).toBe(4);
    // 4 successes at limit 4 add 4 × 1/4…: the limit reaches 5 after about one round
    for (let i = 0; i < 5; i++) p.release(await p.acquire(), "ok");
    expect(p.limit).toBe(5);
    expect(p.lowest).toBe(4);
  });

  it("makes every waiter wait out one shared pause, ended with at most 10% jitter", async () => {
    const p = new Pacer(4, "adaptive", () => 1);
    p.pause(100);
    const t0 = Date.now();
    const got = await Promise.all([p.acquire(), p.acquire(), p.acquire()]);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(100 + 10 + 60); // 10% jitter, plus timer slack
    expect(got).toHaveLength(3);
    expect(p.pauses).toBe(1);
    // a shorter pause asked during a longer one does not shorten it
    p.pause(200);
    const end = Date.now() + 200;
    p.pause(10);
    expect(p.pauseLeftMs).toBeGreaterThanOrEqual(end - Date.now() - 5);
  });

  it("fixed mode keeps the limit and ignores pauses (the earlier behaviour)", async () => {
    const p = new Pacer(3, "fixed");
    const t = await p.acquire();
    p.release(t, "congestion");
    p.pause(1000);
    expect(p.limit).toBe(3);
    expect(p.pauseLeftMs).toBe(0);
  });

  it("rejects waiters when the client stops", async () => {
    const p = new Pacer(1);
    await p.acquire();
    const waiting = p.acquire();
    p.drain(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});

describe("a rate-limited server", () => {
  let server: RateLimitServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const req = (i: number): Request => ({ api: "chat", messages: [{ role: "user", content: `q${i}` }], params: { temperature: 0, max_tokens: 5 } });

  it("300 requests at R = 150/s: every one answered, none failed, behind shared pauses", async () => {
    server = await startRateLimitedMock({ rps: 150, burst: 30, latencyMs: 15 });
    const c = new ModelClient({ baseURL: server.baseURL, apiKey: "k", concurrency: 16, retryBaseMs: 20 });
    const rs = await Promise.all(Array.from({ length: 300 }, (_, i) => c.call("m", req(i), 0)));
    expect(rs.filter((r) => r.error !== null)).toEqual([]);
    expect(server.stats.ok).toBe(300);
    expect(server.stats.limited).toBeGreaterThan(0);
    expect(c.pace().pauses).toBeGreaterThan(0);
    expect(c.pace().cuts).toBeGreaterThan(0);
  });
});
