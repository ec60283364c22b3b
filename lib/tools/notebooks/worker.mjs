// Entry of a notebook worker process. It loads the runner (TypeScript) through
// tsx, then switches tsx off before any cell runs, so notebook cells load the
// library exactly as the tslab kernel under Jupyter does: compiled by tslab,
// resolved by Node's own require (a folder import, for one, fails here as it
// would there).
import { register } from "tsx/esm/api";

const unregister = register();
globalThis.__afwBeforeCells = () => unregister();
await import("./child.ts");
