/**
 * The inputs of a build, read and checked before any call is made: seed
 * files (JSONL with an id and the fields the recipe declares), the harmful
 * request set (the user's --queries file or the shipped one: requests only),
 * threat templates, and the general chat file to mix in. Bad input is one
 * line naming the file and line.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, extname, isAbsolute, join } from "node:path";
import { loadQueries, SHIPPED_QUERIES_PATH } from "../queries/index";
import { AfwError } from "../util/errors";
import { firstIssue } from "../util/jsonl";
import { ChatExample, turnProblem } from "./chatfile";
import type { Recipe } from "./recipe";

/** One source item's template fields (always with `id`). */
export type SeedItem = Readonly<Record<string, string>>;

/** Everything a build reads, with each file's text for the recipe hash. */
export interface BuildInputs {
  /** Items per component name. */
  items: Record<string, SeedItem[]>;
  /** Wrapping templates per component name (threats): top item k wraps request k mod S in template k mod T. */
  wraps: Record<string, SeedItem[]>;
  /** File path (as given) → its text, for the recipe hash and the manifest. */
  files: Record<string, string>;
  /** The general chat examples to mix in (all of the file, in order). */
  mix: ChatExample[];
  mixFile: string | null;
}

export interface InputOptions {
  root: string;
  queriesFile?: string | null;
  /** Seed-file stem → replacement file, e.g. { "document-briefs": "my-briefs.jsonl" }. */
  sources?: Record<string, string>;
  mixFile?: string | null;
}

/** The stem by which --source names a seed file: "data/finetune/seeds/principles.jsonl" → "principles". */
export function seedStem(file: string): string {
  return basename(file, extname(file));
}

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new AfwError(`${what} ${path}: no such file`);
  return readFileSync(path, "utf8");
}

/** A seed JSONL file: every line an object with a unique string id and every needed field as a non-empty string. */
export function parseSeeds(text: string, where: string, fields: readonly string[]): SeedItem[] {
  const out: SeedItem[] = [];
  const ids = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${where}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new AfwError(`${at}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new AfwError(`${at}: expected a JSON object`);
    const o = raw as Record<string, unknown>;
    const item: Record<string, string> = {};
    for (const f of ["id", ...fields]) {
      const v = o[f];
      if (typeof v !== "string" || v.trim() === "") throw new AfwError(`${at}: field "${f}" must be a non-empty string`);
      item[f] = v;
    }
    const seen = ids.get(item.id);
    if (seen !== undefined) throw new AfwError(`${at}: duplicate id "${item.id}" (first on line ${seen})`);
    ids.set(item.id, i + 1);
    out.push(item);
  });
  if (!out.length) throw new AfwError(`${where}: no items`);
  return out;
}

/** A general chat file: every line a valid chat example. */
export function parseChatFile(text: string, where: string): ChatExample[] {
  const out: ChatExample[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${where}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new AfwError(`${at}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    const r = ChatExample.safeParse(raw);
    if (!r.success) throw new AfwError(`${at}: not a chat example ({"messages": [...]}): ${firstIssue(r.error)}`);
    const turn = turnProblem(r.data.messages);
    if (turn) throw new AfwError(`${at}: ${turn}`);
    out.push(r.data);
  });
  if (!out.length) throw new AfwError(`${where}: no examples`);
  return out;
}

/** Read every input of a recipe; throws a one-line AfwError on the first problem. */
export function readInputs(recipe: Recipe, o: InputOptions): BuildInputs {
  const files: Record<string, string> = {};
  const sources = o.sources ?? {};
  const stems = new Set<string>();
  for (const c of recipe.components) {
    if (c.source.kind === "seeds") stems.add(seedStem(c.source.file));
    if (c.source.kind === "queries" && c.source.wrap) stems.add(seedStem(c.source.wrap));
  }
  for (const k of Object.keys(sources)) {
    if (!stems.has(k)) throw new AfwError(`--source ${k}: recipe ${recipe.name} reads no seed file named ${k}; it reads: ${[...stems].join(", ") || "none"}`);
  }
  const resolvePath = (file: string): string => {
    const over = sources[seedStem(file)];
    return over ?? (isAbsolute(file) ? file : join(o.root, file));
  };
  let queries: SeedItem[] | null = null;
  const loadRequests = (): SeedItem[] => {
    if (queries) return queries;
    const path = o.queriesFile ?? join(o.root, SHIPPED_QUERIES_PATH);
    files[o.queriesFile ?? SHIPPED_QUERIES_PATH] = readText(path, "queries file");
    queries = loadQueries(path).map((q) => ({ id: q.id, text: q.text, category: q.category ?? "none" }));
    return queries;
  };
  const items: Record<string, SeedItem[]> = {};
  const wraps: Record<string, SeedItem[]> = {};
  for (const c of recipe.components) {
    if (c.source.kind === "seeds") {
      const path = resolvePath(c.source.file);
      const text = readText(path, "seed file");
      files[sources[seedStem(c.source.file)] ?? c.source.file] = text;
      items[c.name] = parseSeeds(text, sources[seedStem(c.source.file)] ?? c.source.file, c.source.fields);
    } else {
      const reqs = loadRequests();
      if (!c.source.wrap) {
        items[c.name] = reqs;
        continue;
      }
      const path = resolvePath(c.source.wrap);
      const label = sources[seedStem(c.source.wrap)] ?? c.source.wrap;
      const text = readText(path, "template file");
      files[label] = text;
      const templates = parseSeeds(text, label, ["template"]);
      templates.forEach((t, i) => {
        if (!t.template.includes("{{request}}")) throw new AfwError(`${label}: template ${t.id} (item ${i + 1}) has no {{request}} slot`);
      });
      items[c.name] = reqs;
      wraps[c.name] = templates;
    }
  }
  let mix: ChatExample[] = [];
  if (o.mixFile) {
    files[o.mixFile] = readText(o.mixFile, "mix file");
    mix = parseChatFile(files[o.mixFile], o.mixFile);
  }
  return { items, wraps, files, mix, mixFile: o.mixFile ?? null };
}
