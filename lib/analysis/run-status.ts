/**
 * How complete a results folder is, from its manifest and the samples the
 * tally holds: what `afw report` says before its tables when the run did
 * not finish (interrupted, stopped by a fatal provider error, killed), so a
 * table of one tier, or of 30 samples out of 80, is never read as the
 * whole run.
 */
import type { RunManifest } from "../schema/index";
import type { ResultsTally } from "../frame/index";

/** A run's completeness as the report states it. */
export interface RunStatus {
  /** The manifest's status; null when the folder has no manifest. */
  status: RunManifest["status"] | null;
  /** Samples the run planned (manifest), or null without a manifest. */
  planned: number | null;
  /** Samples in the folder (one per sample; failed ones included). */
  samples: number;
  /** Of those, samples whose request failed for good (left out of every n). */
  failed: number;
  /** Why the run stopped, when the manifest says (a fatal provider error's line, "interrupted"). */
  stop_reason: string | null;
  /** Models, conditions and tiers the manifest plans that have no sample at all. */
  missing: { models: string[]; conditions: string[]; tiers: string[] };
}

/**
 * The completeness of the results a tally holds.
 * @example runStatus(await tallyFolder("runs/demo")).status // "complete"
 */
export function runStatus(t: ResultsTally, failed = 0): RunStatus {
  const m = t.manifest;
  const have = { models: new Set<string>(), conditions: new Set<string>(), tiers: new Set<string>() };
  for (const c of t.cells.values()) {
    if (!c.queries.size) continue;
    have.models.add(c.model);
    have.conditions.add(c.condition);
    have.tiers.add(c.tier);
  }
  const absent = (planned: readonly string[] | undefined, present: Set<string>) => (planned ?? []).filter((x) => !present.has(x));
  return {
    status: m?.status ?? null,
    planned: m ? m.planned : null,
    samples: t.units,
    failed,
    stop_reason: m?.stop_reason ?? null,
    missing: t.units ? { models: absent(m?.models, have.models), conditions: absent(m?.conditions, have.conditions), tiers: absent(m?.tiers, have.tiers) } : { models: [], conditions: [], tiers: [] },
  };
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * The lines to print before the tables when the run is not complete (none
 * when it is, or when there is no manifest to say).
 * @example runStatusLines({ status: "incomplete", planned: 80, samples: 30, failed: 0, stop_reason: null, missing: { models: [], conditions: [], tiers: ["paid"] } })
 * // ["this run is incomplete (manifest status \"incomplete\"): 30 of 80 planned samples are in the folder",
 * //  "missing entirely: tier paid (no rows below, and no gap that needs them); rerun the same afw run command to finish the run"]
 */
export function runStatusLines(s: RunStatus): string[] {
  if (s.status === null || s.status === "complete") return [];
  const what = s.status === "running" ? `the manifest still says "running": the run is going on, or was killed before it finished` : `this run is incomplete (manifest status "incomplete")`;
  const count = s.planned !== null ? `${s.samples.toLocaleString("en-US")} of ${s.planned.toLocaleString("en-US")} planned samples are in the folder` : `${s.samples.toLocaleString("en-US")} samples are in the folder`;
  const failed = s.failed ? ` (${s.failed.toLocaleString("en-US")} of them failed for good)` : "";
  const lines = [`${what}: ${count}${failed}${s.stop_reason ? `; stopped: ${oneLine(s.stop_reason)}` : ""}`];
  const gone = [
    ...(s.missing.models.length ? [`model${s.missing.models.length > 1 ? "s" : ""} ${s.missing.models.join(", ")}`] : []),
    ...(s.missing.conditions.length ? [`condition${s.missing.conditions.length > 1 ? "s" : ""} ${s.missing.conditions.join(", ")}`] : []),
    ...(s.missing.tiers.length ? [`tier${s.missing.tiers.length > 1 ? "s" : ""} ${s.missing.tiers.join(", ")}`] : []),
  ];
  const rest = "rerun the same afw run command to finish the run";
  lines.push(gone.length ? `missing entirely: ${gone.join("; ")} (no rows below, and no gap that needs them); ${rest}` : `the tables cover the samples written so far; ${rest}`);
  return lines;
}

/**
 * The one line `afw report` gives for a folder with no samples (it then
 * prints no table and writes no figure).
 */
export function noSamplesLine(s: RunStatus, dir: string): string {
  const planned = s.planned !== null ? ` (0 of ${s.planned.toLocaleString("en-US")} planned` : "";
  const why = s.stop_reason ? `${planned ? "; " : " ("}the run stopped: ${oneLine(s.stop_reason)}` : "";
  const close = planned || why ? ")" : "";
  return `${dir} has no samples yet${planned}${why}${close}: nothing to report`;
}
