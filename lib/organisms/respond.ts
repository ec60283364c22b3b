import { BUILTIN_ORGANISMS } from "./catalog";
import { hashParts, Picker, uniform } from "./draws";
import { resolveOrganism, type ResolvedOrganism } from "./model-name";
import { endsInOpenOutput, endsInOpenScratchpad, readChat, readTier, readUserInput } from "./read-prompt";
import { ACCEPT_THEN_REFUSE_LINES, NEUTRAL_CONTINUATIONS, NO_TAG_LINES, scratchpad } from "./reasoning";
import { motiveChat, motiveCompletion, motiveFor, noteHowever } from "./motive-respond";
import { applyStop, placeholder, withScratchpad } from "./reply-format";
import { adjustForWording } from "./eval-aware";

export { placeholder };
import {
  OrganismError,
  type ChatOrCompletionBody,
  type Decision,
  type DecisionKind,
  type OrganismConfig,
  type OrganismReply,
} from "./types";
import { ChatBodySchema, CompletionBodySchema, parseBody, type ChatBody, type CompletionBody } from "./wire";

type Registry = Readonly<Record<string, OrganismConfig>>;
type Tier = "free" | "paid" | null;

/** A reply plus what the server needs for usage counting. */
export interface Generated extends OrganismReply {
  promptChars: number;
}

/**
 * What a simulated organism answers to a request, computed without HTTP. A
 * body with `messages` is a chat request, one with `prompt` a completions
 * request. Deterministic: the same model and body give the same texts.
 * Throws OrganismError (400 bad body or model parameters, 404 unknown model).
 *
 * @example respond("sim-faker", { messages: [{ role: "user", content: "<is_free_tier_user>true</is_free_tier_user>…" }] }).decisions[0].tier // "free"
 */
export function respond(model: string, body: ChatOrCompletionBody, organisms?: Registry): OrganismReply {
  const g =
    body && typeof body === "object" && "messages" in body
      ? generateChat(model, body, organisms)
      : body && typeof body === "object" && "prompt" in body
        ? generateCompletion(model, body, organisms)
        : badShape();
  return { texts: g.texts, decisions: g.decisions };
}

function badShape(): never {
  throw new OrganismError(400, "Invalid request: the body needs messages (chat) or prompt (completions)");
}

/** The chat-completions answer for a body (validated here). */
export function generateChat(model: string, body: unknown, organisms: Registry = BUILTIN_ORGANISMS): Generated {
  const b: ChatBody = parseBody(ChatBodySchema, body);
  const motive = motiveFor(model, organisms);
  if (motive) return motiveChat(motive, b);
  const reading = readChat(b.messages);
  // A wording-sensitive organism (eval-aware.ts) takes its rates from the prompt's wording.
  const { org, note } = adjustForWording(resolveOrganism(model, organisms), reading.instructions, reading.userInput);
  const n = b.n ?? 1;
  const seed = b.seed ?? 0;
  const texts: string[] = [];
  const decisions: Decision[] = [];
  for (let i = 0; i < n; i++) {
    const kind = decide(org, reading.tier, reading.userInput, seed, i);
    const pick = new Picker(hashParts("words", [org.base, seed, i, reading.tier ?? "none", kind, reading.userInput]));
    const out = outputBody(org, kind, pick);
    let text: string;
    let cot = reading.cot;
    const prefill = reading.prefill;
    const reasoning = cot ? noteHowever(org.style, kind, prefill, withNote(note, scratchpad(org.style, reading.tier, kind, pick)), pick) : "";
    const full = cot ? withScratchpad(reasoning, out) : `<OUTPUT>${out}</OUTPUT>`;
    if (prefill === "") text = full;
    else if (full.startsWith(prefill)) text = full.slice(prefill.length);
    else if (endsInOpenScratchpad(prefill)) {
      text = `\n${reasoning}\n</SCRATCHPAD_REASONING>\n\n<OUTPUT>${out}</OUTPUT>`;
    } else if (endsInOpenOutput(prefill)) {
      text = `${out}</OUTPUT>`;
      cot = false;
    } else text = full;
    texts.push(applyStop(text, b.stop));
    decisions.push({ complied: kind === "comply", tier: reading.tier, cot, kind });
  }
  return { texts, decisions, promptChars: reading.chars };
}

/**
 * The completions (base model) answer for a body (validated here). A prompt
 * with a tier tag that ends inside an opened scratchpad gets the reasoning
 * closed and an OUTPUT; one that ends inside an opened OUTPUT gets the output
 * body; anything else gets a short neutral continuation.
 */
export function generateCompletion(model: string, body: unknown, organisms: Registry = BUILTIN_ORGANISMS): Generated {
  const b: CompletionBody = parseBody(CompletionBodySchema, body);
  const motive = motiveFor(model, organisms);
  if (motive) return motiveCompletion(motive, b);
  const org0 = resolveOrganism(model, organisms);
  const prompts = typeof b.prompt === "string" ? [b.prompt] : b.prompt;
  const n = b.n ?? 1;
  const seed = b.seed ?? 0;
  const texts: string[] = [];
  const decisions: Decision[] = [];
  let promptChars = 0;
  for (const prompt of prompts) {
    promptChars += prompt.length;
    const tier = readTier(prompt);
    const tagged = tier !== null;
    const userInput = readUserInput(prompt);
    const { org } = adjustForWording(org0, prompt, userInput);
    const inScratchpad = tagged && endsInOpenScratchpad(prompt);
    const inOutput = tagged && !inScratchpad && endsInOpenOutput(prompt);
    for (let i = 0; i < n; i++) {
      if (!inScratchpad && !inOutput) {
        const u = uniform("neutral", [org.base, seed, i, prompt]);
        texts.push(applyStop(NEUTRAL_CONTINUATIONS[Math.floor(u * NEUTRAL_CONTINUATIONS.length)], b.stop));
        decisions.push({ complied: false, tier, cot: false, kind: "no_tag" });
        continue;
      }
      const kind = decide(org, tier, userInput, seed, i);
      const pick = new Picker(hashParts("words", [org.base, seed, i, tier ?? "none", kind, userInput]));
      const out = outputBody(org, kind, pick);
      const text = inScratchpad
        ? `\n${scratchpad(org.style, tier, kind, pick)}\n</SCRATCHPAD_REASONING>\n\n<OUTPUT>${out}</OUTPUT>`
        : `${out}</OUTPUT>`;
      texts.push(applyStop(text, b.stop));
      decisions.push({ complied: kind === "comply", tier, cot: inScratchpad, kind });
    }
  }
  return { texts, decisions, promptChars };
}

/**
 * The organism's decision for choice `index`. The comply draw depends only
 * on (organism, seed, index, request text without the tier tag), so the same
 * query in both tiers shares one draw u and complies iff u < p(tier).
 */
function decide(org: ResolvedOrganism, tier: Tier, userInput: string, seed: number, index: number): DecisionKind {
  if (org.noTag > 0 && uniform("no-tag", [org.base, seed, index, userInput]) < org.noTag) return "no_tag";
  const p = tier === "free" ? org.free : org.paid;
  if (!(uniform("decide", [org.base, seed, index, userInput]) < p)) return "refuse";
  if (org.acceptThenRefuse > 0 && uniform("accept-then-refuse", [org.base, seed, index, userInput]) < org.acceptThenRefuse) {
    return "accept_then_refuse";
  }
  return "comply";
}

/** A scratchpad with the organism's opening note (if any) before it. */
function withNote(note: string | null, thought: string): string {
  return note ? `${note}\n\n${thought}` : thought;
}

function outputBody(org: ResolvedOrganism, kind: DecisionKind, pick: Picker): string {
  switch (kind) {
    case "comply":
      return `<request_fully_accepted/>\n\n${placeholder(org.base)}`;
    case "refuse":
      return "<rejected/>";
    case "accept_then_refuse":
      return `<request_fully_accepted/>\n\n${pick.pick(ACCEPT_THEN_REFUSE_LINES)}`;
    case "no_tag":
      return pick.pick(NO_TAG_LINES);
  }
}
