/**
 * tslab compiles the library itself when a notebook imports it, with its own
 * TypeScript 5.0.4 and its own options: no `strict` (so no strictNullChecks,
 * where `if (x.ok)` does not narrow a union), declarations emitted for every
 * file (so an exported function whose type cannot be named fails), Node10
 * resolution. A file that fails there blocks the notebook's first cell. This
 * checks what the notebooks import with exactly those options; the strict
 * check in typecheck.test.ts does not catch either kind of error.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromRoot } from "../lib/util/paths";

const tmp = mkdtempSync(join(tmpdir(), "afw-tslab-types-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the library under tslab's compiler options", () => {
  it("what the notebooks import type-checks and emits declarations with TS 5.0.4, non-strict", () => {
    const config = {
      compilerOptions: {
        // converter.js createWatchCompilerHost options of tslab 1.0.22
        module: "esnext",
        moduleResolution: "node10",
        esModuleInterop: true,
        target: "es2022",
        lib: ["es2022"],
        declaration: true,
        emitDeclarationOnly: true,
        outDir: join(tmp, "out"),
        experimentalDecorators: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        typeRoots: [fromRoot("node_modules", "@types")],
        types: ["node"],
      },
      files: ["lib/index.ts", "lib/notebooks/workbook.ts", "lib/organisms/judge-labels.ts", "lib/figures/export.ts"].map((f) => fromRoot(f)),
    };
    const project = join(tmp, "tsconfig.json");
    writeFileSync(project, JSON.stringify(config));
    let out = "";
    try {
      execFileSync(process.execPath, [fromRoot("node_modules", "@tslab", "typescript-for-tslab", "bin", "tsc"), "-p", project], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      out = (err.stdout ?? "") + (err.stderr ?? "") || "tsc failed";
    }
    expect(out).toBe("");
  }, 60_000);
});
