/**
 * The pace of a client: one shared pause, AIMD concurrency, and a run
 * against a server that allows R requests per second finishing with every
 * answer and no failure. (Throughput ratios are measured in
 * bench/providers.bench.ts, not asserted here.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { ModelClient, Pacer, rateBetweenLimits } from "../lib/models";
import type { Request } from "../lib/schema";
import { startRateLimitedMock, type RateLimitServer } from "./providers/ratelimit";

describe("Pacer", () => {
  it("learns a rate at the first congestion, cuts it once per round, and paces starts evenly by it", async () => {
    const p = new Pacer(16, "adaptive", () => 0);
    expect(p.rate).toBeNull();
    // 16 answered over ~100 ms, then a round of 429s: one cut, not sixteen
    const first = await Promise.all(Array.from({ length: 16 }, () => p.acquire()));
    await new Promise((r) => setTimeout(r, 100));
    for (const t of first) p.release(t, "ok");
    const limited = await Promise.all(Array.from({ length: 8 }, () => p.acquire()));
    for (const t of limited) p.release(t, "congestion");
    expect(p.cuts).toBe(1);
    const r0 = p.rate!;
    // 16 answered and 7 still in flight (counted as answered) over ~100 ms ≈ 230/s; the rate starts at 85% of it
    expect(r0).toBeGreaterThan(0.85 * 23 * (1000 / 160));
    expect(r0).toBeLessThan(0.85 * 23 * (1000 / 95));
    // a request sent after the cut and also refused cuts again
    const t2 = await p.acquire();
    p.release(t2, "congestion");
    expect(p.cuts).toBe(2);
    expect(p.rate!).toBeCloseTo(r0 * 0.85, 6);
    expect(p.lowestRate).toBeCloseTo(r0 * 0.85, 6);
    // starts are spaced 1/rate apart: 6 starts take about 5 intervals
    const interval = 1000 / p.rate!;
    const t0 = performance.now();
    for (let i = 0; i < 6; i++) p.release(await p.acquire(), "other");
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(4 * interval);
    expect(took).toBeLessThan(7 * interval + 40);
    expect(p.limit).toBe(16);
  });

  it("grows the rate by about 5% a second of successes, but not far above what is answered", async () => {
    const p = new Pacer(4, "adaptive", () => 0);
    const a = await p.acquire();
    await new Promise((r) => setTimeout(r, 60));
    p.release(a, "ok");
    p.release(await p.acquire(), "congestion");
    const r0 = p.rate!;
    // 20 successes started now: +0.05 requests/s each (5% a second at r0 successes a second)
    for (let i = 0; i < 20; i++) p.release({ seq: 1000 + i, at: performance.now() }, "ok");
    expect(p.rate!).toBeCloseTo(r0 + 20 * 0.05, 6);
    // successes that started long ago do not count as answered now: growth stops at 1.25 × answered + 1
    const q = new Pacer(4, "adaptive", () => 0);
    const b = await q.acquire();
    await new Promise((r) => setTimeout(r, 60));
    q.release(b, "ok");
    q.release(await q.acquire(), "congestion");
    const q0 = q.rate!;
    for (let i = 0; i < 2000; i++) q.release({ seq: 5000 + i, at: -1e9 }, "ok");
    // one success answered over at least 60 ms: at most 1000/60 a second, so the rate stays at or below 1.25 × that + 1 (not q0 + 2000 × 0.05)
    expect(q.rate!).toBeLessThanOrEqual(Math.max(q0, (1000 / 60) * 1.25 + 1) + 1e-9);
    expect(q.rate!).toBeLessThan(q0 + 50);
  });

  it("measures the provider's rate between two of its refusals 0.5–4 s apart, from answers started in between", () => {
    // refused at 0 and at 1000 ms, 10 answered in between: 10 a second
    expect(rateBetweenLimits([0, 1000], [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], 2000)).toBe(10);
    // answers started before the first refusal or after the second do not count
    expect(rateBetweenLimits([0, 1000], [-50, 0, 500, 1000, 1200], 2000)).toBe(2);
    // a refusal too recent for its earlier requests to have been answered is not used; the pair before it is
    expect(rateBetweenLimits([0, 800, 1900], [100, 200, 300, 400, 500, 600, 700, 800, 1000, 1500], 1000)).toBe(10);
    // refusals closer than 0.5 s or farther than 4 s apart measure nothing
    expect(rateBetweenLimits([0, 400], [100, 200], 1000)).toBeNull();
    expect(rateBetweenLimits([0, 5000], [100, 200], 6000)).toBeNull();
    expect(rateBetweenLimits([1000], [100, 200], 2000)).toBeNull();
    // the nearest earlier refusal at least 0.5 s back is the start: [0, 600, 700, 1300] → from 700 to 1300
    expect(rateBetweenLimits([0, 600, 700, 1300], [650, 800, 900, 1000, 1300], 2000)).toBeCloseTo(4 / 0.6, 9);
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
