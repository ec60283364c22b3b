import { describe, expect, it } from "vitest";
import { createProgress } from "../lib/models";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createProgress", () => {
  it("writes plain lines on a timer when not a TTY, never per tick", async () => {
    const { stream, writes } = fakeStream(false);
    const p = createProgress(10, { stream, intervalMs: 30, label: "gen" });
    for (let i = 0; i < 4; i++) p.tick({ cached: i === 0, error: i === 1 });
    expect(writes).toEqual([]);
    await wait(80);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes[0]).toMatch(/^gen 4\/10 \(40%\) \d+(\.\d)?\/s cached=1 errors=1\n$/);
    p.tick();
    const before = writes.length;
    p.done();
    p.done();
    expect(writes.length).toBe(before + 1);
    expect(writes.at(-1)).toMatch(/^gen 5\/10 \(50%\) .* cached=1 errors=1\n$/);
    await wait(70);
    expect(writes.length).toBe(before + 1); // the timer stopped
  });

  it("redraws one line with \\r on a TTY, at most every 100 ms", async () => {
    const { stream, writes } = fakeStream(true);
    const p = createProgress(4, { stream });
    for (let i = 0; i < 1000; i++) p.tick();
    expect(writes).toEqual([]);
    await wait(150);
    expect(writes.length).toBe(1);
    expect(writes[0]).toMatch(/^\rprogress \[#+\] 1000\/4 100% /);
    p.done();
    expect(writes.at(-1)).toMatch(/^\r.*cached=0 errors=0 *\n$/);
  });

  it("shows ETA and percentage part way", async () => {
    const { stream, writes } = fakeStream(true);
    const p = createProgress(100, { stream });
    for (let i = 0; i < 25; i++) p.tick({ error: i < 2 });
    await wait(130);
    p.done();
    expect(writes[0]).toMatch(/^\rprogress \[#{6}-{18}\] 25\/100 25% [\d.]+\/s eta \d+s cached=0 errors=2/);
  });
});
