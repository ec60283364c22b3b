/**
 * Line diff of two texts (a system prompt against the baseline variant's):
 * a longest common subsequence of lines, shown with a few lines of context
 * around each change and the unchanged stretches between them skipped.
 */
import type { DiffLine, PromptDiff } from "./types";

/** Most cells of the LCS table computed; larger inputs are trimmed of their common head and tail first, then shown whole. */
const MAX_CELLS = 4_000_000;

/**
 * Diff `from` (the baseline) to `to`.
 * @example lineDiff("a\nb\nc", "a\nB\nc", 1).lines // [{op:" ",text:"a"},{op:"-",text:"b"},{op:"+",text:"B"},{op:" ",text:"c"}]
 */
export function lineDiff(from: string, to: string, context = 3): PromptDiff {
  const a = from.split("\n");
  const b = to.split("\n");
  // common head and tail need no table
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const ops: DiffLine[] = a.slice(0, head).map((text) => ({ op: " ", text }));
  if ((A.length + 1) * (B.length + 1) > MAX_CELLS) {
    for (const text of A) ops.push({ op: "-", text });
    for (const text of B) ops.push({ op: "+", text });
  } else {
    // L[i][j] = LCS length of A[i..] and B[j..]
    const w = B.length + 1;
    const L = new Uint32Array((A.length + 1) * w);
    for (let i = A.length - 1; i >= 0; i--) {
      for (let j = B.length - 1; j >= 0; j--) {
        L[i * w + j] = A[i] === B[j] ? L[(i + 1) * w + j + 1] + 1 : Math.max(L[(i + 1) * w + j], L[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < A.length && j < B.length) {
      if (A[i] === B[j]) {
        ops.push({ op: " ", text: A[i] });
        i++;
        j++;
      } else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) ops.push({ op: "-", text: A[i++] });
      else ops.push({ op: "+", text: B[j++] });
    }
    while (i < A.length) ops.push({ op: "-", text: A[i++] });
    while (j < B.length) ops.push({ op: "+", text: B[j++] });
  }
  for (const text of a.slice(a.length - tail)) ops.push({ op: " ", text });

  const added = ops.filter((o) => o.op === "+").length;
  const removed = ops.filter((o) => o.op === "-").length;
  // keep `context` lines around changes
  const keep = new Uint8Array(ops.length);
  ops.forEach((o, k) => {
    if (o.op === " ") return;
    for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = 1;
  });
  const lines: DiffLine[] = [];
  let skipped = 0;
  ops.forEach((o, k) => {
    if (keep[k]) {
      if (skipped) lines.push({ op: "…", text: `${skipped} unchanged line${skipped === 1 ? "" : "s"}` });
      skipped = 0;
      lines.push(o);
    } else skipped++;
  });
  if (skipped) lines.push({ op: "…", text: `${skipped} unchanged line${skipped === 1 ? "" : "s"}` });
  return { added, removed, lines };
}
