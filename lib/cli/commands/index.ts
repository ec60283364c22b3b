/**
 * The afw commands: one line each, its name, its one-line summary for
 * `afw --help`, and how to load it. A command is its file in this folder
 * (exporting `command`) plus its line here. Loading is lazy, so `afw --help`
 * and a command that needs little (scenario, serve) never load what the
 * others need (danfojs and tfjs take a second; the model client, Chromium).
 */
import type { Command } from "../command";

/** One command of the registry. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<{ command: Command }>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  batches: { summary: "the provider batches of a results folder: state, counts, age; --cancel", load: () => import("./batches") },
  demo: { summary: "the offline main job: runs, judges, report and every figure kind (what npm start runs)", load: () => import("./demo") },
  export: { summary: "write a results folder in another tool's format (inspect: an Inspect AI eval log)", load: () => import("./export") },
  figures: { summary: "write every figure that applies to a results folder (HTML, plus PNG/SVG with Chromium)", load: () => import("./figures") },
  finetune: { summary: "fine-tuning pipelines: build a recipe's training set, validate, train, status", load: () => import("./finetune") },
  import: { summary: "read another tool's files into a results folder (inspect: Inspect AI eval logs; osaf: open-source alignment-faking results)", load: () => import("./import") },
  judge: { summary: "add LLM-judge verdicts (compliance, partial, AF votes, motives) to a results folder", load: () => import("./judge") },
  notebooks: { summary: "execute the notebooks headless (Node only)", load: () => import("./notebooks") },
  paraphrase: { summary: "paraphrase sets: reword a scenario K times, run every wording, pool the gap over wordings", load: () => import("./paraphrase") },
  probe: { summary: "probe an endpoint: n, prefill, temperature, token limit, reasoning, error bodies (and what it cost)", load: () => import("./probe") },
  providers: { summary: "list the provider profiles (what each can do for these experiments)", load: () => import("./providers") },
  report: { summary: "rates by tier and the compliance gap with 95% CIs, plus figures", load: () => import("./report") },
  run: { summary: "generate samples against an endpoint or the offline organisms", load: () => import("./run") },
  scenario: { summary: "list, show or diff the scenario variants (the exact rendered prompts)", load: () => import("./scenario") },
  serve: { summary: "serve the simulated organisms on 127.0.0.1 (OpenAI-compatible)", load: () => import("./serve") },
  "validate-judge": { summary: "AUROC of the AF judge on a labelled set, against the number of votes, with figures", load: () => import("./validate-judge") },
  view: { summary: "read transcripts in the browser: table, transcript, tier comparison, labels (127.0.0.1 or --static)", load: () => import("./view") },
};
