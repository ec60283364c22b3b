/**
 * What afw run and afw judge print about --batch: the batch door's events
 * as they happen (a poll only when a batch's state changes), and one line
 * on what went through it.
 */
import type { BatchEvent } from "../models/batch/index";
import type { BatchTotals } from "../pipeline/index";

/** A listener for the batch door's events that prints each as one line (quiet: nothing). */
export function batchEventPrinter(prefix: string, log: (s: string) => void, quiet: boolean): (e: BatchEvent) => void {
  const last = new Map<number, string>();
  return (e) => {
    if (quiet) return;
    if (e.type === "polled") {
      const word = e.status?.status ?? "";
      if (e.seq === undefined || last.get(e.seq) === word) return;
      last.set(e.seq, word);
    }
    log(`${prefix}: ${e.line}`);
  };
}

const int = (n: number) => n.toLocaleString("en-US");

/** One line on what went through the batch door (null when nothing did). */
export function batchTotalsLine(prefix: string, t: BatchTotals | null | undefined): string | null {
  if (!t || t.rounds === 0) return null;
  const d = t.delivered;
  return (
    `${prefix}: batches at ${t.provider}: ${int(t.requests)} request(s) in ${t.rounds} round(s); ${int(t.submitted)} batch(es) submitted` +
    `${t.found ? `, ${int(t.found)} found again after a kill` : ""}; answered: ${int(d.batch)} by batches${d.cache ? `, ${int(d.cache)} from the cache` : ""}${d.sync ? `, ${int(d.sync)} synchronously` : ""}` +
    `${t.retried ? `; ${int(t.retried)} row(s) sent again` : ""}${t.failed ? `; ${int(t.failed)} failed` : ""}; journal ${t.journal}`
  );
}

/** The line for a batch door that stopped before the end, or null. */
export function batchStopLine(prefix: string, t: BatchTotals | null | undefined): string | null {
  if (!t) return null;
  if (t.stopped === "cancelled") return `${prefix}: stopped: a batch was cancelled (afw batches --cancel); what it answered is kept; run the same command again to send its other rows`;
  if (t.stopped === "aborted") return `${prefix}: interrupted: the batches go on at the provider; run the same command again to pick them up (nothing is submitted twice)`;
  return null;
}
