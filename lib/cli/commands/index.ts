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
  demo: { summary: "the offline main job: runs, judges, report and every figure kind (what npm start runs)", load: () => import("./demo") },
  figures: { summary: "write every figure that applies to a results folder (HTML, plus PNG/SVG with Chromium)", load: () => import("./figures") },
  judge: { summary: "add LLM-judge verdicts (compliance, partial, AF votes, motives) to a results folder", load: () => import("./judge") },
  notebooks: { summary: "execute the notebooks headless (Node only)", load: () => import("./notebooks") },
  report: { summary: "rates by tier and the compliance gap with 95% CIs, plus figures", load: () => import("./report") },
  run: { summary: "generate samples against an endpoint or the offline organisms", load: () => import("./run") },
  scenario: { summary: "list, show or diff the scenario variants (the exact rendered prompts)", load: () => import("./scenario") },
  serve: { summary: "serve the simulated organisms on 127.0.0.1 (OpenAI-compatible)", load: () => import("./serve") },
  "validate-judge": { summary: "AUROC of the AF judge on a labelled set, against the number of votes, with figures", load: () => import("./validate-judge") },
};
