/**
 * npm run bench: every bench/*.bench.ts in turn, each in its own process so
 * one's warm-up or memory does not colour another's numbers.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = join(process.cwd(), "bench");
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", join(dir, f)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
  console.log(`(${f}: ${((Date.now() - t0) / 1000).toFixed(1)} s${r.status === 0 ? "" : `, exit ${r.status}`})`);
}
process.exit(failed ? 1 : 0);
