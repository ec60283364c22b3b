/**
 * Which organism answers a request: the scripted judge, the paraphrase and
 * dataset-writer stand-ins, or a simulated subject model (chat or
 * completions). One dispatcher, used by the organism server and by the
 * in-process endpoint, so both answer every model name the same way.
 */
import { generateDeliberator, isDeliberatorModel } from "./deliberator";
import { generateJudge, isJudgeModel } from "./judge";
import { generateParaphrase, isParaphraserModel } from "./paraphraser";
import { generateWriter, isWriterModel } from "./writer";
import { generateChat, generateCompletion, type Generated } from "./respond";
import type { makeRegistry } from "./registry";

/**
 * Answer one request body for `model` (chat: `messages`; completions: `prompt`).
 * Throws OrganismError (with an HTTP status) for an unknown model or a bad body.
 */
export function generateFor(model: string, body: object, chat: boolean, registry: ReturnType<typeof makeRegistry>): Generated {
  if (isJudgeModel(model)) return generateJudge(model, body);
  if (isParaphraserModel(model)) return generateParaphrase(model, body);
  if (isWriterModel(model)) return generateWriter(model, body);
  if (chat && isDeliberatorModel(model)) return generateDeliberator(model, body);
  return chat ? generateChat(model, body, registry) : generateCompletion(model, body, registry);
}
