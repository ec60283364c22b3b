import { intFlag, parseFlags } from "../args";
import type { Command } from "../command";
import { listNotebooks, runNotebooksInSubprocesses } from "../../tools/notebooks/index";
import { fromRoot, projectRoot } from "../../util/paths";

const HELP = `afw notebooks — execute the notebooks headless, with the Node-only runner

  --only NAME   run one notebook (e.g. 00_quickstart)
  --check       execute into a temporary copy; leave the notebooks unchanged
  --jobs N      worker processes running notebooks at once (default 2, or
                AFW_NOTEBOOK_JOBS); each type-checks the library once

Outputs (streams, figure bundles with PNG fallbacks) are written back into the
notebooks. On failure it prints the failing cell and its error and exits 1.`;

const FLAGS = {
  only: { type: "string" },
  check: { type: "boolean" },
  jobs: { type: "string" },
} as const;

export const command: Command = {
  summary: "execute the notebooks headless (Node only)",
  help: HELP,
  async run(argv) {
    const { values: v } = parseFlags("notebooks", argv, FLAGS);
    const jobs = v.jobs === undefined ? undefined : intFlag("notebooks", "jobs", v.jobs, 2, 1, 16);
    return runNotebooksInSubprocesses(listNotebooks(fromRoot("notebooks")), { root: projectRoot(), only: v.only, check: !!v.check, jobs });
  },
};
