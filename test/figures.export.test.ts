import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumAvailable, complianceByTier, createExporter, displayFigure, gapForest, htmlDocument, type DisplayData } from "../lib/figures";
import type { RateRow } from "../lib/schema";
import { AfwError } from "../lib/util/errors";
import { fromRoot } from "../lib/util/paths";

const rows: RateRow[] = [
  { model: "alpha", condition: "default", tier: "free", n: 50, complied: 12, rate: 0.24, ci_low: 0.14, ci_high: 0.36 },
  { model: "alpha", condition: "default", tier: "paid", n: 50, complied: 5, rate: 0.1, ci_low: 0.02, ci_high: 0.18 },
];
const fig = complianceByTier(rows);
const dir = mkdtempSync(join(tmpdir(), "afw-fig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const haveChromium = chromiumAvailable();
const required = process.env.AFW_REQUIRE_CHROMIUM === "1";
if (!haveChromium && !required) {
  console.warn("SKIPPING Chromium export tests: /usr/bin/chromium not found (apt-get install --no-install-recommends chromium; set AFW_REQUIRE_CHROMIUM=1 to fail instead)");
}

describe("HTML export (no browser)", () => {
  it("is self-contained", async () => {
    const ex = createExporter({ executablePath: "/nonexistent/chromium" });
    const [path] = await ex.export(fig, join(dir, "offline"), ["html"]);
    const html = readFileSync(path, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script src="http/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).toMatch(/Plotly\.newPlot/);
    expect(html).toContain("n=50");
    expect(html.length).toBeGreaterThan(1_000_000); // plotly is inlined
    expect(ex.launches).toBe(0);
    expect(htmlDocument(fig)).toBe(html);
  });
  it("PNG without Chromium is an AfwError with the install hint", async () => {
    const ex = createExporter({ executablePath: "/nonexistent/chromium" });
    const err = await ex.export(fig, join(dir, "nope"), ["png"]).catch((e) => e);
    expect(err).toBeInstanceOf(AfwError);
    expect(err.message).toContain("apt-get install --no-install-recommends chromium");
    expect(err.message.includes("\n")).toBe(false);
    expect(existsSync(join(dir, "nope.png"))).toBe(false);
  });
  it("displayFigure without Chromium sends plotly JSON + text and notes the skipped PNG", async () => {
    const prev = process.env.AFW_CHROMIUM;
    process.env.AFW_CHROMIUM = "/nonexistent/chromium";
    try {
      let got: DisplayData | undefined;
      await displayFigure(fig, { sink: (d) => (got = d) });
      expect(got).toBeDefined();
      expect(Object.keys(got!).sort()).toEqual(["application/vnd.plotly.v1+json", "text/plain"]);
      expect(String(got!["text/plain"])).toMatch(/PNG preview skipped.*apt-get install --no-install-recommends chromium/);
    } finally {
      if (prev === undefined) delete process.env.AFW_CHROMIUM;
      else process.env.AFW_CHROMIUM = prev;
    }
  });
});

describe("displayFigure inside a tslab kernel", () => {
  it("sends the bundle through tslab's lastWriteDisplayData hook", async () => {
    const jupyter = createRequire(fromRoot("x.js"))("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    const calls: Array<[any, boolean]> = [];
    const prevHook = jupyter.lastWriteDisplayData;
    const prevEnv = process.env.AFW_CHROMIUM;
    process.env.AFW_CHROMIUM = "/nonexistent/chromium";
    jupyter.lastWriteDisplayData = (msg: any, update: boolean) => calls.push([msg, update]);
    try {
      await displayFigure(fig);
    } finally {
      jupyter.lastWriteDisplayData = prevHook;
      if (prevEnv === undefined) delete process.env.AFW_CHROMIUM;
      else process.env.AFW_CHROMIUM = prevEnv;
    }
    expect(calls).toHaveLength(1);
    const [msg, update] = calls[0];
    expect(update).toBe(false);
    expect(msg.metadata).toEqual({});
    expect(msg.transient).toEqual({});
    expect(msg.data["application/vnd.plotly.v1+json"].layout.barmode).toBe("overlay");
    expect(typeof msg.data["text/plain"]).toBe("string");
  });
});

describe.skipIf(!haveChromium && !required)("static export via headless Chromium", () => {
  const ex = createExporter();
  afterAll(() => ex.close());

  it("writes a real PNG (signature, IHDR width at scale 2) and a real SVG", async () => {
    const paths = await ex.export(fig, join(dir, "compliance"), ["png", "svg"]);
    expect(paths).toEqual([join(dir, "compliance.png"), join(dir, "compliance.svg")]);
    const png = readFileSync(paths[0]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    const w = fig.layout.width as number;
    const h = fig.layout.height as number;
    expect(png.readUInt32BE(16)).toBe(2 * w); // CSS px × scale 2
    expect(png.readUInt32BE(20)).toBe(2 * h);
    const svg = readFileSync(paths[1], "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(`width="${w}"`);
    expect(svg).toContain("Compliance rate by tier");
  }, 60_000);

  it("reuses one browser for several figures", async () => {
    const before = ex.renders;
    const forest = gapForest([{ model: "alpha", condition: "default", gap: 0.14, ci_low: 0.02, ci_high: 0.26, n_pairs: 50, tiers: ["free", "paid"] }]);
    const t0 = performance.now();
    await ex.export(forest, join(dir, "forest"), ["png", "svg", "html"]);
    const b64 = await ex.toPngBase64({ ...fig, layout: { ...fig.layout, width: 300, height: 200 } });
    const elapsed = performance.now() - t0;
    expect(ex.launches).toBe(1);
    expect(ex.renders - before).toBe(3);
    expect(Buffer.from(b64, "base64").readUInt32BE(16)).toBe(600);
    expect(elapsed).toBeLessThan(15_000);
  }, 60_000);

  it("displayFigure sends one bundle with plotly JSON, PNG and text, and saves files", async () => {
    let got: DisplayData | undefined;
    const figDir = fromRoot("figures");
    const hadDir = existsSync(figDir);
    const name = `zz-test-${process.pid}`;
    try {
      await displayFigure(fig, { exporter: ex, sink: (d) => (got = d), save: join(figDir, name), relativeTo: fromRoot() });
      for (const ext of ["png", "svg", "html"]) expect(existsSync(join(figDir, `${name}.${ext}`))).toBe(true);
      expect(String(got!["text/plain"])).toContain(`saved: figures/${name}.png, figures/${name}.svg, figures/${name}.html`);
      expect(Object.keys(got!).sort()).toEqual(["application/vnd.plotly.v1+json", "image/png", "text/plain"]);
      const png = Buffer.from(String(got!["image/png"]), "base64");
      expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
      expect((got!["application/vnd.plotly.v1+json"] as any).data).toHaveLength(2);
      expect(String(got!["text/plain"])).toMatch(/^Compliance rate by tier/);
      expect(ex.launches).toBe(1);
    } finally {
      for (const ext of ["png", "svg", "html"]) rmSync(join(figDir, `${name}.${ext}`), { force: true });
      if (!hadDir && readdirSync(figDir).length === 0) rmdirSync(figDir);
    }
  }, 60_000);
});
