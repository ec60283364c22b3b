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
