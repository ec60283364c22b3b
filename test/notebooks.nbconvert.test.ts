import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { fromRoot } from "../lib/util/paths";
import { SMOKE, expectNbformatShape, expectSmokeOutputs, validateWithNbformat } from "./notebooks.shape";

const JUPYTER = "/usr/bin/jupyter";
const hasJupyter = existsSync(JUPYTER);
// On CI a missing Jupyter is a failure, not a skip.
const run = hasJupyter || !!process.env.CI;
const tmp = mkdtempSync(join(tmpdir(), "afw-nbconv-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("real Jupyter with the committed kernelspec", () => {
  it("jupyter/kernels/tslab/kernel.json starts tslab from node_modules", () => {
    const spec = JSON.parse(readFileSync(fromRoot("jupyter/kernels/tslab/kernel.json"), "utf8"));
    expect(spec.argv[0]).toBe("node");
    expect(spec.argv[1]).toBe("{resource_dir}/../../../node_modules/tslab/bin/tslab");
    expect(existsSync(spec.argv[1].replace("{resource_dir}", fromRoot("jupyter/kernels/tslab")))).toBe(true);
    expect(spec.language).toBe("typescript");
  });

  it.skipIf(!run)(`nbconvert executes smoke.ipynb${hasJupyter ? "" : " (SKIPPED: /usr/bin/jupyter not installed)"}`, async () => {
    expect(hasJupyter, "/usr/bin/jupyter is required when CI is set").toBe(true);
    await promisify(execFile)(
      JUPYTER,
      ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120",
        "--ExecutePreprocessor.kernel_name=tslab", "--output-dir", tmp, SMOKE],
      { cwd: fromRoot(), env: { ...process.env, JUPYTER_PATH: fromRoot("jupyter") } },
    );
    const out = join(tmp, "smoke.ipynb");
    const nb = JSON.parse(readFileSync(out, "utf8"));
    expectNbformatShape(nb);
    expectSmokeOutputs(nb); // same outputs as the Node-only runner
    expect(validateWithNbformat(out)).toBe(true);
  }, 120_000);
});
