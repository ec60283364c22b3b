import { resolve } from "node:path";
import { ViewModel } from "../../view/model";
import { startViewServer } from "../../view/server";
import { writeStaticSite } from "../../view/static";
import { AfwError } from "../../util/errors";
import { projectRoot } from "../../util/paths";
import { intFlag, parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw view DIR… — read the transcripts of results folders in the browser

  --port N         port on 127.0.0.1; default 7577 (0 picks a free one)
  --static OUT     instead of serving, write the viewer as files into the
                   folder OUT; open OUT/index.html from disk (read-only)

The page: a table of every sample (model, condition and its factors, tier,
query, acceptance by tags, each judge's label and score, motive, provider
outcome, tokens, your label), sorted and filtered on any column, with a
search over the transcripts; a transcript pane (system prompt with its hash
and a diff against the baseline variant, user turn, each scratchpad apart
from the output, the judges' votes, per-criterion shares and quotes marked
in the text); the same query in every tier side by side; keyboard
navigation (press ? in the page). Nothing is loaded from the network.

Labels you give (AF / not AF / unsure, with a note) are written to
DIR/labels.jsonl, which afw validate-judge reads (unsure ones to
DIR/labels-unsure.jsonl). Stop the server with Ctrl-C.`;

const FLAGS = {
  port: { type: "string" },
  static: { type: "string" },
} as const;

async function viewCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v, positionals: dirs } = parseFlags("view", argv, FLAGS, Number.MAX_SAFE_INTEGER);
  if (!dirs.length) throw new AfwError("afw view: name at least one results folder (afw view DIR…)");
  const port = intFlag("view", "port", v.port, 7577, 0, 65535);
  if (v.static !== undefined && !v.static.trim()) throw new AfwError("afw view: --static needs a folder");
  const t0 = Date.now();
  const model = await ViewModel.open(dirs.map((d) => resolve(d)), { labels: v.static === undefined });
  const loaded = `${model.size} samples from ${dirs.length} folder${dirs.length > 1 ? "s" : ""} in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  if (v.static !== undefined) {
    const w = writeStaticSite(model, v.static, projectRoot());
    out(`afw view: wrote ${resolve(v.static, "index.html")} (${w.files} files, ${(w.bytes / 1024 / 1024).toFixed(1)} MiB; ${loaded}); open it in a browser, no server needed`);
    return 0;
  }
  const server = await startViewServer(model, { port, root: projectRoot() });
  out(`afw view: ${server.url}  (${loaded}; Ctrl-C to stop)`);
  await new Promise<void>((done) => {
    process.once("SIGINT", () => done());
    process.once("SIGTERM", () => done());
  });
  await server.close();
  log("afw view: stopped");
  return 0;
}

export const command: Command = {
  summary: "read transcripts in the browser: table, transcript, tier comparison, labels (127.0.0.1 or --static)",
  help: HELP,
  run: (argv, io) => viewCommand(argv, io.out, io.log),
};
