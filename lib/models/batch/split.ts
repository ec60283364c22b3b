/**
 * Splitting rows into batches within a provider's limits on requests and
 * bytes, in the order given.
 */
import type { BatchLimits } from "./types";

/** A row to place: its id and the bytes of its line. */
export interface Sized {
  id: string;
  bytes: number;
}

/**
 * Greedy split in order: a batch closes when one more row would pass the
 * request limit or the byte limit (`envelope(lineBytes, lines)` gives the
 * bytes of a batch with the line bytes summed). A row too large for any
 * batch on its own is returned apart in `oversize`.
 * @example splitRows([{ id: "a", bytes: 6 }, { id: "b", bytes: 6 }, { id: "c", bytes: 6 }], { maxRequests: 2, maxBytes: 100 }, (b, n) => b + n).batches // [["a","b"],["c"]]
 */
export function splitRows(rows: readonly Sized[], limits: BatchLimits, envelope: (lineBytes: number, lines: number) => number): { batches: string[][]; bytes: number[]; oversize: string[] } {
  const batches: string[][] = [];
  const bytes: number[] = [];
  const oversize: string[] = [];
  let cur: string[] = [];
  let curBytes = 0;
  for (const r of rows) {
    if (envelope(r.bytes, 1) > limits.maxBytes) {
      oversize.push(r.id);
      continue;
    }
    if (cur.length > 0 && (cur.length + 1 > limits.maxRequests || envelope(curBytes + r.bytes, cur.length + 1) > limits.maxBytes)) {
      batches.push(cur);
      bytes.push(envelope(curBytes, cur.length));
      cur = [];
      curBytes = 0;
    }
    cur.push(r.id);
    curBytes += r.bytes;
  }
  if (cur.length) {
    batches.push(cur);
    bytes.push(envelope(curBytes, cur.length));
  }
  return { batches, bytes, oversize };
}
