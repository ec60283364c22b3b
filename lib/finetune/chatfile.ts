/**
 * The chat fine-tuning format the providers take: one JSON object per line,
 * `{"messages": [{"role", "content"}, …]}` (OpenAI's chat fine-tuning input,
 * https://platform.openai.com/docs/api-reference/fine-tuning/chat-input).
 * Roles are system, user and assistant, every content is a non-empty string,
 * and there is at least one assistant message (the checks of OpenAI's
 * cookbook, https://cookbook.openai.com/examples/chat_finetuning_data_prep).
 * Assistant messages may carry `weight` 0 or 1.
 */
import { z } from "zod";

export const ChatMessage = z.strictObject({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
  name: z.string().optional(),
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatExample = z.strictObject({ messages: z.array(ChatMessage).min(1) });
export type ChatExample = z.infer<typeof ChatExample>;

/** What is wrong with an example's turn order, or null when it is fine. */
export function turnProblem(messages: readonly ChatMessage[]): string | null {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.weight !== undefined && m.role !== "assistant") return `messages.${i}: weight is only allowed on assistant messages`;
    if (m.content.trim() === "") return `messages.${i}: empty ${m.role} content`;
  }
  if (!messages.some((m) => m.role === "assistant")) return "no assistant message";
  return null;
}
