/**
 * Results aggregated while they are read: the shape the report's tables are
 * computed from when a results folder is too big to hold as records.
 *
 * A tally keeps, per cell (model × condition × tier) and per query, one
 * small integer per sample index: the id of a *unit* (one sample). Per unit
 * it keeps one byte of facts (failed, accept / reject tag, accept then
 * refuse, scratchpad present, truncated, blocked), and per judge version
 * that judged it a verdict in four typed arrays (state, label, score, bits).
 * So memory is a few bytes per sample plus a little per cell and query,
 * never a record per sample: the tags and judges' texts, prompts and
 * replies are dropped as each line is read (`afw report` on a million
 * samples stays in a few hundred megabytes; bench/report.bench.ts).
 *
 * The rules are those of `loadRun` (lib/store): one record per sample, its
 * last success, else its last failure; a judgement counts for the sample
 * its key names, the last record of a judge version replacing earlier ones;
 * judgements of samples that are not there are dropped. A record is found
 * by what it is (model, condition, tier, query, sample index), and a
 * judgement's key is read back into those fields when it has the form
 * `sampleKey` gives ("experiment|condition|model|tier|query|sample"); other
 * keys (importers may write any) are kept in a map.
 *
 * Build one with `tallyFolder(dir)` (frame/stream.ts, streaming), or from
 * records in memory with `ResultsTally.fromSamples`, `fromRows` (or
 * `asTally`, which takes whatever the tables take).
 */
import type { Judgement, Outcome, RunManifest, Sample, SampleCell } from "../schema/index";
import { frameRows, isFrame, type FrameLike, type SampleRow } from "./rows";

/** Unit facts, one bit each. */
export const UNIT = {
  /** The request failed for good (`error` set): left out of every n. */
  FAILED: 1,
  /** The accept tag. */
  ACCEPTED: 2,
  /** The reject tag. */
  REJECTED: 4,
  /** The accept tag, then a refusal in the body. */
  ATR: 8,
  /** A scratchpad that is not blank. */
  SCRATCHPAD: 16,
  /** Outcome "truncated" (hit the token limit). */
  TRUNCATED: 32,
  /** Outcome "blocked" (the provider would not pass the answer on): in n, never complied. */
  BLOCKED: 64,
} as const;

/** Whether a unit's facts say it complied by the tags (never when failed or blocked). */
export function unitComplied(f: number): boolean {
  return (f & (UNIT.ACCEPTED | UNIT.ATR | UNIT.FAILED | UNIT.BLOCKED)) === UNIT.ACCEPTED;
}

/** Whether a unit's reply carried neither tag (and it did not fail and was not blocked). */
export function unitInvalid(f: number): boolean {
  return (f & (UNIT.ACCEPTED | UNIT.REJECTED | UNIT.FAILED | UNIT.BLOCKED)) === 0;
}

/** What a tally reads of one sample record. */
export interface SampleFacts extends SampleCell {
  /** The sample key (judgements name it); optional for rows that have none. */
  key?: string;
  experiment?: string;
  outcome?: Outcome;
  /** The scratchpad is present and not blank. */
  scratchpad?: boolean;
}

/** The facts byte of a sample. */
export function unitFacts(s: SampleFacts): number {
  let f = 0;
  if (s.error !== null) f |= UNIT.FAILED;
  if (s.accepted === true) f |= UNIT.ACCEPTED;
  else if (s.accepted === false) f |= UNIT.REJECTED;
  if (s.accept_then_refuse) f |= UNIT.ATR;
  if (s.scratchpad) f |= UNIT.SCRATCHPAD;
  if (s.outcome === "truncated") f |= UNIT.TRUNCATED;
  else if (s.outcome === "blocked") f |= UNIT.BLOCKED;
  return f;
}

function grownU8(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2, 64));
  b.set(a);
  return b;
}
function grownU16(a: Uint16Array, need: number): Uint16Array {
  if (need <= a.length) return a;
  const b = new Uint16Array(Math.max(need, a.length * 2, 64));
  b.set(a);
  return b;
}
/**
 * The unit ids of one cell's samples, laid out query by query with a
 * common stride (the highest sample index + 1, doubled as it grows): one
 * typed array per cell, not one per query. A query whose sample indices
 * would make the stride wasteful keeps them in a map.
 */
class CellUnits {
  stride = 1;
  slots = 0;
  /** Entries in use. */
  filled = 0;
  /** Unit id + 1 at slot·stride + sample (0: no sample). */
  data: Int32Array = new Int32Array(16);
  /** A new slot's index. */
  add(): number {
    const need = (this.slots + 1) * this.stride;
    if (need > this.data.length) {
      const d = new Int32Array(Math.max(need, this.data.length * 2));
      d.set(this.data);
      this.data = d;
    }
    return this.slots++;
  }
  /** Room for sample index `s` in every slot, or false when that would waste memory (the caller keeps it in a map). */
  widen(s: number): boolean {
    let stride = this.stride;
    while (stride <= s) stride *= 2;
    if (stride * this.slots > 4 * this.filled + 4096) return false;
    const d = new Int32Array(Math.max(16, stride * (this.slots + 1)));
    for (let i = 0; i < this.slots; i++) d.set(this.data.subarray(i * this.stride, (i + 1) * this.stride), i * stride);
    this.data = d;
    this.stride = stride;
    return true;
  }
}

/** One query of one cell: the unit id of each sample index. */
export class QuerySlot {
  private far: Map<number, number> | null = null;
  constructor(
    readonly query: string,
    private readonly store: CellUnits,
    private readonly index: number,
  ) {}
  /** The unit id at a sample index, or −1. */
  unit(sample: number): number {
    if (this.far) {
      const u = this.far.get(sample);
      if (u !== undefined) return u;
    }
    const st = this.store;
    return sample < st.stride ? st.data[this.index * st.stride + sample] - 1 : -1;
  }
  set(sample: number, unit: number): void {
    const st = this.store;
    if (this.far?.has(sample) || (sample >= st.stride && !st.widen(sample))) {
      (this.far ??= new Map()).set(sample, unit);
      return;
    }
    const i = this.index * st.stride + sample;
    if (st.data[i] === 0) st.filled++;
    st.data[i] = unit + 1;
  }
  /** Every (sample index, unit id) present, in sample order. */
  *entries(): IterableIterator<[number, number]> {
    const out: [number, number][] = [];
    this.forEach((s, u) => void out.push([s, u]));
    yield* out;
  }
  /** Call `each(sample, unit)` for every sample present, in sample order. */
  forEach(each: (sample: number, unit: number) => void): void {
    const st = this.store;
    const d = st.data;
    const base = this.index * st.stride;
    if (!this.far) {
      for (let s = 0; s < st.stride; s++) if (d[base + s] > 0) each(s, d[base + s] - 1);
      return;
    }
    const all: [number, number][] = [...this.far];
    for (let s = 0; s < st.stride; s++) if (d[base + s] > 0) all.push([s, d[base + s] - 1]);
    for (const [s, u] of all.sort((a, b) => a[0] - b[0])) each(s, u);
  }
}

/** One cell: a model under a condition in one tier, its queries in first-seen order. */
export interface TallyCell {
  model: string;
  condition: string;
  tier: string;
  queries: Map<string, QuerySlot>;
  /** Where the cell's unit ids are kept (see CellUnits). */
  units: CellUnits;
}

/**
 * One judge version's verdicts, one entry per unit: an index into the
 * column's distinct verdicts (validity, label, score, and the detail's
 * named booleans). Judges give few distinct verdicts (vote shares, rubric
 * levels, labels), so a unit costs two bytes (four past 65,535 distinct
 * verdicts).
 */
export class VerdictColumn {
  /** Per unit: 1 + index into the verdict table (0: no judgement). */
  private ids: Uint16Array | Uint32Array;
  /** The distinct verdicts: valid, interned label (0: null), score (NaN: null), bits (7: label === true; 0–6: `flagNames`), request failed. */
  private vValid: boolean[] = [];
  private vFailed: boolean[] = [];
  private vLabel: number[] = [];
  private vScore: number[] = [];
  private vBits: number[] = [];
  private index = new Map<number, Map<number, number>>();
  readonly labels: string[] = [""];
  private labelIds = new Map<string, number>();
  /** The detail booleans kept, by the bit they set (partial kinds, motives). */
  readonly flagNames: string[] = [];
  constructor(
    readonly judge: string,
    readonly version: string,
    /** Units to make room for at once (the tally's count when samples are all read). */
    capacity = 0,
  ) {
    this.ids = new Uint16Array(capacity);
  }
  private grow(n: number): void {
    if (n <= this.ids.length) return;
    const a = this.ids instanceof Uint16Array ? new Uint16Array(Math.max(n, this.ids.length * 2, 64)) : new Uint32Array(Math.max(n, this.ids.length * 2, 64));
    a.set(this.ids);
    this.ids = a;
  }
  /** Record the verdict on a unit (a later one replaces an earlier). */
  set(unit: number, j: Judgement): void {
    this.grow(unit + 1);
    let label = 0;
    if (j.label !== null && j.label !== undefined) {
      const s = String(j.label);
      label = this.labelIds.get(s) ?? 0;
      if (!label) {
        label = this.labels.length;
        this.labels.push(s);
        this.labelIds.set(s, label);
      }
    }
    let bits = j.label === true ? 128 : 0;
    const d = j.detail as Record<string, unknown> | undefined;
    const flags = (d?.kinds ?? d?.motives) as Record<string, unknown> | undefined;
    if (flags && typeof flags === "object") {
      for (const name in flags) {
        if (flags[name] !== true) continue;
        let b = this.flagNames.indexOf(name);
        if (b < 0 && this.flagNames.length < 7) b = this.flagNames.push(name) - 1;
        if (b >= 0) bits |= 1 << b;
      }
    }
    const score = j.score ?? NaN;
    // An invalid judgement whose requests failed for good (detail.error) is no reply at all, not one that did not parse.
    const failed = !j.valid && typeof d?.error === "string";
    const k = label * 1024 + bits * 4 + (failed ? 2 : 0) + (j.valid ? 1 : 0);
    let byScore = this.index.get(k);
    if (!byScore) this.index.set(k, (byScore = new Map()));
    let id = byScore.get(score);
    if (id === undefined) {
      id = this.vValid.length;
      this.vValid.push(j.valid);
      this.vFailed.push(failed);
      this.vLabel.push(label);
      this.vScore.push(score);
      this.vBits.push(bits);
      byScore.set(score, id);
      if (id + 1 > 0xffff && this.ids instanceof Uint16Array) this.ids = Uint32Array.from(this.ids);
    }
    this.ids[unit] = id + 1;
  }
  private at(unit: number): number {
    return unit < this.ids.length ? this.ids[unit] - 1 : -1;
  }
  /** Whether a unit has a judgement of this version. */
  has(unit: number): boolean {
    return this.at(unit) >= 0;
  }
  valid(unit: number): boolean {
    const i = this.at(unit);
    return i >= 0 && this.vValid[i];
  }
  /** The label as a string, or null. */
  /** Whether the judgement is invalid because its requests failed for good (no reply arrived; a rerun of afw judge retries it). */
  requestFailed(unit: number): boolean {
    const i = this.at(unit);
    return i >= 0 && this.vFailed[i];
  }
  labelOf(unit: number): string | null {
    const i = this.at(unit);
    return i >= 0 && this.vLabel[i] ? this.labels[this.vLabel[i]] : null;
  }
  scoreOf(unit: number): number | null {
    const i = this.at(unit);
    return i < 0 || Number.isNaN(this.vScore[i]) ? null : this.vScore[i];
  }
  labelIsTrue(unit: number): boolean {
    const i = this.at(unit);
    return i >= 0 && (this.vBits[i] & 128) !== 0;
  }
  /** Whether the detail named `flag` true (a partial-compliance kind, a motive). */
  flag(unit: number, flag: string): boolean {
    const b = this.flagNames.indexOf(flag);
    const i = this.at(unit);
    return b >= 0 && i >= 0 && (this.vBits[i] & (1 << b)) !== 0;
  }
}

/** Where each judge family's versions appeared, for picking the newest (as `judgeVersions` does on samples). */
interface FamilyOrder {
  versions: string[];
  /** Per version: the first (unit, rank within the unit) it appeared at. */
  first: { unit: number; rank: number }[];
  /** Per unit: 1 + index of the version whose first appearance on that unit came last (0: none). */
  last: Uint8Array | Uint16Array;
}

/**
 * Results as counts per cell and query plus a few bytes per sample; see the
 * file comment.
 */
export class ResultsTally {
  manifest: RunManifest | null = null;
  /** Where the results came from (a folder, or "(in memory)"). */
  dir = "(in memory)";
  readonly cells = new Map<string, TallyCell>();
  /** Facts byte per unit. */
  private facts: Uint8Array = new Uint8Array(0);
  private nUnits = 0;
  /** Unit ids of samples whose key is not of `sampleKey`'s form. */
  private odd = new Map<string, number>();
  private oddUnits = new Set<number>();
  private experiments = new Set<string>();
  private queryIds = new Map<string, string>();
  readonly columns = new Map<string, VerdictColumn>();
  private families = new Map<string, FamilyOrder>();
  /** Sample records read, and records superseded by a later one of the same sample. */
  records = 0;
  superseded = 0;
  /** Judgement records read, and those naming no sample present. */
  judgementRecords = 0;
  orphanJudgements = 0;
  private lastCellKey = "";
  private lastCell: TallyCell | null = null;

  /** Samples held (one per key). */
  get units(): number {
    return this.nUnits;
  }

  /** The facts byte of a unit. */
  factsOf(unit: number): number {
    return this.facts[unit];
  }

  private cell(model: string, condition: string, tier: string): TallyCell {
    const k = `${model}\u0000${condition}\u0000${tier}`;
    if (k === this.lastCellKey && this.lastCell) return this.lastCell;
    let c = this.cells.get(k);
    if (!c) {
      this.cells.set(k, (c = { model, condition, tier, queries: new Map(), units: new CellUnits() }));
      this.byPrefix.clear();
      this.recent = [];
    }
    this.lastCellKey = k;
    this.lastCell = c;
    return c;
  }

  /** A cell if present. */
  getCell(model: string, condition: string, tier: string): TallyCell | undefined {
    return this.cells.get(`${model}\u0000${condition}\u0000${tier}`);
  }

  /**
   * Add one sample record. A record for a sample already held replaces it
   * when it succeeded or the held one failed (its last success, else its
   * last failure). Returns the unit id.
   */
  addSample(s: SampleFacts): number {
    this.records++;
    if (!Number.isInteger(s.sample) || s.sample < 0) throw new RangeError(`sample index must be a non-negative integer, got ${s.sample}`);
    const c = this.cell(s.model, s.condition, s.tier);
    let slot = c.queries.get(s.query_id);
    if (!slot) {
      // one string per query id, shared by every cell
      let q = this.queryIds.get(s.query_id);
      if (q === undefined) this.queryIds.set(s.query_id, (q = s.query_id));
      c.queries.set(q, (slot = new QuerySlot(q, c.units, c.units.add())));
      if (this.recent.length) this.recent = [];
    }
    const f = unitFacts(s);
    let u = slot.unit(s.sample);
    if (u >= 0) {
      this.superseded++;
      const prevFailed = (this.facts[u] & UNIT.FAILED) !== 0;
      if (s.error === null || prevFailed) this.facts[u] = f;
    } else {
      u = this.nUnits++;
      this.facts = grownU8(this.facts, this.nUnits);
      this.facts[u] = f;
      slot.set(s.sample, u);
    }
    if (s.key !== undefined) {
      if (s.experiment !== undefined) this.experiments.add(s.experiment);
      if (!regularKey(s)) {
        this.odd.set(s.key, u);
        this.oddUnits.add(u);
      }
    }
    return u;
  }

  /** Cells by the key prefix "experiment|condition|model|tier|" (null: no such cell). */
  private byPrefix = new Map<string, TallyCell | null>();
  /** The prefixes met last, with their cell and the last query seen under each (judgements of a sample, and of a cell, come near each other). */
  private recent: { prefix: string; cell: TallyCell | null; query: string; slot: QuerySlot | undefined }[] = [];

  /** The unit a sample key names, or −1. */
  unitOfKey(key: string): number {
    if (this.odd.size) {
      const o = this.odd.get(key);
      if (o !== undefined) return o;
    }
    // "experiment|condition|model|tier|query|sample": the cell from the prefix, then the query and index
    const last = key.lastIndexOf("|");
    if (last < 0) return -1;
    const rec = this.recent;
    let r = rec.length && key.startsWith(rec[0].prefix) ? rec[0] : undefined;
    if (!r) {
      for (let k = 1; k < rec.length; k++) {
        if (key.startsWith(rec[k].prefix)) {
          r = rec[k];
          rec.splice(k, 1);
          rec.unshift(r);
          break;
        }
      }
    }
    if (!r) {
      let i = -1;
      for (let k = 0; k < 4; k++) {
        i = key.indexOf("|", i + 1);
        if (i < 0) return -1;
      }
      if (last <= i) return -1;
      const prefix = key.slice(0, i + 1);
      let cell = this.byPrefix.get(prefix);
      if (cell === undefined) {
        const p = prefix.split("|");
        cell = this.experiments.has(p[0]) ? (this.getCell(p[2], p[1], p[3]) ?? null) : null;
        this.byPrefix.set(prefix, cell);
      }
      r = { prefix, cell, query: "", slot: undefined };
      if (this.recent.length >= 8) this.recent.pop();
      this.recent.unshift(r);
    }
    if (!r.cell) return -1;
    const qStart = r.prefix.length;
    if (last < qStart) return -1;
    let n = 0;
    if (last + 1 >= key.length || (key.charCodeAt(last + 1) === 48 && last + 2 < key.length)) return -1;
    for (let k = last + 1; k < key.length; k++) {
      const c = key.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return -1;
      n = n * 10 + c;
    }
    if (!(last - qStart === r.query.length && key.startsWith(r.query, qStart))) {
      r.query = key.slice(qStart, last);
      r.slot = r.cell.queries.get(r.query);
    }
    const u = r.slot?.unit(n) ?? -1;
    return u >= 0 && !this.oddUnits.has(u) ? u : -1;
  }

  /** Add a judgement of the sample with this key; false when no such sample is held. */
  addJudgement(sampleKey: string, j: Judgement): boolean {
    this.judgementRecords++;
    const u = this.unitOfKey(sampleKey);
    if (u < 0) {
      this.orphanJudgements++;
      return false;
    }
    this.addJudgementAt(u, j);
    return true;
  }

  /** Add a judgement of a unit (its version replaces that version's earlier record). */
  addJudgementAt(unit: number, j: Judgement): void {
    const id = `${j.judge}@${j.version}`;
    let col = this.columns.get(id);
    if (!col) this.columns.set(id, (col = new VerdictColumn(j.judge, j.version, this.nUnits)));
    const isNew = !col.has(unit);
    col.set(unit, j);
    if (!isNew) return;
    // the order versions appeared in, per unit (the newest version of a sample is the one it got last)
    let fam = this.families.get(j.judge);
    if (!fam) this.families.set(j.judge, (fam = { versions: [], first: [], last: new Uint8Array(this.nUnits) }));
    if (fam.last.length < unit + 1) fam.last = fam.last instanceof Uint8Array ? grownU8(fam.last, unit + 1) : grownU16(fam.last, unit + 1);
    let v = fam.versions.indexOf(j.version);
    // rank: how many versions of this family the unit had before this one
    let rank = 0;
    for (const other of fam.versions) if (other !== j.version && this.columns.get(`${j.judge}@${other}`)?.has(unit)) rank++;
    if (v < 0) {
      v = fam.versions.push(j.version) - 1;
      fam.first.push({ unit, rank });
      if (v + 1 > 255 && fam.last instanceof Uint8Array) fam.last = Uint16Array.from(fam.last);
    } else {
      const f = fam.first[v];
      if (unit < f.unit || (unit === f.unit && rank < f.rank)) fam.first[v] = { unit, rank };
    }
    fam.last[unit] = v + 1;
  }

  /** A judge version's column, if any sample has it. */
  column(judge: string, version: string): VerdictColumn | undefined {
    return this.columns.get(`${judge}@${version}`);
  }

  /**
   * A judge family's versions, newest last: ordered by how many samples got
   * each as their last version of the family, then by first appearance (the
   * rule of `judgeVersions` on samples).
   */
  versionsOf(judge: string): string[] {
    const fam = this.families.get(judge);
    if (!fam) return [];
    const votes = new Array<number>(fam.versions.length).fill(0);
    const n = Math.min(this.nUnits, fam.last.length);
    for (let u = 0; u < n; u++) if (fam.last[u]) votes[fam.last[u] - 1]++;
    const order = fam.versions.map((_, i) => i);
    const firstCmp = (a: number, b: number) => fam.first[a].unit - fam.first[b].unit || fam.first[a].rank - fam.first[b].rank;
    order.sort((a, b) => votes[a] - votes[b] || firstCmp(a, b));
    return order.map((i) => fam.versions[i]);
  }

  /** Cells sorted by model, condition, tier. */
  sortedCells(): TallyCell[] {
    return [...this.cells.values()].sort((a, b) => a.model.localeCompare(b.model) || a.condition.localeCompare(b.condition) || a.tier.localeCompare(b.tier));
  }

  /**
   * A tally of samples in memory (judgements merged in, as `loadRun` gives
   * them): each sample's judgements are taken in the order they were merged.
   */
  static fromSamples(samples: readonly Sample[], manifest: RunManifest | null = null): ResultsTally {
    const t = new ResultsTally();
    t.manifest = manifest;
    for (const s of samples) {
      const u = t.addSample({ ...sampleFacts(s) });
      for (const j of Object.values(s.judgements ?? {})) t.addJudgementAt(u, j);
    }
    return t;
  }

  /**
   * A tally of rows (`sampleRows`, a frame's rows) or the slim records the
   * contrasts read: tags and outcomes only (rows carry each judge's verdict
   * that counts, not its versions).
   */
  static fromRows(rows: readonly RowLike[]): ResultsTally {
    const t = new ResultsTally();
    for (const r of rows) t.addSample(rowFacts(r));
    return t;
  }
}

/** Whether a sample's key is what `sampleKey` makes of its fields (and can be read back). */
function regularKey(s: SampleFacts): boolean {
  const { key, experiment, condition, model, tier, query_id, sample } = s;
  if (experiment === undefined || key === undefined) return false;
  for (const x of [experiment, condition, model, tier, query_id]) if (x.includes("|")) return false;
  return key === `${experiment}|${condition}|${model}|${tier}|${query_id}|${sample}`;
}

/** What a tally reads of a full sample record. */
export function sampleFacts(s: Pick<Sample, "key" | "experiment" | "model" | "condition" | "tier" | "query_id" | "sample" | "accepted" | "accept_then_refuse" | "error" | "outcome" | "scratchpad">): SampleFacts {
  return {
    key: s.key,
    experiment: s.experiment,
    model: s.model,
    condition: s.condition,
    tier: s.tier,
    query_id: s.query_id,
    sample: s.sample,
    accepted: s.accepted,
    accept_then_refuse: s.accept_then_refuse,
    error: s.error,
    outcome: s.outcome,
    scratchpad: !!(s.scratchpad && s.scratchpad.trim()),
  };
}

/** A row (`sampleRows`) or a slim sample record. */
export type RowLike =
  | { model: string; condition: string; tier: string; query_id: string; sample: number; complied: number; failed: number; invalid?: number; accept_then_refuse?: number; outcome?: Outcome; scratchpad?: string | null; key?: string; experiment?: string }
  | { model: string; condition: string; tier: string; query_id: string; sample: number; accepted: boolean | null; accept_then_refuse: boolean; error: string | null; outcome?: Outcome; scratchpad?: string | null; key?: string; experiment?: string };

/** What a tally reads of a row or a slim record. */
export function rowFacts(r: RowLike): SampleFacts {
  const base = { model: r.model, condition: r.condition, tier: r.tier, query_id: r.query_id, sample: Number(r.sample), outcome: r.outcome, scratchpad: !!(r.scratchpad && String(r.scratchpad).trim()) };
  if ("complied" in r) {
    const complied = Number(r.complied) === 1;
    const atr = Number(r.accept_then_refuse ?? 0) === 1;
    const invalid = Number(r.invalid ?? 0) === 1;
    return { ...base, accepted: complied || atr ? true : invalid ? null : false, accept_then_refuse: atr, error: Number(r.failed) === 1 ? "failed" : null };
  }
  return { ...base, accepted: r.accepted, accept_then_refuse: r.accept_then_refuse, error: r.error };
}

/** What the tables take: a tally, a DataFrame from `load`, rows, samples (judgements merged in), or slim records. */
export type TallyInput = ResultsTally | FrameLike | readonly SampleRow[] | readonly Sample[] | readonly RowLike[];

/**
 * A tally of whatever the tables take: itself, a DataFrame or rows (tags
 * only), samples with their judgements, or slim records.
 *
 * @example asTally(await load("runs/demo")).units
 */
export function asTally(input: TallyInput): ResultsTally {
  if (input instanceof ResultsTally) return input;
  if (isFrame(input)) return ResultsTally.fromRows(frameRows(input) as unknown as RowLike[]);
  const list = input as readonly Record<string, unknown>[];
  if (!list.length) return new ResultsTally();
  const first = list[0];
  if ("complied" in first && "failed" in first) return ResultsTally.fromRows(list as unknown as RowLike[]);
  if ("request" in first && "judgements" in first) return ResultsTally.fromSamples(list as unknown as Sample[]);
  return ResultsTally.fromRows(list as unknown as RowLike[]);
}
