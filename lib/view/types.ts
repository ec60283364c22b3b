/**
 * What the viewer's server (or its static export) hands the page: the table's
 * columns and rows, one transcript's detail, the navigation within a filter.
 * Shared by the Node side and the browser bundle, so nothing here imports.
 */

export type ColumnKind = "cat" | "num" | "text";
export type Cell = string | number | null;

/** One column of the samples table. */
export interface TableColumn {
  id: string;
  label: string;
  kind: ColumnKind;
  /** Width in pixels. */
  width: number;
  /** What the column holds (shown on hover). */
  title: string;
  /** For categorical columns: each value and how many rows hold it, most common first. */
  values?: { v: string; n: number }[];
}

/**
 * A view of the table: filters by column (a value for categorical columns,
 * an expression such as ">=0.4", "<100" or "0.2..0.5" for numbers, a
 * substring for text), a free-text search over the transcripts (every word
 * must occur; "quoted phrases" stay together), and a sort.
 */
export interface ViewQuery {
  f?: Record<string, string>;
  s?: string;
  o?: [string, 1 | -1] | null;
}

export interface TableRow {
  /** Position in the table as loaded (stable while the viewer runs). */
  i: number;
  /** The sample's id in URLs: "<folder tag>/<sample key>". */
  id: string;
  /** Cells in column order. */
  c: Cell[];
}

export interface RowsPage {
  total: number;
  offset: number;
  rows: TableRow[];
  /** Filters that could not be read, by column id. */
  errors: Record<string, string>;
}

export interface Nav {
  /** Position of the sample in the filtered, sorted list, or -1 when the filter excludes it. */
  index: number;
  total: number;
  prev: string | null;
  next: string | null;
}

export interface FolderInfo {
  tag: string;
  dir: string;
  run_id: string | null;
  experiment: string | null;
  status: string | null;
  samples: number;
  /** Where labels made in the page are written (null in a static export). */
  labels: string | null;
}

export interface Meta {
  title: string;
  folders: FolderInfo[];
  columns: TableColumn[];
  total: number;
  /** False in a static export: labelling needs the server. */
  canLabel: boolean;
}

/** A stretch of reply text: hidden reasoning, final output, or text outside both. */
export interface Segment {
  kind: "scratchpad" | "output" | "other";
  text: string;
  /** Quote highlights within `text`: character ranges and what they quote. */
  marks: Mark[];
}

export interface Mark {
  start: number;
  end: number;
  /** Index into Detail.quotes. */
  q: number;
}

export interface QuoteRef {
  judge: string;
  tag: string;
  text: string;
  target: "scratchpad" | "output";
  /** Where it was found: a "turn.segment" address, or null when the text does not contain it. */
  found: string | null;
  /** Colour group (the AF criterion number, or the judge's position). */
  group: number;
}

export interface TurnView {
  /** Each stretch of the turn's text in order. */
  segments: Segment[];
  finish_reason: string | null;
  tokens: { prompt: number; completion: number } | null;
  /** Hidden reasoning returned apart from the reply (never part of the scratchpad). */
  reasoning: { text: string; source: string } | null;
}

export interface JudgeDetail {
  id: string;
  judge: string;
  version: string;
  judge_model: string | null;
  label: string | null;
  score: number | null;
  valid: boolean;
  /** True for the version the table shows (the newest). */
  current: boolean;
  votes: (boolean | null)[] | null;
  criteria: { name: string; yes: number; valid: number; share: number | null }[] | null;
  facts: [string, string][];
  /** Indices into Detail.quotes. */
  quotes: number[];
}

export interface HumanLabel {
  label: "af" | "not_af" | "unsure";
  note: string;
  labelled_at: string;
}

export interface Detail {
  id: string;
  folder: string;
  key: string;
  model: string;
  condition: string;
  factors: Record<string, string | number | boolean | null>;
  tier: string;
  query_id: string;
  query_text: string | null;
  category: string | null;
  sample: number;
  outcome: string;
  finish_reason: string | null;
  error: string | null;
  accepted: boolean | null;
  accept_then_refuse: boolean;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; reasoning_tokens?: number; cached_prompt_tokens?: number } | null;
  provider: string | null;
  model_snapshot: string | null;
  api: string;
  variant: string;
  cot: boolean;
  /** The system prompt (or a base model's document), by hash; its text and the diff come from prompt() and diff(). */
  system: { hash: string; chars: number; baseline: { hash: string; condition: string; variant: string } | null } | null;
  /** The request's other messages (user turn, prefill) in order. */
  messages: { role: string; content: string }[];
  prefill: string | null;
  turns: TurnView[];
  judges: JudgeDetail[];
  quotes: QuoteRef[];
  /** The same (model, condition, query, sample) in every tier, this one included. */
  siblings: { tier: string; id: string }[];
  label: HumanLabel | null;
}

/** A line diff: unchanged context, removed and added lines, and skipped stretches. */
export interface DiffLine {
  op: " " | "-" | "+" | "…";
  text: string;
}

export interface PromptDiff {
  added: number;
  removed: number;
  lines: DiffLine[];
}
