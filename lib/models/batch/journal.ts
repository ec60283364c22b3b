/**
 * The batch journal: an append-only JSONL file (its path is passed in; the
 * pipeline keeps it in the results folder as batches/<provider>.jsonl, lib/store) that makes a
 * batch job kill-safe. In order of writing:
 *
 * - job        the job's tag (carried in batch metadata), provider, base URL
 * - plan       a batch's rows (custom_id → sample key, sample index), model,
 *              API and endpoint: written BEFORE anything is uploaded
 * - submitting the submission started (its time bounds the list check)
 * - file       the input file is uploaded (OpenAI): its id
 * - creating   the create request is about to be sent
 * - created    the batch id, as soon as the answer came
 * - ended      a poll found it ended (status, counts)
 * - delivered  rows handed to the caller (written before the hand-over)
 * - downloaded every row of the batch was handed over or planned again
 * - cancel     `afw batches DIR --cancel` cancelled it
 * - stopped    a run stopped on a cancelled batch (the next run carries on)
 *
 * Every record is one line written with one write() on an O_APPEND
 * descriptor, synchronously, so a record is on disk before the step it
 * guards goes ahead; a kill leaves at most a torn last line, which the next
 * open cuts off. API keys are never written (the base URL loses any
 * user:password part).
 */
import { redactUrl } from "../../util/url";
import { repairTail } from "../../util/repairTail";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { AfwError } from "../../util/errors";

const Counts = z.object({ total: z.number(), processing: z.number(), succeeded: z.number(), errored: z.number(), expired: z.number(), canceled: z.number() });

/** A batch's rows by what its results said of them (OpenAI's request_counts fold cancelled rows into failed; the rows do not). */
const RowKinds = z.object({ succeeded: z.number().int(), errored: z.number().int(), expired: z.number().int(), canceled: z.number().int() });
export type RowKinds = z.infer<typeof RowKinds>;

export const JournalRecord = z.discriminatedUnion("t", [
  z.object({ t: z.literal("job"), v: z.literal(1), tag: z.string().regex(/^[a-z0-9]{6,32}$/), provider: z.string(), base_url: z.string(), at: z.number() }),
  z.object({
    t: z.literal("plan"),
    seq: z.number().int().nonnegative(),
    round: z.number().int().nonnegative(),
    model: z.string(),
    api: z.enum(["chat", "completions"]),
    path: z.string(),
    /** [custom_id, sample key, sample index] */
    rows: z.array(z.tuple([z.string(), z.string(), z.number().int()])).min(1),
    bytes: z.number().int().nonnegative(),
    at: z.number(),
  }),
  z.object({ t: z.literal("submitting"), seq: z.number().int(), at: z.number() }),
  z.object({ t: z.literal("file"), seq: z.number().int(), file_id: z.string() }),
  z.object({ t: z.literal("creating"), seq: z.number().int(), at: z.number() }),
  z.object({ t: z.literal("created"), seq: z.number().int(), batch_id: z.string(), at: z.number(), found: z.boolean().optional() }),
  z.object({ t: z.literal("ended"), seq: z.number().int(), status: z.string(), counts: Counts, at: z.number() }),
  /** seq: the batch the rows came from; -1 the response cache, -2 synchronous calls. */
  z.object({ t: z.literal("delivered"), seq: z.number().int(), ids: z.array(z.string()) }),
  /** kinds: what the provider said of the batch's rows, read from its results (older journals lack it). */
  z.object({ t: z.literal("downloaded"), seq: z.number().int(), at: z.number(), delivered: z.number().int(), again: z.number().int(), kinds: RowKinds.optional() }),
  z.object({ t: z.literal("cancel"), seq: z.number().int(), at: z.number() }),
  z.object({ t: z.literal("stopped"), seqs: z.array(z.number().int()), at: z.number() }),
]);
export type JournalRecord = z.infer<typeof JournalRecord>;
type Of<T extends JournalRecord["t"]> = Extract<JournalRecord, { t: T }>;

/** One batch as the journal knows it. */
export interface JournalBatch {
  seq: number;
  round: number;
  model: string;
  api: "chat" | "completions";
  path: string;
  rows: [string, string, number][];
  bytes: number;
  plannedAt: number;
  submittingAt: number | null;
  fileId: string | null;
  creatingAt: number | null;
  batchId: string | null;
  createdAt: number | null;
  ended: { status: string; counts: z.infer<typeof Counts>; at: number } | null;
  downloaded: boolean;
  /** Its rows by kind, as read from its results (null: not read, or an older journal). */
  kinds: RowKinds | null;
  /** custom_ids handed over from this batch's own results (a retry batch reuses the ids of the rows it sends again). */
  handedOver: Set<string>;
  cancelled: boolean;
  /** A run already stopped on this cancelled batch. */
  stopped: boolean;
}

/** What a journal says. */
export interface JournalState {
  job: Of<"job"> | null;
  batches: Map<number, JournalBatch>;
  /** custom_ids handed to the caller, ever. */
  delivered: Set<string>;
  records: number;
  repairedBytes: number;
}

/** Cut a torn last line (bytes after the last newline). Returns the bytes removed. */
export const cutTornTail = repairTail;

/** Fold records into the state they describe. */
export function foldJournal(records: readonly JournalRecord[], where = "journal"): JournalState {
  const st: JournalState = { job: null, batches: new Map(), delivered: new Set(), records: records.length, repairedBytes: 0 };
  const batch = (seq: number, i: number): JournalBatch => {
    const b = st.batches.get(seq);
    if (!b) throw new AfwError(`${where}:${i + 1}: batch ${seq} is used before it is planned`);
    return b;
  };
  records.forEach((r, i) => {
    switch (r.t) {
      case "job":
        if (st.job) throw new AfwError(`${where}:${i + 1}: a second job record (one journal holds one job)`);
        st.job = r;
        break;
      case "plan":
        if (st.batches.has(r.seq)) throw new AfwError(`${where}:${i + 1}: batch ${r.seq} is planned twice`);
        st.batches.set(r.seq, {
          seq: r.seq,
          round: r.round,
          model: r.model,
          api: r.api,
          path: r.path,
          rows: r.rows as [string, string, number][],
          bytes: r.bytes,
          plannedAt: r.at,
          submittingAt: null,
          fileId: null,
          creatingAt: null,
          batchId: null,
          createdAt: null,
          ended: null,
          downloaded: false,
          kinds: null,
          handedOver: new Set(),
          cancelled: false,
          stopped: false,
        });
        break;
      case "submitting": {
        const b = batch(r.seq, i);
        if (b.submittingAt === null) b.submittingAt = r.at;
        break;
      }
      case "file":
        batch(r.seq, i).fileId = r.file_id;
        break;
      case "creating": {
        const b = batch(r.seq, i);
        if (b.creatingAt === null) b.creatingAt = r.at;
        break;
      }
      case "created": {
        const b = batch(r.seq, i);
        b.batchId = r.batch_id;
        b.createdAt = r.at;
        break;
      }
      case "ended":
        batch(r.seq, i).ended = { status: r.status, counts: r.counts, at: r.at };
        break;
      case "delivered":
        for (const id of r.ids) st.delivered.add(id);
        if (r.seq >= 0) {
          const b = st.batches.get(r.seq);
          if (b) for (const id of r.ids) b.handedOver.add(id);
        }
        break;
      case "downloaded": {
        const b = batch(r.seq, i);
        b.downloaded = true;
        if (r.kinds) b.kinds = r.kinds;
        break;
      }
      case "cancel":
        batch(r.seq, i).cancelled = true;
        break;
      case "stopped":
        for (const s of r.seqs) batch(s, i).stopped = true;
        break;
    }
  });
  return st;
}

/** Read a journal (after cutting a torn tail). A missing file is an empty journal. Bad lines: one line naming file:line. */
export function readJournal(path: string, opts: { repair?: boolean } = {}): JournalState {
  if (!existsSync(path)) return foldJournal([], path);
  const repairedBytes = opts.repair === false ? 0 : cutTornTail(path);
  const text = readFileSync(path, "utf8");
  const records: JournalRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    if (opts.repair === false && i === lines.length - 1) break; // a torn tail left in place: not a record yet
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new AfwError(`${path}:${i + 1}: not JSON (a batch journal holds one JSON record a line)`);
    }
    const r = JournalRecord.safeParse(raw);
    if (!r.success) {
      const is = r.error.issues[0];
      throw new AfwError(`${path}:${i + 1}: not a batch journal record (${is.path.map(String).join(".") || "record"}: ${is.message})`);
    }
    records.push(r.data);
  }
  const st = foldJournal(records, path);
  st.repairedBytes = repairedBytes;
  return st;
}

/** The journal's writer: every append is one synchronous write of one whole line. */
export class JournalWriter {
  private fd: number;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a");
  }
  append(r: JournalRecord): void {
    const data = Buffer.from(JSON.stringify(r) + "\n", "utf8");
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** A base URL fit for disk: no user:password, no query. */
export function safeBaseUrl(url: string): string {
  const r = redactUrl(url);
  return r === "(unparseable URL)" ? "" : r;
}
