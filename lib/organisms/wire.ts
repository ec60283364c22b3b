import { z } from "zod";
import { OrganismError } from "./types";

/**
 * The request bodies the organisms accept, as zod schemas. Unknown fields are
 * let through (clients send many), known ones are checked.
 */

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const WireMessageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
});

const common = {
  model: z.string().optional(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.boolean().nullish(),
};

/** A chat-completions body. */
export const ChatBodySchema = z.looseObject({ ...common, messages: z.array(WireMessageSchema).min(1) });
export type ChatBody = z.infer<typeof ChatBodySchema>;

/** A completions body; `prompt` may be one string or several. */
export const CompletionBodySchema = z.looseObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).min(1).max(32)]),
});
export type CompletionBody = z.infer<typeof CompletionBodySchema>;

/** Parse a body with a schema, or throw OrganismError 400 naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join(".") : "body";
  throw new OrganismError(400, `Invalid request: ${where}: ${issue.message}`);
}
