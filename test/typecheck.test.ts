/**
 * The library must compile under TypeScript 7 (the project's compiler) and
 * under tslab's bundled TypeScript 5.0.4 with CommonJS / Node10 resolution,
 * because notebooks compile lib/ themselves. A failure here means a notebook
 * cell importing ./lib/index would fail.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { ROOT } from "./helpers/cli";

function tsc(bin: string, project: string): string {
  try {
    execFileSync(process.execPath, [bin, "-p", project], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return (err.stdout ?? "") + (err.stderr ?? "") || "tsc failed";
  }
}

describe("typecheck", () => {
  it("compiles with TypeScript 7", () => {
    expect(tsc("node_modules/typescript/bin/tsc", ".")).toBe("");
  });
  it("compiles with tslab's TypeScript 5.0.4 (CommonJS, Node10)", () => {
    expect(tsc("node_modules/@tslab/typescript-for-tslab/bin/tsc", "tsconfig.tslab.json")).toBe("");
  });
});

describe("imports tslab can load", () => {
  it("no relative import in lib/ names a folder (tslab's kernel does not resolve ./dir to ./dir/index)", async () => {
    const { readdirSync, readFileSync, existsSync, statSync } = await import("node:fs");
    const { join, dirname, resolve } = await import("node:path");
    const bad: string[] = [];
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith(".ts") ? [join(d, f)] : []));
    for (const file of walk(join(ROOT, "lib"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']*)["']/g)) {
        const target = resolve(dirname(file), m[1]);
        if (!existsSync(target + ".ts") && existsSync(join(target, "index.ts"))) bad.push(`${file.slice(ROOT.length + 1)}: "${m[1]}"`);
      }
    }
    expect(bad).toEqual([]);
  });
});
