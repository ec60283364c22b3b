import { parseFlags } from "./args";
import { notebooksCommand } from "../notebooks";

export const NOTEBOOKS_HELP = `afw notebooks — execute the notebooks headless, with the Node-only runner

  --only NAME   run one notebook (e.g. 00_quickstart)
  --check       execute into a temporary copy; leave the notebooks unchanged

Outputs (streams, figure bundles with PNG fallbacks) are written back into the
notebooks. On failure it prints the failing cell and its error and exits 1.`;

const FLAGS = {
  only: { type: "string" },
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function notebooksCommandCli(argv: string[], _log: (s: string) => void): Promise<number | "help"> {
  const { values: v } = parseFlags("notebooks", argv, FLAGS);
  if (v.help) return "help";
  return notebooksCommand({ only: v.only, check: !!v.check });
}
