/**
 * The Node-only runner must load a notebook's library the way the tslab
 * kernel does under Jupyter: through tslab and Node's own require, without
 * the tsx hooks the runner itself is loaded with. A folder import
 * ("./sub" for "./sub/index"), which the kernel cannot resolve, must fail
 * here too.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNotebooksInSubprocesses } from "../lib/tools/notebooks/index";
import { fromRoot } from "../lib/util/paths";

function notebook(dir: string, source: string): string {
  const path = join(dir, "t.ipynb");
  const cell = { cell_type: "code", metadata: {}, execution_count: null, outputs: [], source };
  writeFileSync(path, JSON.stringify({ cells: [cell], metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } }, nbformat: 4, nbformat_minor: 5 }));
  return path;
}

describe("the Node runner is faithful to the kernel", () => {
  it("fails on a folder import, passes with an explicit index", async () => {
    const root = mkdtempSync(join(tmpdir(), "afw-faithful-"));
    mkdirSync(join(root, "lib", "sub"), { recursive: true });
    mkdirSync(join(root, "nb"));
    writeFileSync(join(root, "lib", "sub", "index.ts"), "export const x = 41;\n");
    writeFileSync(join(root, "lib", "bad.ts"), 'export * from "./sub";\n');
    writeFileSync(join(root, "lib", "good.ts"), 'export * from "./sub/index";\n');
    symlinkSync("../lib", join(root, "nb", "lib"));
    const lines: string[] = [];
    const print = (l: string) => void lines.push(l);
    const bad = await runNotebooksInSubprocesses([notebook(join(root, "nb"), 'import { x } from "./lib/bad";\nconsole.log(x + 1);')], { root: fromRoot(), check: true, print });
    expect(bad).toBe(1);
    expect(lines.join("\n")).toMatch(/Cannot find module '\.\/sub'/);
    lines.length = 0;
    const good = await runNotebooksInSubprocesses([notebook(join(root, "nb"), 'import { x } from "./lib/good";\nconsole.log(x + 1);')], { root: fromRoot(), check: true, print });
    expect(good, lines.join("\n")).toBe(0);
  }, 120_000);
});
