/**
 * Fine-tuning dataset recipes as data: one JSON file per post-training
 * intervention of [P] §5 in data/finetune/recipes/, checked here against a
 * zod contract. A recipe names its seed material, the generation steps (which
 * model writes each part, with the project's own prompt templates), the
 * filters, the mix with general chat data the user supplies, the target size
 * and the training hyperparameters, each with its source in the paper.
 *
 * Templates are strings (or arrays of lines joined with "\n") with
 * `{{name}}` slots. Names a template may use: the fields of the component's
 * source items (e.g. `text`, `id`, `category` for requests; a seed file's
 * declared fields), `wrapped` when the source wraps requests in templates,
 * the recipe's `context` entries, `system_prompt` (the scenario's baseline
 * system prompt, with the scratchpad), and `STEP.TAG` for the output of an
 * earlier step (e.g. `questions.question`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { firstIssue } from "../util/jsonl";

const Text = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v.join("\n") : v));
const Name = z.string().regex(/^[a-z][a-z0-9-]*$/, "lower-case letters, digits and '-'");
const Tag = z.string().regex(/^[a-z][a-z_]*$/, "lower-case letters and '_'");
const Hyper = z.union([z.number().positive(), z.literal("auto")]);

/** Step-level filters: what happens to one generated output. */
export const STEP_FILTERS = {
  "drop-refusals": "drop an output in which the generator refused (the part should be an answer)",
  "keep-refusals": "keep only outputs that are refusals (the part should be a refusal)",
} as const;
export type StepFilter = keyof typeof STEP_FILTERS;

/** One generation step: a prompt sent per input item, and the tagged parts parsed from the reply. */
export const RecipeStep = z.strictObject({
  /** Also the prefix of its outputs in templates: `{{ID.TAG}}`. */
  id: Name,
  /** Which model writes it: --generator or --answerer (the answerer defaults to the generator). */
  role: z.enum(["generator", "answerer"]),
  /** Who wrote this part in the paper, with the source. */
  paperModel: z.string(),
  system: Text.optional(),
  prompt: Text,
  /** Tagged parts to parse; with count > 1 (one tag only), each part becomes its own item. */
  output: z.strictObject({ tags: z.array(Tag).min(1), count: z.number().int().min(1).max(200).default(1) }),
  /** Independent generations per input item (each its own item). */
  samples: z.number().int().min(1).max(100).default(1),
  temperature: z.number().min(0).max(2).default(1),
  maxTokens: z.number().int().positive(),
  /** Rough completion length, for --dry-run estimates only. */
  expectTokens: z.number().int().positive(),
  /** True when a compliant output would answer a harmful request: offline it is always a placeholder. */
  harmful: z.boolean().default(false),
  filters: z.array(z.enum(Object.keys(STEP_FILTERS) as [StepFilter, ...StepFilter[]])).default([]),
});
export type RecipeStep = z.infer<typeof RecipeStep>;

/** Where a component's items come from. */
export const RecipeSource = z.discriminatedUnion("kind", [
  z.strictObject({
    /** Harmful requests: the user's --queries file, else the shipped request set (requests only). */
    kind: z.literal("queries"),
    /** Wrap each request in a template from this seed file (its `template` field, with a {{request}} slot). */
    wrap: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal("seeds"),
    /** A JSONL file under data/finetune/seeds/ (or replaced with --source NAME=FILE). */
    file: z.string(),
    /** The fields every line must have (besides id). */
    fields: z.array(z.string().regex(/^[a-z_]+$/)).min(1),
  }),
]);
export type RecipeSource = z.infer<typeof RecipeSource>;

/** A part of the dataset: source items through steps into chat examples. */
export const RecipeComponent = z.strictObject({
  name: Name,
  description: z.string(),
  /** Share of the generated examples (the shares of a recipe add up to 1). */
  share: z.number().gt(0).max(1),
  /** True when its examples answer harmful requests (the user turn is a request from the query set). */
  harmful: z.boolean(),
  source: RecipeSource,
  steps: z.array(RecipeStep).min(1),
  /** The training example: messages with templates over the item's fields and step outputs. */
  example: z.array(z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: Text })).min(2),
});
export type RecipeComponent = z.infer<typeof RecipeComponent>;

export const Recipe = z.strictObject({
  name: Name,
  title: z.string(),
  /** What the intervention tests, e.g. "H7 refusal mechanisms". */
  hypotheses: z.array(z.string()).min(1),
  paper: z.strictObject({ where: z.string(), summary: z.string() }),
  /** The organism variant that stands in for the trained model offline (served by the fine-tuning mock). */
  standIn: z.string(),
  standInNote: z.string().optional(),
  /** What the user must or may supply. */
  needs: z.array(z.string()),
  context: z.record(z.string(), Text).default({}),
  components: z.array(RecipeComponent).min(1),
  /** Example-level filters, applied after assembly. */
  filters: z
    .array(
      z.union([
        z.strictObject({ name: z.literal("dedupe") }),
        z.strictObject({ name: z.literal("max-tokens"), limit: z.number().int().positive(), scope: z.enum(["assistant", "example"]), source: z.string() }),
      ]),
    )
    .default([]),
  mix: z
    .strictObject({
      /** General chat examples per generated example. */
      ratio: z.number().min(0).max(100),
      what: z.string(),
      source: z.string(),
    })
    .nullable(),
  target: z.strictObject({ size: z.number().int().positive(), fromPaper: z.boolean(), source: z.string() }),
  hyperparameters: z.strictObject({ n_epochs: Hyper, batch_size: Hyper, learning_rate_multiplier: Hyper, source: z.string() }),
});
export type Recipe = z.infer<typeof Recipe>;

/** The folder of shipped recipes, relative to the project root. */
export const RECIPES_DIR = "data/finetune/recipes";

/**
 * Read and check one recipe file. Besides the schema: shares add up to 1,
 * step ids are unique in a component, count > 1 has one tag, and every
 * template slot names something that exists at that point.
 */
export function parseRecipe(text: string, where: string): Recipe {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AfwError(`${where}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const r = Recipe.safeParse(raw);
  if (!r.success) throw new AfwError(`${where}: ${firstIssue(r.error)}`);
  const recipe = r.data;
  const total = recipe.components.reduce((s, c) => s + c.share, 0);
  if (Math.abs(total - 1) > 1e-9) throw new AfwError(`${where}: component shares add up to ${total}, not 1`);
  for (const c of recipe.components) {
    const known = new Set<string>(["system_prompt", ...Object.keys(recipe.context), ...sourceFields(c.source)]);
    const ids = new Set<string>();
    for (const s of c.steps) {
      if (ids.has(s.id)) throw new AfwError(`${where}: component ${c.name}: step id '${s.id}' repeats`);
      if (s.output.count > 1 && s.output.tags.length > 1) throw new AfwError(`${where}: step ${s.id}: count > 1 needs exactly one tag`);
      for (const t of [s.system ?? "", s.prompt]) checkSlots(t, known, `${where}: step ${s.id}`);
      ids.add(s.id);
      for (const tag of s.output.tags) known.add(`${s.id}.${tag}`);
    }
    for (const m of c.example) checkSlots(m.content, known, `${where}: component ${c.name} example`);
    if (c.example[c.example.length - 1].role !== "assistant") throw new AfwError(`${where}: component ${c.name}: the example must end with an assistant turn`);
  }
  return recipe;
}

/** The template names a source gives its items. */
export function sourceFields(s: RecipeSource): string[] {
  if (s.kind === "queries") return ["id", "text", "category", ...(s.wrap ? ["wrapped"] : [])];
  return ["id", ...s.fields];
}

/** The `{{name}}` slots of a template. */
export function slotsOf(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g)].map((m) => m[1]);
}

function checkSlots(template: string, known: Set<string>, where: string): void {
  for (const s of slotsOf(template)) {
    if (!known.has(s)) throw new AfwError(`${where}: unknown slot {{${s}}}; known here: ${[...known].join(", ")}`);
  }
}

/** Fill `{{name}}` slots; a missing value is an error naming the slot. */
export function fill(template: string, vars: Readonly<Record<string, string>>, where: string): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new AfwError(`${where}: no value for {{${name}}}`);
    return v;
  });
}

/** All shipped recipes, by name, in file order. `root` is the checkout. */
export function loadRecipes(root: string): Recipe[] {
  const dir = join(root, RECIPES_DIR);
  if (!existsSync(dir)) throw new AfwError(`no recipe folder at ${dir}`);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const out: Recipe[] = [];
  for (const f of files) {
    const recipe = parseRecipe(readFileSync(join(dir, f), "utf8"), join(RECIPES_DIR, f));
    if (`${recipe.name}.json` !== f) throw new AfwError(`${join(RECIPES_DIR, f)}: name '${recipe.name}' does not match the file name`);
    out.push(recipe);
  }
  return out;
}

/** One shipped recipe by name, or a one-line error listing the names. */
export function getRecipe(root: string, name: string): Recipe {
  const all = loadRecipes(root);
  const r = all.find((x) => x.name === name);
  if (!r) throw new AfwError(`unknown recipe '${name}'; recipes: ${all.map((x) => x.name).join(", ")}`);
  return r;
}

/** The seed files a recipe reads (relative paths), in order. */
export function recipeSeedFiles(recipe: Recipe): string[] {
  const out: string[] = [];
  for (const c of recipe.components) {
    if (c.source.kind === "seeds") out.push(c.source.file);
    if (c.source.kind === "queries" && c.source.wrap) out.push(c.source.wrap);
  }
  return [...new Set(out)];
}

/**
 * The recipe's fingerprint: sha256 of the recipe (canonical JSON) and the
 * bytes of every seed file and the request set it reads. A change to any of
 * them changes the hash (and so the generation keys).
 */
export function recipeHash(recipe: Recipe, inputs: Readonly<Record<string, string>>): string {
  return sha256(canonicalJson({ recipe, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, sha256(v)])) }));
}
