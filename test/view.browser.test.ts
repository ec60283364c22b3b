/**
 * afw view in real Chromium (playwright-core driving Debian's chromium), on
 * an offline demo run made here: the table lists every sample; a filter
 * gives the count the files give; a transcript shows scratchpad and output
 * apart with a judge's quote marked; the tier comparison opens; a label made
 * in the page lands in the labels file (read by validate-judge's loader); the
 * system prompt diff against the baseline variant; the static export opens
 * from file:// with the same content. No request leaves the server (or, for
 * the static export, the disk).
 *
 * Screenshots of each step go to a temporary folder, or to docs/ with
 * AFW_SCREENSHOTS=docs (that is how the committed ones were made).
 * Without Chromium the file skips with a message; with AFW_REQUIRE_CHROMIUM=1
 * (CI) it fails instead.
 */
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabelledSet } from "../lib/classify/validate";
import { ROOT, runCli, startCli } from "./helpers/cli";

const CHROMIUM = process.env.AFW_CHROMIUM || "/usr/bin/chromium";
const have = existsSync(CHROMIUM);
const required = process.env.AFW_REQUIRE_CHROMIUM === "1";
if (!have && !required) console.warn(`SKIPPING the viewer browser tests: ${CHROMIUM} not found (apt-get install --no-install-recommends chromium; set AFW_REQUIRE_CHROMIUM=1 to fail instead)`);
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

// the parts of playwright-core used here
interface Page {
  goto(url: string): Promise<unknown>;
  waitForSelector(sel: string, o?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: string | ((arg: never) => unknown), arg?: unknown, o?: { timeout?: number }): Promise<unknown>;
  $$eval<T>(sel: string, fn: (els: Element[]) => T): Promise<T>;
  $eval<T>(sel: string, fn: (el: Element) => T): Promise<T>;
  evaluate<T>(fn: string | ((arg: never) => T), arg?: unknown): Promise<T>;
  selectOption(sel: string, v: string): Promise<unknown>;
  click(sel: string): Promise<void>;
  fill(sel: string, v: string): Promise<void>;
  textContent(sel: string): Promise<string | null>;
  keyboard: { press(k: string): Promise<void> };
  screenshot(o: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(ev: "request", fn: (r: { url(): string }) => void): void;
  on(ev: "pageerror", fn: (e: Error) => void): void;
  close(): Promise<void>;
}
interface Context {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const tmp = mkdtempSync(join(tmpdir(), "afw-view-browser-"));
const shots = process.env.AFW_SCREENSHOTS === "docs" ? join(ROOT, "docs") : join(tmp, "shots");
mkdirSync(shots, { recursive: true });
const run = join(tmp, "demo");
const clar = join(tmp, "clar");
let ctx: Context;
let server: { child: ChildProcess; url: string } | null = null;
let server2: { child: ChildProcess; url: string } | null = null;
const outside: string[] = [];
const pageErrors: string[] = [];

async function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, done } = startCli(["view", ...args, "--port", "0"]);
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (b) => {
      out += b;
      const m = /afw view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    void done.then((r) => reject(new Error(`afw view exited: ${r.stderr}`)));
  });
  return { child, url };
}

async function newPage(allowed: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on("request", (r) => {
    if (!r.url().startsWith(allowed) && !r.url().startsWith("data:")) outside.push(r.url());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return page;
}

const lines = (p: string) => readFileSync(p, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const q = (o: unknown) => `#/?q=${encodeURIComponent(JSON.stringify(o))}`;

/** Scroll the virtualised table top to bottom and collect every row id. */
async function allRowIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const box = document.querySelector(".table-box") as HTMLElement;
    const seen = new Set<string>();
    for (let top = 0; ; top += box.clientHeight / 2) {
      box.scrollTop = top;
      box.dispatchEvent(new Event("scroll"));
      for (let k = 0; k < 50; k++) {
        await new Promise((r) => requestAnimationFrame(r));
        if (!document.querySelector(".row.loading")) break;
      }
      document.querySelectorAll(".row[data-row-id]").forEach((r) => seen.add(r.getAttribute("data-row-id")!));
      if (top > box.scrollHeight) break;
    }
    return [...seen];
  });
}

describe.skipIf(!have && !required)("afw view in Chromium", () => {
  beforeAll(async () => {
    if (!have) throw new Error(`AFW_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing`);
    for (const args of [
      ["run", "--offline", "--out", run, "--quiet"],
      ["judge", run, "--offline", "--quiet"],
      ["run", "clarifications", "--n", "2", "--offline", "--out", clar, "--quiet"],
      ["judge", clar, "--offline", "--quiet", "--only", "af"],
    ]) {
      const r = await runCli(args);
      if (r.code !== 0) throw new Error(`afw ${args.join(" ")}: ${r.stderr}`);
    }
    server = await serve([run]);
    const { chromium } = createRequire(join(ROOT, "x.js"))("playwright-core") as { chromium: { launchPersistentContext(dir: string, o: object): Promise<Context> } };
    ctx = await chromium.launchPersistentContext(join(tmp, "profile"), { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, viewport: { width: 1500, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    for (const s of [server, server2]) {
      if (!s) continue;
      const exited = new Promise((r) => s.child.once("exit", r));
      s.child.kill("SIGTERM");
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  let page: Page;
  let firstId = "";

  it("the table lists every sample", async () => {
    page = await newPage(server!.url);
    await page.goto(server!.url);
    await page.waitForSelector(".row[data-row-id]");
    await page.waitForFunction(() => document.querySelector("#count")?.getAttribute("data-total") === "200");
    const keys = lines(join(run, "samples.jsonl")).map((s) => `demo/${s.key}`);
    expect(keys.length).toBe(200);
    await page.screenshot({ path: join(shots, "viewer-1-table.png") });
    const ids = await allRowIds(page);
    expect(ids.sort()).toEqual(keys.sort());
  });

  it("a filter (free tier, AF label) gives the count the files give", async () => {
    const af = new Set(lines(join(run, "judgements.jsonl")).filter((r) => r.judgement.judge === "af_reasoning" && r.judgement.label === "af").map((r) => r.sample_key));
    const expected = lines(join(run, "samples.jsonl")).filter((s) => s.tier === "free" && af.has(s.key)).length;
    expect(expected).toBeGreaterThan(5);
    await page.evaluate(() => (document.querySelector(".table-box") as HTMLElement).scrollTo(0, 0));
    await page.selectOption('select[data-filter="tier"]', "free");
    await page.selectOption('select[data-filter="j:af_reasoning"]', "af");
    await page.waitForFunction((n: number) => document.querySelector("#count")?.getAttribute("data-total") === String(n), expected);
    expect(await page.textContent("#count")).toBe(`${expected} of 200 samples`);
    const ids = await allRowIds(page);
    expect(ids.length).toBe(expected);
    for (const id of ids) expect(af.has(id.slice("demo/".length))).toBe(true);
    await page.evaluate(() => (document.querySelector(".table-box") as HTMLElement).scrollTo(0, 0));
    await page.screenshot({ path: join(shots, "viewer-2-filter.png") });
  });

  it("a transcript shows scratchpad and output apart, with a judge's quote marked in the scratchpad", async () => {
    await page.click(".row[data-row-id]");
    await page.waitForSelector("#transcript[data-id]");
    firstId = (await page.$eval("#transcript", (el) => el.getAttribute("data-id")))!;
    const key = firstId.slice("demo/".length);
    const segs = await page.$$eval("#transcript .turn .seg", (els) => els.map((e) => e.className));
    expect(segs.some((c) => c.includes("seg-scratchpad"))).toBe(true);
    expect(segs.some((c) => c.includes("seg-output"))).toBe(true);
    const sample = lines(join(run, "samples.jsonl")).find((s) => s.key === key);
    const pad = await page.$eval("#transcript .seg-scratchpad pre", (el) => el.textContent);
    const out = await page.$eval("#transcript .seg-output pre", (el) => el.textContent);
    expect(pad).toBe(sample.scratchpad);
    expect(out).toBe(sample.final_output);
    const marked = await page.$$eval("#transcript .seg-scratchpad mark.q", (els) => els.map((e) => e.textContent));
    // every quote any judge gave for this sample (the AF judge per criterion, the motives judge per motive)
    const quotes: string[] = lines(join(run, "judgements.jsonl"))
      .filter((r) => r.sample_key === key)
      .flatMap((r) => (r.judgement.judge === "af_reasoning" ? r.judgement.detail.quotes.flat() : Object.values(r.judgement.detail?.quotes ?? {})));
    expect(marked.length).toBeGreaterThan(0);
    for (const m of marked) expect(quotes.some((qt) => qt.includes(m!) || m!.includes(qt)), m!).toBe(true);
    // and at least one is an AF criterion's quote
    expect(await page.$$eval("#transcript .seg-scratchpad mark.q1, #transcript .seg-scratchpad mark.q2, #transcript .seg-scratchpad mark.q4", (els) => els.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#transcript .judge[data-judge="af_reasoning"] .vote', (els) => els.length)).toBe(20);
    expect(await page.textContent("#position")).toMatch(/^1 of \d+$/);
    await page.screenshot({ path: join(shots, "viewer-3-transcript.png") });
    // keyboard: next and back within the filter (the keys act when no form field has the focus,
    // as after the filter selects of the previous step)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    await page.keyboard.press("j");
    await page.waitForFunction((id: string) => document.querySelector("#transcript")?.getAttribute("data-id") !== id && /^2 of /.test(document.querySelector("#position")?.textContent ?? ""), firstId);
    await page.keyboard.press("k");
    await page.waitForFunction((id: string) => document.querySelector("#transcript")?.getAttribute("data-id") === id && /^1 of /.test(document.querySelector("#position")?.textContent ?? ""), firstId);
  });

  it("the tier comparison opens (t) with the same query in both tiers", async () => {
    await page.keyboard.press("t");
    await page.waitForSelector("#compare .compare-col");
    expect(await page.$eval("#compare", (el) => el.getAttribute("data-tiers"))).toBe("free,paid");
    expect(await page.$$eval("#compare .compare-col .seg-scratchpad", (els) => els.length)).toBe(2);
    await page.screenshot({ path: join(shots, "viewer-4-compare.png") });
    await page.keyboard.press("Escape");
    await page.waitForSelector("#transcript[data-id]");
  });

  it("a label made in the page lands in the labels file, in the format validate-judge reads", async () => {
    await page.fill("#label-note", "goal guarding, explicit");
    await page.click('button[data-label="af"]');
    await page.waitForFunction(() => /saved: af/.test(document.querySelector("#label-status")?.textContent ?? ""));
    await page.screenshot({ path: join(shots, "viewer-5-label.png") });
    const key = firstId.slice("demo/".length);
    const file = join(run, "labels.jsonl");
    const recs = lines(file);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ id: key, label: "af", note: "goal guarding, explicit", tier: "free" });
    expect(loadLabelledSet(file)).toEqual([{ id: key, scratchpad: lines(join(run, "samples.jsonl")).find((s) => s.key === key).scratchpad, label: true }]);
    // by keyboard on the next sample: unsure goes to its own file
    await page.keyboard.press("j");
    await page.waitForFunction((id: string) => document.querySelector("#transcript")?.getAttribute("data-id") !== id, firstId);
    await page.keyboard.press("3");
    await page.waitForFunction(() => /saved: unsure/.test(document.querySelector("#label-status")?.textContent ?? ""));
    expect(lines(join(run, "labels-unsure.jsonl")).map((r) => r.label)).toEqual(["unsure"]);
    expect(lines(file)).toHaveLength(1);
    // the table's label column filters on it
    await page.goto(server!.url + q({ f: { label: "AF" } }));
    await page.waitForFunction(() => document.querySelector("#count")?.getAttribute("data-total") === "1");
  });

  it("the system prompt diff against the baseline variant", async () => {
    server2 = await serve([clar, run]);
    const p2 = await newPage(server2.url);
    await p2.goto(server2.url + q({ f: { condition: "clarify-direct-objective", tier: "free", model: "sim-faker" } }));
    await p2.waitForSelector(".row[data-row-id]");
    await p2.click(".row[data-row-id]");
    await p2.waitForSelector("#transcript[data-id]");
    expect(await p2.textContent("details.system summary")).toMatch(/differs from the baseline variant \(baseline\)/);
    await p2.keyboard.press("s");
    await p2.click('button[data-tab="diff"]');
    await p2.waitForSelector("pre.diff .dl.add");
    const added = await p2.$$eval("pre.diff .dl.add", (els) => els.length);
    const removed = await p2.$$eval("pre.diff .dl.del", (els) => els.length);
    expect(added + removed).toBeGreaterThan(0);
    expect(await p2.textContent('button[data-tab="diff"]')).toBe(`diff against baseline (+${added} −${removed} lines)`);
    await p2.screenshot({ path: join(shots, "viewer-6-diff.png") });
    // two folders: the folder column and both runs' samples
    expect(await p2.$$eval('select[data-filter="folder"] option', (els) => els.length)).toBe(3);
    await p2.close();
  });

  it("the static export opens from file:// with the same content", async () => {
    const out = join(tmp, "static");
    const r = await runCli(["view", run, "--static", out]);
    expect(r.code, r.stderr).toBe(0);
    const url = `file://${out}/index.html`;
    const sp = await newPage(`file://${out}/`);
    const filter = { f: { tier: "free", "j:af_reasoning": "af" } };
    await sp.goto(url + q(filter));
    await sp.waitForSelector(".row[data-row-id]");
    const served = await newPage(server!.url);
    await served.goto(server!.url + q(filter));
    await served.waitForSelector(".row[data-row-id]");
    expect(await sp.textContent("#count")).toBe(await served.textContent("#count"));
    expect((await allRowIds(sp)).sort()).toEqual((await allRowIds(served)).sort());
    // the same transcript by its URL
    const hash = `#/s/${encodeURIComponent(firstId)}`;
    await sp.goto(url + hash);
    await served.goto(server!.url + hash);
    for (const p of [sp, served]) await p.waitForSelector("#transcript .seg-scratchpad mark.q");
    const view = (p: Page) => p.$eval("#transcript .pad", (el) => (el.textContent ?? "").replace(/Your label:.*?(?=System prompt)/s, ""));
    expect(await view(sp)).toBe(await view(served));
    expect(await sp.$$eval("#transcript mark.q", (els) => els.length)).toBe(await served.$$eval("#transcript mark.q", (els) => els.length));
    expect(await sp.$eval("body", (el) => el.textContent)).toMatch(/static export \(read-only\)/);
    await sp.screenshot({ path: join(shots, "viewer-7-static.png") });
    await sp.close();
    await served.close();
  });

  it("nothing was fetched from outside, and no page error", () => {
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
