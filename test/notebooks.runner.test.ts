import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runNotebook } from "../lib/tools/notebooks";
import { FAILING, SMOKE, expectNbformatShape, expectSmokeOutputs, text, validateWithNbformat } from "./notebooks.shape";

const tmp = mkdtempSync(join(tmpdir(), "afw-nbtest-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("runNotebook (in-process tslab)", () => {
  it("executes smoke.ipynb into outPath with streams, display bundles and execution counts", async () => {
    const before = readFileSync(SMOKE, "utf8");
    const cwd = process.cwd();
    const out = join(tmp, "smoke.out.ipynb");

    const r = await runNotebook(SMOKE, { outPath: out });

    expect(r).toMatchObject({ ok: true, cells: 4 });
    expect(r.failedCell).toBeUndefined();
    expect(r.seconds).toBeGreaterThan(0);
    expect(process.cwd()).toBe(cwd); // chdir is undone
    expect(readFileSync(SMOKE, "utf8")).toBe(before); // source untouched when outPath is given

    const nb = JSON.parse(readFileSync(out, "utf8"));
    expectNbformatShape(nb);
    expectSmokeOutputs(nb);
    const counts = nb.cells.filter((c: any) => c.cell_type === "code").map((c: any) => c.execution_count);
    expect(counts).toEqual([1, 2, 3, 4]);
    expect(nb.cells[0].cell_type).toBe("markdown");
    expect(nb.cells.map((c: any) => c.id)).toEqual(["intro", "lib-import", "tla", "display", "last"]);
    validateWithNbformat(out);
  }, 120_000);

  it("stops at a type error, reports the cell and its stderr, and leaves the notebook alone", async () => {
    // Run a copy in place (no outPath): a failing run must not rewrite it.
    const copy = join(tmp, "failing.ipynb");
    copyFileSync(FAILING, copy);
    const before = readFileSync(copy, "utf8");

    const r = await runNotebook(copy);

    expect(r.ok).toBe(false);
    expect(r.cells).toBe(2);
    expect(r.failedCell?.index).toBe(2);
    expect(r.failedCell?.source).toContain('const s: number = "not a number";');
    expect(r.failedCell?.error).toBe("1:7 - Type 'string' is not assignable to type 'number'.");
    expect(readFileSync(copy, "utf8")).toBe(before);
  });

  it("writes a failing run's partial outputs when outPath is given", async () => {
    const out = join(tmp, "failing.out.ipynb");
    const r = await runNotebook(FAILING, { outPath: out });
    expect(r.ok).toBe(false);
    const nb = JSON.parse(readFileSync(out, "utf8"));
    expectNbformatShape(nb);
    const [first, bad, never] = nb.cells.filter((c: any) => c.cell_type === "code");
    expect(text(first.outputs[0].text)).toBe("first cell ran 1\n");
    expect(bad.outputs).toEqual([{ output_type: "stream", name: "stderr", text: ["1:7 - Type 'string' is not assignable to type 'number'.\n"] }]);
    expect(bad.execution_count).toBe(2);
    expect(never).toMatchObject({ outputs: [], execution_count: null });
    validateWithNbformat(out);
  });
});
