#!/usr/bin/env node
// The afw command. The library is TypeScript run through tsx, so there is no build step.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
