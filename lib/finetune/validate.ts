/**
 * Validation of a chat fine-tuning file before anything is uploaded: the
 * schema of every line, the roles and turns, the token count of every
 * example against the provider's per-example limit (with a real tokenizer,
 * see tokens.ts), duplicates, the minimum number of examples, and the share
 * of examples the content checks flag (placeholders from an offline build,
 * assistant turns that read as refusals). Every problem is one line naming
 * the file and line.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { AfwError } from "../util/errors";
import { sha256, canonicalJson } from "../util/hash";
import { firstIssue } from "../util/jsonl";
import { ChatExample, turnProblem } from "./chatfile";
import { hasPlaceholder, isRefusal } from "./content";
import { exactFor, exampleTokenLimit, exampleTokens, loadTokenizer, TOKENIZER } from "./tokens";

/** OpenAI rejects a training file with fewer examples (fine-tuning guide, "at least 10 examples"). */
export const MIN_EXAMPLES = 10;

export interface ValidateOptions {
  /** The base model the file is for: picks the token limit and says whether counts are exact. */
  baseModel?: string;
  /** Override the per-example token limit. */
  maxTokens?: number;
  /** Stop collecting errors after this many (default 50); the count goes on. */
  maxErrors?: number;
}

export interface ValidationReport {
  file: string;
  ok: boolean;
  /** One line each: "FILE:LINE: problem". */
  errors: string[];
  /** How many errors there were in all (errors holds at most maxErrors). */
  errorCount: number;
  warnings: string[];
  examples: number;
  tokens: { total: number; max: number; mean: number; limit: number; limitKnown: boolean; tokenizer: string; exact: boolean };
  duplicates: number;
  /** Examples with a placeholder anywhere, and with an assistant turn that reads as a refusal. */
  flagged: { placeholders: number; refusals: number; placeholderShare: number; refusalShare: number };
  roles: Record<string, number>;
}

/**
 * Check a training file. Never throws for bad content (it is reported);
 * throws AfwError only when the file cannot be read.
 *
 * @example
 * const r = await validateTrainingFile("runs/ft/train.jsonl", { baseModel: "gpt-4o-mini-2024-07-18" });
 * if (!r.ok) for (const e of r.errors) console.error(e);
 */
export async function validateTrainingFile(file: string, opts: ValidateOptions = {}): Promise<ValidationReport> {
  if (!existsSync(file)) throw new AfwError(`${file}: no such file`);
  if (statSync(file).isDirectory()) throw new AfwError(`${file}: a folder, not a training file (its train.jsonl: ${join(file, "train.jsonl")})`);
  await loadTokenizer();
  const { limit, known } = opts.maxTokens ? { limit: opts.maxTokens, known: true } : exampleTokenLimit(opts.baseModel);
  const maxErrors = opts.maxErrors ?? 50;
  const errors: string[] = [];
  let errorCount = 0;
  const err = (line: number, msg: string) => {
    errorCount++;
    if (errors.length < maxErrors) errors.push(`${file}:${line}: ${msg}`);
  };
  const seen = new Map<string, number>();
  const roles: Record<string, number> = {};
  let examples = 0;
  let total = 0;
  let max = 0;
  let duplicates = 0;
  let placeholders = 0;
  let refusals = 0;
  let lineNo = 0;
  const rl = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) {
      err(lineNo, "blank line (a JSONL training file has one example on every line)");
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      err(lineNo, `not valid JSON (${(e as Error).message.split("\n")[0]})`);
      continue;
    }
    const r = ChatExample.safeParse(raw);
    if (!r.success) {
      err(lineNo, `not a chat example: ${firstIssue(r.error)}`);
      continue;
    }
    const msgs = r.data.messages;
    const turn = turnProblem(msgs);
    if (turn) {
      err(lineNo, turn);
      continue;
    }
    examples++;
    for (const m of msgs) roles[m.role] = (roles[m.role] ?? 0) + 1;
    const n = exampleTokens(msgs);
    total += n;
    if (n > max) max = n;
    if (n > limit) err(lineNo, `${n} tokens, over the ${limit}-token limit per example${known ? "" : " (default limit; pass --base-model for the model's own)"}`);
    const key = sha256(canonicalJson(msgs.map((m) => [m.role, m.content])));
    const first = seen.get(key);
    if (first !== undefined) {
      duplicates++;
      err(lineNo, `duplicate of line ${first}`);
    } else seen.set(key, lineNo);
    if (msgs.some((m) => hasPlaceholder(m.content))) placeholders++;
    if (msgs.some((m) => m.role === "assistant" && isRefusal(m.content))) refusals++;
  }
  if (lineNo === 0) err(1, "empty file");
  else if (examples < MIN_EXAMPLES && errorCount === 0) err(lineNo, `only ${examples} examples; OpenAI needs at least ${MIN_EXAMPLES}`);
  const warnings: string[] = [];
  const exact = exactFor(opts.baseModel);
  if (!exact) warnings.push(`token counts use ${TOKENIZER}${opts.baseModel ? `, not ${opts.baseModel}'s own tokenizer` : " (no --base-model given)"}: approximate`);
  if (placeholders) warnings.push(`${placeholders} of ${examples} examples carry placeholders (an offline build): training on them teaches the placeholder, not the behaviour`);
  return {
    file,
    ok: errorCount === 0,
    errors,
    errorCount,
    warnings,
    examples,
    tokens: { total, max, mean: examples ? total / examples : 0, limit, limitKnown: known, tokenizer: TOKENIZER, exact },
    duplicates,
    flagged: { placeholders, refusals, placeholderShare: examples ? placeholders / examples : 0, refusalShare: examples ? refusals / examples : 0 },
    roles,
  };
}

/** The report as lines for the terminal. */
export function formatValidation(r: ValidationReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${r.file}: ${r.ok ? "valid" : `${r.errorCount} problem(s)`}; ${r.examples} examples, ${r.tokens.total} tokens (max ${r.tokens.max} per example, limit ${r.tokens.limit}, mean ${r.tokens.mean.toFixed(0)}; ${r.tokens.exact ? "exact" : "approximate"}, ${r.tokens.tokenizer})`,
    `roles: ${Object.entries(r.roles).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}; duplicates: ${r.duplicates}`,
    `flagged: ${r.flagged.placeholders} with placeholders (${pct(r.flagged.placeholderShare)}), ${r.flagged.refusals} with a refusal-like assistant turn (${pct(r.flagged.refusalShare)})`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join("\n");
}
