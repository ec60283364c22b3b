/** Shared checks for executed notebooks (nbformat 4 shape, optional real nbformat validation). */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { expect } from "vitest";
import { fromRoot } from "../lib/util/paths";

export const SMOKE = fromRoot("test/fixtures/notebooks/smoke.ipynb");
export const FAILING = fromRoot("test/fixtures/notebooks/failing.ipynb");

type Json = any; // executed notebooks are inspected field by field below

/** Joined text of a stream output or a textual MIME value. */
export function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v);
}

/** Structural nbformat 4 checks that need no Python. */
export function expectNbformatShape(nb: Json): void {
  expect(nb.nbformat).toBe(4);
  expect(typeof nb.nbformat_minor).toBe("number");
  expect(nb.metadata.kernelspec.name).toBe("tslab");
  expect(nb.metadata.language_info.name).toBe("typescript");
  for (const cell of nb.cells) {
    expect(["code", "markdown", "raw"]).toContain(cell.cell_type);
    if (cell.cell_type !== "code") {
      expect(cell).not.toHaveProperty("outputs");
      continue;
    }
    expect(Array.isArray(cell.outputs)).toBe(true);
    expect(cell.execution_count === null || Number.isInteger(cell.execution_count)).toBe(true);
    for (const o of cell.outputs) {
      if (o.output_type === "stream") {
        expect(["stdout", "stderr"]).toContain(o.name);
        expect(Array.isArray(o.text)).toBe(true);
      } else {
        expect(o.output_type).toBe("display_data");
        expect(typeof o.data).toBe("object");
        expect(typeof o.metadata).toBe("object");
        expect(o).not.toHaveProperty("transient");
      }
    }
  }
}

/**
 * Validate with Python's nbformat when Debian's Jupyter is installed; returns
 * false when it is not (the structural checks above still ran).
 */
export function validateWithNbformat(path: string): boolean {
  if (!existsSync("/usr/bin/python3")) return false;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import nbformat"], { stdio: "ignore" });
  } catch {
    return false;
  }
  // Throws (failing the test) with nbformat's message when the file is invalid.
  execFileSync(
    "/usr/bin/python3",
    ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return true;
}

/** What every correct execution of smoke.ipynb shows, whichever runner ran it. */
export function expectSmokeOutputs(nb: Json): void {
  const code = nb.cells.filter((c: Json) => c.cell_type === "code");
  expect(code).toHaveLength(4);
  for (const c of code) expect(c.outputs.length).toBeGreaterThan(0);

  const [lib, tla, display, last] = code;
  expect(text(lib.outputs[0].text)).toMatch(/^digest [0-9a-f]{12}\n$/);
  const streams = Object.fromEntries(tla.outputs.map((o: Json) => [o.name, text(o.text)]));
  expect(streams).toEqual({ stderr: "waited for the answer\n", stdout: "42\n" });

  const bundles = display.outputs.filter((o: Json) => o.output_type === "display_data");
  expect(bundles).toHaveLength(2);
  expect(bundles[0].data["application/vnd.plotly.v1+json"].data[0].y).toEqual([42, 7]);
  expect(Object.keys(bundles[1].data).sort()).toEqual(["application/json", "text/html", "text/plain"]);
  expect(text(bundles[1].data["text/html"])).toBe("<b>bundle</b>");
  expect(bundles[1].data["application/json"].digest).toBe(text(lib.outputs[0].text).slice(7, 19));
  expect(text(last.outputs[0].text)).toBe("answer=42\n");
}
