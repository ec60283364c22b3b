/**
 * Where a run's results go: a results folder (the files of this room), or
 * memory (for in-process sweeps that would only read the folder back). The
 * runner and the judges talk to this interface, so both kinds behave alike:
 * resuming skips finished keys, judgements sit beside samples, and `load`
 * gives the samples with their judgements merged.
 */
import type { JudgementRecord, Request, RunManifest, Sample } from "../schema/index";
import { compactSamples } from "./compact";
import { openJudgementWriter, readJudgements } from "./judgements";
import { loadRun, type LoadedRun } from "./load";
import { readManifest, writeManifest } from "./manifest";
import { PromptStore } from "./prompts";
import { openSampleWriter, readSamples, scanSamples, type ScanResult } from "./samples";
import { mkdirSync } from "node:fs";
import { batchJournalPath } from "./batches";

/** An append-only writer of records. */
export interface RecordWriter<T> {
  append(record: T): void;
  close(): void;
  /** Records appended so far. */
  written: number;
}

/** A run's results: the runner and the judges read and write them only through this. */
export interface ResultsStore {
  /** The results folder, or null when the results are kept in memory. */
  readonly dir: string | null;
  readManifest(): RunManifest | null;
  writeManifest(m: RunManifest): void;
  /** Which keys are done and which failed (a torn last line is cut first). */
  scanSamples(): Promise<ScanResult>;
  openSampleWriter(): RecordWriter<Sample>;
  /** The request as stored (system prompts by reference in a folder). */
  slimRequest(req: Request): Request;
  /** Keep one record per key; returns how many were dropped. */
  compactSamples(): Promise<number>;
  /** One record per key, requests whole. */
  readSamples(): Promise<Sample[]>;
  /** Judgement records in the order they were written. */
  readJudgements(opts?: { repair?: boolean }): Promise<{ records: JudgementRecord[]; repairedBytes: number }>;
  openJudgementWriter(): RecordWriter<JudgementRecord>;
  /** The manifest and the samples with their judgements merged under "judge@version". */
  load(): Promise<LoadedRun>;
  /** Where the journal of batches sent to `provider` lives (batches/<provider>.jsonl); null in memory (the pipeline keeps a temporary one). */
  batchJournal(provider: string): string | null;
}

/**
 * A results folder as a ResultsStore (created when first written).
 * @example const store = folderStore("runs/demo"); (await store.load()).samples.length;
 */
export function folderStore(dir: string): ResultsStore {
  let prompts: PromptStore | null = null;
  return {
    dir,
    readManifest: () => readManifest(dir),
    writeManifest: (m) => {
      mkdirSync(dir, { recursive: true });
      writeManifest(dir, m);
    },
    scanSamples: () => scanSamples(dir),
    openSampleWriter: () => {
      mkdirSync(dir, { recursive: true });
      return openSampleWriter(dir);
    },
    slimRequest: (req) => (prompts ??= PromptStore.of(dir)).slim(req),
    compactSamples: () => compactSamples(dir),
    readSamples: () => readSamples(dir),
    readJudgements: (opts) => readJudgements(dir, opts),
    openJudgementWriter: () => {
      mkdirSync(dir, { recursive: true });
      return openJudgementWriter(dir);
    },
    load: () => loadRun(dir),
    batchJournal: (provider) => batchJournalPath(dir, provider),
  };
}

/**
 * Results kept in memory: the same behaviour as a folder (one record per
 * key, its last success else its last failure; judgements in order), with
 * no files. For in-process sweeps of tens of thousands of samples.
 */
export function memoryStore(): ResultsStore {
  let manifest: RunManifest | null = null;
  const samples = new Map<string, Sample>();
  const judgements: JudgementRecord[] = [];
  const writer = <T>(sink: (r: T) => void): RecordWriter<T> => {
    const w: RecordWriter<T> = {
      written: 0,
      append(r) {
        sink(r);
        w.written++;
      },
      close() {},
    };
    return w;
  };
  return {
    dir: null,
    readManifest: () => manifest,
    writeManifest: (m) => void (manifest = m),
    scanSamples: async () => {
      const out: ScanResult = { done: new Set(), failed: new Set(), permanent: new Set(), superseded: 0, lines: samples.size, repairedBytes: 0 };
      for (const [k, s] of samples) {
        (s.error === null ? out.done : out.failed).add(k);
        if (s.error !== null && s.error_kind === "permanent") out.permanent.add(k);
      }
      return out;
    },
    openSampleWriter: () =>
      writer<Sample>((s) => {
        const prev = samples.get(s.key);
        if (!prev || s.error === null || prev.error !== null) samples.set(s.key, s);
      }),
    slimRequest: (req) => req,
    compactSamples: async () => 0,
    readSamples: async () => [...samples.values()],
    readJudgements: async () => ({ records: [...judgements], repairedBytes: 0 }),
    openJudgementWriter: () => writer<JudgementRecord>((r) => judgements.push(r)),
    load: async () => {
      for (const s of samples.values()) s.judgements = {};
      for (const j of judgements) {
        const s = samples.get(j.sample_key);
        if (s) s.judgements[`${j.judgement.judge}@${j.judgement.version}`] = j.judgement;
      }
      return { dir: "(in memory)", manifest, samples: [...samples.values()] };
    },
    batchJournal: () => null,
  };
}
