import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

let cachedRoot: string | undefined;

/**
 * The af-workbook checkout: the nearest folder above the working directory
 * whose package.json is named "af-workbook". Works from the CLI, from tests
 * and from a notebook kernel (whose cwd is notebooks/). Lib code must not use
 * import.meta (tslab compiles it to CommonJS), hence this walk.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  const starts = [process.cwd(), process.env.AFW_ROOT ?? ""].filter(Boolean);
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const pkg = join(dir, "package.json");
      if (existsSync(pkg)) {
        try {
          if (JSON.parse(readFileSync(pkg, "utf8")).name === "af-workbook") return (cachedRoot = dir);
        } catch {
          /* not ours; keep walking */
        }
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error("cannot find the af-workbook folder above " + process.cwd() + "; run from inside the checkout or set AFW_ROOT");
}

/** A path inside the checkout. */
export function fromRoot(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
