import { existsSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Judgement, Outcome, RunManifest, Sample, SampleCell } from "../schema/index";
import { AfwError } from "../util/errors";
import { readJudgements } from "./judgements";
import { readManifest } from "./manifest";
import { readSamples } from "./samples";
import { folderPaths } from "./layout";

/** A results folder in memory: its manifest (null when absent) and its samples with their judgements. */
export interface LoadedRun {
  dir: string;
  manifest: RunManifest | null;
  samples: Sample[];
}

/**
 * Load a results folder: manifest.json (optional), samples.jsonl, and any
 * judgements.jsonl, every line checked against the contracts. A bad line is
 * an error naming the file and line. Judgements are merged into their
 * samples under "judge@version", in file order.
 *
 * @example
 * const run = await loadRun("runs/demo");
 * run.samples.filter((s) => s.tier === "free").length;
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`results folder ${dir}: no such folder`);
  const manifest = readManifest(dir);
  const samples = await readSamples(dir);
  const byKey = new Map(samples.map((s) => [s.key, s] as const));
  const { records } = await readJudgements(dir);
  for (const j of records) {
    const s = byKey.get(j.sample_key);
    if (s) s.judgements[`${j.judgement.judge}@${j.judgement.version}`] = j.judgement;
  }
  return { dir, manifest, samples };
}

/**
 * Read a file line by line in large chunks (faster than readline on files of
 * gigabytes), handing each non-blank line to `each` as bytes: the chunk and
 * the line's [start, end) in it (a trailing CR cut), with its 1-based line
 * number. The bytes are valid only during the call. Holds one chunk (4 MB,
 * more for a longer line).
 */
export async function forEachLineBytes(path: string, each: (buf: Buffer, start: number, end: number, lineNo: number) => void): Promise<void> {
  const fh = await open(path, "r");
  try {
    let buf = Buffer.allocUnsafe(4 << 20);
    let have = 0;
    let lineNo = 0;
    let eof = false;
    const handle = (start: number, end: number) => {
      lineNo++;
      if (end > start && buf[end - 1] === 13) end--;
      let first = start;
      while (first < end && (buf[first] === 32 || buf[first] === 9 || buf[first] === 13)) first++;
      if (first === end) return;
      each(buf, start, end, lineNo);
    };
    while (!eof) {
      if (have === buf.length) {
        const b = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(b, 0, 0, have);
        buf = b;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) eof = true;
      const end = have + bytesRead;
      let start = 0;
      let nl = buf.indexOf(10, have);
      while (nl >= 0 && nl < end) {
        handle(start, nl);
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      if (eof) {
        if (start < end) handle(start, end);
        break;
      }
      have = end - start;
      if (start > 0) buf.copy(buf, 0, start, end);
    }
  } finally {
    await fh.close();
  }
}

function parseLine(path: string, buf: Buffer, start: number, end: number, lineNo: number): unknown {
  try {
    return JSON.parse(buf.toString("utf8", start, end));
  } catch (e) {
    throw new AfwError(`${path}:${lineNo}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
}

/**
 * Read a JSONL file line by line in large chunks: each non-blank line is
 * JSON-parsed and handed to `each` with its 1-based line number. A line
 * that is not JSON is an AfwError naming the file and line.
 *
 * @example
 * await forEachRecordLine("runs/demo/samples.jsonl", (raw, n) => void count++);
 */
export async function forEachRecordLine(path: string, each: (raw: unknown, lineNo: number) => void): Promise<void> {
  await forEachLineBytes(path, (buf, start, end, n) => each(parseLine(path, buf, start, end, n), n));
}

/** Key names matched against a key's bytes, without decoding it. */
class KeySet {
  private byLen = new Map<number, { bytes: Buffer; id: number }[]>();
  constructor(names: readonly string[]) {
    names.forEach((n, id) => {
      const bytes = Buffer.from(n, "utf8");
      const list = this.byLen.get(bytes.length) ?? [];
      list.push({ bytes, id });
      this.byLen.set(bytes.length, list);
    });
  }
  /** The id of the name in b[s, e), or −1. */
  match(b: Buffer, s: number, e: number): number {
    const list = this.byLen.get(e - s);
    if (!list) return -1;
    outer: for (const k of list) {
      for (let i = 0; i < k.bytes.length; i++) if (b[s + i] !== k.bytes[i]) continue outer;
      return k.id;
    }
    return -1;
  }
}

/** The strings last decoded for one field (up to 16), reused while their bytes repeat (models, conditions, tiers, judges, versions). */
class LastString {
  private entries: { bytes: Buffer; str: string }[] = [];
  private next = 0;
  get(b: Buffer, s: number, e: number): string {
    const L = e - s;
    const es = this.entries;
    outer: for (let k = 0; k < es.length; k++) {
      const x = es[k].bytes;
      if (x.length !== L) continue;
      for (let i = 0; i < L; i++) if (b[s + i] !== x[i]) continue outer;
      return es[k].str;
    }
    const str = b.toString("utf8", s, e);
    const entry = { bytes: Buffer.from(b.subarray(s, e)), str };
    if (es.length < 16) es.push(entry);
    else {
      es[this.next] = entry;
      this.next = (this.next + 1) % 16;
    }
    return str;
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A reader of chosen fields of one JSON object in bytes, skipping the
 * values it is not asked for without decoding them (strings are skipped by
 * searching for their closing quote, keys matched as bytes). It gives up
 * (returns undefined / false) on anything it does not expect; callers then
 * parse the line with JSON.parse, which either reads it or says why it is
 * not JSON.
 */
class FieldPicker {
  pos = 0;
  private b: Buffer = Buffer.alloc(0);
  private end = 0;
  /** Read the line b[start, end) next. */
  reset(b: Buffer, start: number, end: number): this {
    this.b = b;
    this.pos = start;
    this.end = end;
    return this;
  }
  ws(): void {
    const b = this.b;
    let p = this.pos;
    while (p < this.end && (b[p] === 32 || b[p] === 9 || b[p] === 10 || b[p] === 13)) p++;
    this.pos = p;
  }
  /** The index of the quote closing the string that opens at `q`, or −1. */
  private close(q: number): number {
    const b = this.b;
    let i = q;
    for (;;) {
      i = b.indexOf(34, i + 1);
      if (i < 0 || i >= this.end) return -1;
      let k = i - 1;
      while (b[k] === 92) k--;
      if ((i - 1 - k) % 2 === 0) return i;
    }
  }
  /** A string value at pos, decoded (through `cache` when given); undefined when malformed. */
  string(cache?: LastString): string | undefined {
    const q = this.pos;
    const e = this.close(q);
    if (e < 0) return undefined;
    this.pos = e + 1;
    const b = this.b;
    for (let i = q + 1; i < e; i++) {
      if (b[i] === 92) {
        try {
          return JSON.parse(b.toString("utf8", q, e + 1)) as string;
        } catch {
          return undefined;
        }
      }
    }
    return cache ? cache.get(b, q + 1, e) : b.toString("utf8", q + 1, e);
  }
  /** Whether the string at pos has a character other than blanks (as String.prototype.trim sees it); moves past it. */
  stringNotBlank(): boolean | undefined {
    const q = this.pos;
    const e = this.close(q);
    if (e < 0) return undefined;
    this.pos = e + 1;
    const b = this.b;
    for (let i = q + 1; i < e; i++) {
      const c = b[i];
      if (c === 32 || c === 9) continue;
      if (c === 92 && (b[i + 1] === 110 || b[i + 1] === 116 || b[i + 1] === 114)) {
        i++;
        continue;
      }
      if (c > 32 && c < 127 && c !== 92) return true;
      // another escape or a non-ASCII character: decide as String.prototype.trim does
      try {
        return (JSON.parse(b.toString("utf8", q, e + 1)) as string).trim() !== "";
      } catch {
        return undefined;
      }
    }
    return false;
  }
  /** Skip any value at pos; false when malformed. */
  skip(): boolean {
    const b = this.b;
    const c = b[this.pos];
    if (c === 34) {
      const e = this.close(this.pos);
      if (e < 0) return false;
      this.pos = e + 1;
      return true;
    }
    if (c === 123 || c === 91) {
      let depth = 0;
      let p = this.pos;
      while (p < this.end) {
        const x = b[p];
        if (x === 34) {
          const e = this.close(p);
          if (e < 0) return false;
          p = e + 1;
          continue;
        }
        if (x === 123 || x === 91) depth++;
        else if (x === 125 || x === 93) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return true;
          }
        }
        p++;
      }
      return false;
    }
    let p = this.pos;
    while (p < this.end && b[p] !== 44 && b[p] !== 125 && b[p] !== 93 && b[p] !== 32 && b[p] !== 10 && b[p] !== 13 && b[p] !== 9) p++;
    if (p === this.pos) return false;
    this.pos = p;
    return true;
  }
  /** true / false / null or a number at pos, read from the bytes; undefined when it is none of them. */
  private scalar(): unknown {
    const b = this.b;
    const s = this.pos;
    if (!this.skip()) return undefined;
    const e = this.pos;
    const L = e - s;
    const c = b[s];
    if (L === 4 && c === 116 && b[s + 1] === 114 && b[s + 2] === 117 && b[s + 3] === 101) return true;
    if (L === 5 && c === 102 && b[s + 1] === 97 && b[s + 2] === 108 && b[s + 3] === 115 && b[s + 4] === 101) return false;
    if (L === 4 && c === 110 && b[s + 1] === 117 && b[s + 2] === 108 && b[s + 3] === 108) return null;
    // a plain decimal (-?digits[.digits], at most 15 digits): mantissa / 10^k is correctly rounded, as Number() is
    let i = s;
    const neg = b[i] === 45;
    if (neg) i++;
    let m = 0;
    let digits = 0;
    let frac = -1;
    for (; i < e; i++) {
      const x = b[i];
      if (x >= 48 && x <= 57) {
        m = m * 10 + (x - 48);
        digits++;
        if (frac >= 0) frac++;
      } else if (x === 46 && frac < 0) frac = 0;
      else break;
    }
    const d0 = neg ? s + 1 : s;
    const leadingOk = b[d0] >= 48 && b[d0] <= 57 && !(b[d0] === 48 && d0 + 1 < e && b[d0 + 1] !== 46);
    if (i === e && leadingOk && digits > 0 && digits <= 15 && frac !== 0) {
      const v = frac > 0 ? m / POW10[frac] : m;
      return neg ? -v : v;
    }
    const text = b.toString("utf8", s, e);
    const n = Number(text);
    return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? n : undefined;
  }
  /**
   * A value at pos as JavaScript: strings decoded, true / false / null,
   * numbers; objects and arrays are parsed whole (callers ask only for
   * small ones). undefined when malformed.
   */
  value(cache?: LastString): unknown {
    const c = this.b[this.pos];
    if (c === 34) return this.string(cache);
    if (c === 123 || c === 91) {
      const s = this.pos;
      if (!this.skip()) return undefined;
      try {
        return JSON.parse(this.b.toString("utf8", s, this.pos));
      } catch {
        return undefined;
      }
    }
    return this.scalar();
  }
  /**
   * Walk an object at pos: for each key in `keys`, `field(id)` reads the
   * value (moving pos past it; false when malformed); other keys are
   * skipped undecoded. False when the object is malformed.
   */
  object(keys: KeySet, field: (id: number) => boolean): boolean {
    const b = this.b;
    this.ws();
    if (b[this.pos] !== 123) return false;
    this.pos++;
    this.ws();
    if (b[this.pos] === 125) {
      this.pos++;
      return true;
    }
    for (;;) {
      this.ws();
      const q = this.pos;
      if (b[q] !== 34) return false;
      const e = this.close(q);
      if (e < 0) return false;
      for (let i = q + 1; i < e; i++) if (b[i] === 92) return false; // an escaped key: leave it to JSON.parse
      const id = keys.match(b, q + 1, e);
      this.pos = e + 1;
      this.ws();
      if (b[this.pos] !== 58) return false;
      this.pos++;
      this.ws();
      if (this.pos >= this.end) return false;
      if (id >= 0 ? !field(id) : !this.skip()) return false;
      this.ws();
      const c = b[this.pos];
      this.pos++;
      if (c === 44) continue;
      if (c === 125) return true;
      return false;
    }
  }
  /** Nothing but blanks left. */
  done(): boolean {
    this.ws();
    return this.pos === this.end;
  }
}

/** Sample fields a line names (raw values, checked by `checkSampleLine`). */
type SampleRaw = Record<string, unknown> & { scratchpadNotBlank?: boolean };
const SAMPLE_FIELDS = ["key", "experiment", "model", "condition", "tier", "query_id", "sample", "accepted", "accept_then_refuse", "error", "outcome", "scratchpad"] as const;
const SAMPLE_KEYS = new KeySet(SAMPLE_FIELDS);
const SCRATCHPAD = SAMPLE_FIELDS.indexOf("scratchpad");

/** A reader of sample lines: the fields the tables read, from the bytes (null when it gave up on a line). */
function samplePicker(): (buf: Buffer, start: number, end: number) => SampleRaw | null {
  // the fields whose values repeat from line to line keep their last decoded string
  const caches = SAMPLE_FIELDS.map((f) => (f === "key" || f === "query_id" || f === "sample" ? undefined : new LastString()));
  const p = new FieldPicker();
  let o: SampleRaw = {};
  let buf: Buffer = Buffer.alloc(0);
  const field = (id: number): boolean => {
    if (id === SCRATCHPAD && buf[p.pos] === 34) {
      const nb = p.stringNotBlank();
      if (nb === undefined) return false;
      o.scratchpad = "";
      o.scratchpadNotBlank = nb;
      return true;
    }
    const v = p.value(caches[id]);
    if (v === undefined) return false;
    o[SAMPLE_FIELDS[id]] = v;
    return true;
  };
  return (b, start, end) => {
    buf = b;
    o = {};
    const ok = p.reset(b, start, end).object(SAMPLE_KEYS, field);
    return ok && p.done() ? o : null;
  };
}

const OUTCOMES: readonly string[] = ["reply", "truncated", "blocked", "failed"];

/** The fields of a sample record the tables read (see `forEachSampleFacts`). */
export interface SampleLine extends SampleCell {
  key: string;
  experiment: string;
  outcome: Outcome;
  /** The scratchpad is present and not blank. */
  scratchpad: boolean;
}

function bad(path: string, n: number, field: string, want: string, got: unknown): AfwError {
  const seen = got === undefined ? "missing" : got === null ? "null" : Array.isArray(got) ? "an array" : typeof got;
  return new AfwError(`${path}:${n}: ${field}: expected ${want}, got ${seen}`);
}

function str(o: Record<string, unknown>, f: string, path: string, n: number): string {
  const v = o[f];
  if (typeof v !== "string" || !v) throw bad(path, n, f, "a non-empty string", v);
  return v;
}

/** Check the read fields of a sample record and give them typed. */
function checkSampleLine(o: SampleRaw, path: string, n: number): SampleLine {
  const key = str(o, "key", path, n);
  const experiment = str(o, "experiment", path, n);
  const model = str(o, "model", path, n);
  const condition = str(o, "condition", path, n);
  const tier = str(o, "tier", path, n);
  const query_id = str(o, "query_id", path, n);
  const sample = o.sample;
  if (typeof sample !== "number" || !Number.isInteger(sample) || sample < 0) throw bad(path, n, "sample", "a non-negative integer", sample);
  const accepted = o.accepted;
  if (accepted !== null && typeof accepted !== "boolean") throw bad(path, n, "accepted", "true, false or null", accepted);
  const atr = o.accept_then_refuse;
  if (typeof atr !== "boolean") throw bad(path, n, "accept_then_refuse", "a boolean", atr);
  const error = o.error;
  if (error !== null && typeof error !== "string") throw bad(path, n, "error", "a string or null", error);
  const outcome = o.outcome === undefined ? "reply" : o.outcome;
  if (typeof outcome !== "string" || !OUTCOMES.includes(outcome)) throw bad(path, n, "outcome", OUTCOMES.join(" | "), outcome);
  const pad = o.scratchpad;
  if (pad !== null && typeof pad !== "string") throw bad(path, n, "scratchpad", "a string or null", pad);
  const notBlank = o.scratchpadNotBlank ?? (typeof pad === "string" && pad.trim() !== "");
  // typed explicitly: tslab compiles the library without strictNullChecks, where `!== null` does not narrow
  return { key, experiment, model, condition, tier, query_id, sample: sample as number, accepted: accepted as boolean | null, accept_then_refuse: atr as boolean, error: error as string | null, outcome: outcome as Outcome, scratchpad: notBlank };
}

/**
 * Stream a folder's samples.jsonl, handing over only the fields the tables
 * read (`SampleLine`), each checked (a line that breaks them, or is not
 * JSON, is an AfwError naming the file, line and field). Those fields are
 * read straight from the bytes: the texts and the request are skipped, not
 * decoded, checked or kept (`loadRun` checks every field). Every record is
 * handed over, superseded ones included: the reader keeps the one that
 * counts (its last success, else its last failure).
 *
 * @example
 * await forEachSampleFacts("runs/demo", (s) => void (s.accepted && n++));
 */
export async function forEachSampleFacts(dir: string, each: (s: SampleLine, lineNo: number) => void): Promise<void> {
  const path = folderPaths(dir).samples;
  if (!existsSync(path)) throw new AfwError(`results folder ${dir}: no samples.jsonl in it`);
  const pick = samplePicker();
  await forEachLineBytes(path, (buf, start, end, n) => {
    let o: SampleRaw | null = pick(buf, start, end);
    if (!o) {
      const raw = parseLine(path, buf, start, end, n);
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new AfwError(`${path}:${n}: not a sample record (expected an object)`);
      o = raw as SampleRaw;
    }
    each(checkSampleLine(o, path, n), n);
  });
}

const RECORD_KEYS = new KeySet(["sample_key", "judgement"]);
const JUDGEMENT_FIELDS = ["judge", "version", "label", "score", "valid", "detail"] as const;
const JUDGEMENT_KEYS = new KeySet(JUDGEMENT_FIELDS);
/** The detail the tables read: partial kinds, motives, and `error` (set when the judge's requests failed for good, as against a reply that did not parse). */
const DETAIL_FIELDS = ["kinds", "motives", "error"] as const;
const DETAIL_KEYS = new KeySet(DETAIL_FIELDS);

/** A reader of judgement lines: the fields the tables read, from the bytes (null when it gave up on a line). */
function judgementPicker(): (buf: Buffer, start: number, end: number) => Record<string, unknown> | null {
  const caches = JUDGEMENT_FIELDS.map(() => new LastString());
  const p = new FieldPicker();
  let buf: Buffer = Buffer.alloc(0);
  let o: Record<string, unknown> = {};
  let j: Record<string, unknown> = {};
  let d: Record<string, unknown> = {};
  const detailField = (dk: number): boolean => {
    const v = p.value();
    if (v === undefined) return false;
    d[DETAIL_FIELDS[dk]] = v;
    return true;
  };
  const judgementField = (k: number): boolean => {
    if (JUDGEMENT_FIELDS[k] !== "detail" || buf[p.pos] !== 123) {
      const v = p.value(caches[k]);
      if (v === undefined) return false;
      j[JUDGEMENT_FIELDS[k]] = v;
      return true;
    }
    d = {};
    j.detail = d;
    return p.object(DETAIL_KEYS, detailField);
  };
  const recordField = (id: number): boolean => {
    if (id === 0 || buf[p.pos] !== 123) {
      const v = p.value();
      if (v === undefined) return false;
      o[id === 0 ? "sample_key" : "judgement"] = v;
      return true;
    }
    j = {};
    o.judgement = j;
    return p.object(JUDGEMENT_KEYS, judgementField);
  };
  return (b, start, end) => {
    buf = b;
    o = {};
    const ok = p.reset(b, start, end).object(RECORD_KEYS, recordField);
    return ok && p.done() ? o : null;
  };
}

/**
 * Stream a folder's judgements.jsonl (none when absent): each record's
 * sample key and judgement, in file order. The fields the tables read
 * (judge, version, label, score, valid, and the detail's kinds, motives
 * and error) are read straight from the bytes and checked; votes and quotes
 * are skipped.
 *
 * @example
 * await forEachJudgementRecord("runs/demo", (key, j) => void (j.valid && n++));
 */
export async function forEachJudgementRecord(dir: string, each: (sampleKey: string, j: Judgement, lineNo: number) => void): Promise<void> {
  const path = folderPaths(dir).judgements;
  if (!existsSync(path)) return;
  const pick = judgementPicker();
  await forEachLineBytes(path, (buf, start, end, n) => {
    let o = pick(buf, start, end);
    if (!o) {
      const raw = parseLine(path, buf, start, end, n);
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new AfwError(`${path}:${n}: not a judgement record (expected an object)`);
      o = raw as Record<string, unknown>;
    }
    const key = str(o, "sample_key", path, n);
    const j = o.judgement as Record<string, unknown> | undefined;
    if (!j || typeof j !== "object" || Array.isArray(j)) throw bad(path, n, "judgement", "an object", j);
    str(j, "judge", path, n);
    str(j, "version", path, n);
    const label = j.label;
    if (label !== null && typeof label !== "string" && typeof label !== "boolean") throw bad(path, n, "judgement.label", "a string, boolean or null", label);
    const score = j.score;
    if (score !== null && typeof score !== "number") throw bad(path, n, "judgement.score", "a number or null", score);
    if (typeof j.valid !== "boolean") throw bad(path, n, "judgement.valid", "a boolean", j.valid);
    if (j.detail !== undefined && (j.detail === null || typeof j.detail !== "object" || Array.isArray(j.detail))) throw bad(path, n, "judgement.detail", "an object", j.detail);
    each(key, j as unknown as Judgement, n);
  });
}
