#!/usr/bin/env node
// The afw command. The library is TypeScript run through tsx, so there is no build step.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

process.env.AFW_ROOT ??= join(dirname(fileURLToPath(import.meta.url)), "..");
register();
const { main } = await import("../lib/cli/main.ts");
const code = await main(process.argv.slice(2));
// Open handles (a browser, tfjs) must not keep a finished command alive.
process.exit(code);
