/**
 * Results as a danfojs DataFrame, one row per sample (the columns of
 * rows.ts). danfojs (with tfjs) takes about a second to import, so it is
 * imported when a frame is first made, never by code that only needs rows.
 */
import type { DataFrame } from "danfojs-node";
import { loadRun } from "../store/index";
import { rowColumns, sampleRows, type SampleRow } from "./rows";

type Danfo = typeof import("danfojs-node");
let danfo: Promise<Danfo> | null = null;

/** The danfojs module, imported on first use. */
export function danfojs(): Promise<Danfo> {
  danfo ??= import("danfojs-node");
  return danfo;
}

/** Rows as a DataFrame (an empty frame keeps the columns). */
export async function toFrame(rows: readonly SampleRow[]): Promise<DataFrame> {
  const dfd = await danfojs();
  if (!rows.length) return new dfd.DataFrame([], { columns: rowColumns(rows) });
  return new dfd.DataFrame(rows as SampleRow[]);
}

/**
 * A results folder as rows: one per sample, with its judges' verdicts and
 * its condition's factors as columns.
 *
 * @example (await loadRows("runs/demo")).filter((r) => r.tier === "free").length
 */
export async function loadRows(dir: string): Promise<SampleRow[]> {
  const run = await loadRun(dir);
  return sampleRows(run.samples, run.manifest);
}

/**
 * A results folder as a danfojs DataFrame, one row per sample, with its
 * judges' verdicts (`af_reasoning`, `partial_compliance`, … and their
 * `_score`s) and its condition's factors (`variant`, `scope`, `risk`,
 * `hypothesis`, …) as columns. Tables and figure rows take it as it is;
 * `frameRows(df)` gives plain rows back.
 *
 * @example
 * const df = await afw.load("runs/demo");
 * const free = df.query(df["tier"].eq("free"));
 * afw.rateTable(free);
 */
export async function load(dir: string): Promise<DataFrame> {
  return toFrame(await loadRows(dir));
}
