import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listNotebooks, runNotebooksInSubprocesses, selectNotebooks } from "../lib/tools/notebooks";
import { projectRoot } from "../lib/util/paths";
import { AfwError } from "../lib/util/errors";
import { FAILING, SMOKE } from "./notebooks.shape";

const tmp = mkdtempSync(join(tmpdir(), "afw-nbcli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("listNotebooks / selectNotebooks", () => {
  it("lists *.ipynb sorted and selects by exact name, then by prefix", () => {
    const dir = join(tmp, "nbs");
    mkdirSync(dir);
    for (const f of ["10_b.ipynb", "00_a.ipynb", "01_a.ipynb", "notes.md", "01_a.ipynb.bak"]) writeFileSync(join(dir, f), "{}");
    const all = listNotebooks(dir);
    expect(all.map((p) => p.slice(dir.length + 1))).toEqual(["00_a.ipynb", "01_a.ipynb", "10_b.ipynb"]);
    expect(selectNotebooks(all, "01_a.ipynb")).toEqual([join(dir, "01_a.ipynb")]);
    expect(selectNotebooks(all, "0")).toEqual([join(dir, "00_a.ipynb"), join(dir, "01_a.ipynb")]);
    expect(selectNotebooks(all)).toEqual(all);
    expect(() => selectNotebooks(all, "99")).toThrow(AfwError);
    expect(() => selectNotebooks(all, "99")).toThrow(/available: 00_a, 01_a, 10_b/);
    expect(listNotebooks(join(tmp, "missing"))).toEqual([]);
  });
});

describe("runNotebooksInSubprocesses", () => {
  it("runs each notebook in a child, prints ok / FAIL with the cell, exits non-zero, and --check writes nothing", async () => {
    const smokeBefore = readFileSync(SMOKE, "utf8");
    const failingBefore = readFileSync(FAILING, "utf8");
    const lines: string[] = [];

    const code = await runNotebooksInSubprocesses([SMOKE, FAILING], { root: projectRoot(), check: true, print: (l) => lines.push(l) });

    const out = lines.join("\n");
    expect(code).toBe(1);
    expect(out).toMatch(/^ok   smoke    \d+\.\ds$/m);
    expect(out).toMatch(/^FAIL failing  cell 3: 1:7 - Type 'string' is not assignable to type 'number'\.$/m);
    expect(out).toContain('    const s: number = "not a number";'); // the failing cell's source
    expect(out).toMatch(/1 ok, 1 failed/);
    expect(readFileSync(SMOKE, "utf8")).toBe(smokeBefore);
    expect(readFileSync(FAILING, "utf8")).toBe(failingBefore);
  }, 180_000);

  it("reports a notebook that cannot be read without crashing", async () => {
    const bad = join(tmp, "broken.ipynb");
    writeFileSync(bad, "{ not json");
    const lines: string[] = [];
    const code = await runNotebooksInSubprocesses([bad], { root: projectRoot(), print: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^FAIL broken  cannot read notebook .*broken\.ipynb/);
  });
});
