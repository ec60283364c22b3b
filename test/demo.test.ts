/**
 * The offline main job (npm start = afw demo) end to end, into temporary
 * folders: every figure kind a–i is written as PNG and SVG, and each file is
 * opened and checked for its format and a plausible size.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/cli";

const chromium = existsSync(process.env.AFW_CHROMIUM ?? "/usr/bin/chromium");
const required = process.env.AFW_REQUIRE_CHROMIUM === "1";

describe.skipIf(!chromium && !required)(chromium ? "afw demo (npm start)" : "afw demo (npm start) — SKIPPED: no Chromium for PNG/SVG", () => {
  it("runs, judges, reports and writes every figure kind a–i as PNG and SVG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "afw-demo-"));
    const figs = join(dir, "figures");
    const r = await runCli(["demo", "--out", join(dir, "runs"), "--figures-dir", figs, "--quiet"]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    // the report: rates, gaps and the four judges
    for (const heading of ["Compliance by tier", "Compliance gap, paired", "tags vs judge", "Partial compliance", "Alignment-faking reasoning", "Motives of compliant or AF scratchpads"]) {
      expect(r.stdout).toContain(heading);
    }
    const files = readdirSync(figs);
    for (const kind of ["a", "b", "c", "d", "e", "f", "g", "h", "i"]) {
      const mine = files.filter((f) => new RegExp(`(^|-)${kind}_`).test(f));
      const png = mine.filter((f) => f.endsWith(".png"));
      const svg = mine.filter((f) => f.endsWith(".svg"));
      expect(png.length, `kind ${kind} PNG in ${files.join(", ")}`).toBeGreaterThan(0);
      expect(svg.length, `kind ${kind} SVG`).toBeGreaterThan(0);
      for (const f of png) {
        const b = readFileSync(join(figs, f));
        expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), f).toBe(true);
        expect(b.readUInt32BE(16), `${f} width`).toBeGreaterThanOrEqual(800);
        expect(statSync(join(figs, f)).size, f).toBeGreaterThan(20_000);
      }
      for (const f of svg) {
        const t = readFileSync(join(figs, f), "utf8");
        expect(t.startsWith("<svg"), f).toBe(true);
        expect(t.trimEnd().endsWith("</svg>"), f).toBe(true);
        expect(t.length, f).toBeGreaterThan(5_000);
      }
    }
  }, 300_000);
});
