/**
 * The accept-then-refuse benchmark: precision and recall of the detector in
 * lib/scenario/refusal.ts against the project's labelled passages
 * (data/replies/accept-then-refuse.jsonl), next to the old detector (a
 * refusal phrase in the first 400 characters).
 *
 *   npx tsx bench/replies.ts [--folds 5] [--seed 1] [--errors]
 *
 * Prints, for the development ("train") passages: both detectors as shipped,
 * then a k-fold cross-validation of the two tuned settings (score threshold
 * and window), where each fold picks the setting that maximises F1 on the
 * other folds and is scored on its own; and the held-out ("test") passages,
 * written after the detector was frozen and never used to tune it.
 */
import { readFileSync } from "node:fs";
import { fromRoot } from "../lib/util/paths";
import { looksLikeRefusalV0, refusalScore, REFUSAL_THRESHOLD, REFUSAL_WINDOW } from "../lib/scenario/refusal";

interface Item {
  id: string;
  refuses: boolean;
  kind: string;
  split: "train" | "test";
  body: string;
}

export const DATA = () => fromRoot("data", "replies", "accept-then-refuse.jsonl");

export function loadItems(path = DATA()): Item[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Item);
}

export interface Metrics {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function metrics(items: Item[], predict: (body: string) => boolean): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const it of items) {
    const p = predict(it.body);
    if (p && it.refuses) tp++;
    else if (p) fp++;
    else if (it.refuses) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : NaN;
  const recall = tp + fn ? tp / (tp + fn) : NaN;
  return { n: items.length, tp, fp, fn, tn, precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const THRESHOLDS = [1, 2, 3, 4];
const WINDOWS = [200, 400, 800, 2000, Infinity];

/** A seeded shuffle (mulberry32), so the folds are the same on every run. */
function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** k-fold cross-validation of (threshold, window): pooled counts over the held-out folds, and each fold's choice. */
export function crossValidate(items: Item[], folds: number, seed: number): { pooled: Metrics; chosen: string[] } {
  const order = shuffled(items, seed);
  const pred: { item: Item; p: boolean }[] = [];
  const chosen: string[] = [];
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, i) => i % folds === f);
    const train = order.filter((_, i) => i % folds !== f);
    let best = { f1: -1, t: 0, w: 0 };
    for (const w of WINDOWS) for (const t of THRESHOLDS) {
      const m = metrics(train, (b) => refusalScore(b, w) >= t);
      if (m.f1 > best.f1) best = { f1: m.f1, t, w };
    }
    chosen.push(`t=${best.t} w=${best.w}`);
    for (const it of test) pred.push({ item: it, p: refusalScore(it.body, best.w) >= best.t });
  }
  const byId = new Map(pred.map((x) => [x.item.id, x.p]));
  const pooled = metrics(order, (b) => byId.get(order.find((o) => o.body === b)!.id)!);
  return { pooled, chosen };
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1).padStart(5) + "%" : "   n/a");
export function line(label: string, m: Metrics): string {
  return `${label.padEnd(34)} n=${String(m.n).padStart(3)}  precision ${pct(m.precision)}  recall ${pct(m.recall)}  F1 ${pct(m.f1)}  (tp ${m.tp}, fp ${m.fp}, fn ${m.fn}, tn ${m.tn})`;
}

function main(): void {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : d;
  };
  const folds = arg("folds", 5);
  const seed = arg("seed", 1);
  const items = loadItems();
  const train = items.filter((i) => i.split === "train");
  const test = items.filter((i) => i.split === "test");
  const current = (b: string) => refusalScore(b) >= REFUSAL_THRESHOLD;
  const out: string[] = [
    `accept-then-refuse: ${items.length} labelled passages (${items.filter((i) => i.refuses).length} refusals), ${train.length} development, ${test.length} held out`,
    `shipped setting: threshold ${REFUSAL_THRESHOLD}, window ${REFUSAL_WINDOW} characters`,
    "",
    line("development, old (400-char regex)", metrics(train, looksLikeRefusalV0)),
    line("development, new (as shipped)", metrics(train, current)),
  ];
  if (process.argv.includes("--grid")) {
    out.push("", "development F1 by (threshold, window):");
    for (const t of THRESHOLDS) out.push(`  t=${t}  ` + WINDOWS.map((w) => `w=${w}: ${pct(metrics(train, (b) => refusalScore(b, w) >= t).f1)}`).join("  "));
    out.push("");
  }
  const cv = crossValidate(train, folds, seed);
  out.push(line(`development, new, ${folds}-fold CV`, cv.pooled), `  settings chosen per fold: ${cv.chosen.join("; ")}`);
  if (test.length) {
    out.push("", line("held out, old (400-char regex)", metrics(test, looksLikeRefusalV0)), line("held out, new (as shipped)", metrics(test, current)));
  }
  if (process.argv.includes("--errors")) {
    out.push("", "errors of the shipped detector:");
    for (const it of items) {
      const p = current(it.body);
      if (p !== it.refuses) out.push(`  ${it.split.padEnd(5)} ${it.id} ${it.refuses ? "missed refusal" : "false alarm  "} [${it.kind}] score ${refusalScore(it.body)}: ${it.body.slice(0, 90).replace(/\n/g, " ")}`);
    }
  }
  console.log(out.join("\n"));
}

if (process.argv[1]?.endsWith("replies.ts")) main();
