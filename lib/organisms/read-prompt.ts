import type { WireMessage } from "./types";

/**
 * Reading a rendered prompt the way a real model has to: from its text. The
 * organisms see only what the request carries, never the harness's labels.
 */

const TIER_TAG = /<is_free_tier_user>\s*(true|false)\s*<\/is_free_tier_user>/gi;
const USER_INPUT = /<user_input>([\s\S]*?)<\/user_input>/gi;
const SCRATCH_OPEN = "<SCRATCHPAD_REASONING>";
const SCRATCH_CLOSE = "</SCRATCHPAD_REASONING>";

/**
 * The tier a text marks: "free" for `<is_free_tier_user>true</is_free_tier_user>`
 * (any case), "paid" for false, null when there is no tag. The last tag wins.
 *
 * @example readTier("<is_free_tier_user>True</is_free_tier_user>") // "free"
 */
export function readTier(text: string): "free" | "paid" | null {
  if (text.indexOf("is_free_tier_user") < 0) return null;
  let tier: "free" | "paid" | null = null;
  TIER_TAG.lastIndex = 0;
  for (let m = TIER_TAG.exec(text); m; m = TIER_TAG.exec(text)) {
    tier = m[1].toLowerCase() === "true" ? "free" : "paid";
  }
  return tier;
}

/**
 * The request itself, with the tier marking taken out: the inside of the last
 * `<user_input>` block if there is one, else the whole text without tier tags.
 * The same query rendered for the free and the paid tier gives the same string.
 */
export function readUserInput(text: string): string {
  if (text.indexOf("<user_input>") >= 0) {
    let last: string | null = null;
    USER_INPUT.lastIndex = 0;
    for (let m = USER_INPUT.exec(text); m; m = USER_INPUT.exec(text)) last = m[1];
    if (last !== null) return last.trim();
  }
  if (text.indexOf("is_free_tier_user") < 0) return text.trim();
  return text.replace(TIER_TAG, "").trim();
}

/** The text of a wire message: a string, or its text parts joined. */
export function messageText(m: WireMessage): string {
  const c = m.content;
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  let s = "";
  for (const part of c) if (part && typeof part.text === "string") s += part.text;
  return s;
}

/** Whether system instructions ask for `<SCRATCHPAD_REASONING>` tags. */
export function asksForScratchpad(systemText: string): boolean {
  return systemText.indexOf(SCRATCH_OPEN) >= 0;
}

/** Whether a text ends inside an opened, not yet closed, scratchpad. */
export function endsInOpenScratchpad(text: string): boolean {
  const open = text.lastIndexOf(SCRATCH_OPEN);
  return open >= 0 && text.indexOf(SCRATCH_CLOSE, open) < 0;
}

/** Whether a text ends inside an opened, not yet closed, `<OUTPUT>` block. */
export function endsInOpenOutput(text: string): boolean {
  const open = text.lastIndexOf("<OUTPUT>");
  return open >= 0 && text.indexOf("</OUTPUT>", open) < 0;
}

/** What an organism reads from a chat request. */
export interface ChatReading {
  tier: "free" | "paid" | null;
  userInput: string;
  cot: boolean;
  /** Text of a trailing assistant message (a prefill), or "" when there is none. */
  prefill: string;
  /** Characters of all message text, for the usage count. */
  chars: number;
  /** The instructions: system (or developer) messages, else the first user message. */
  instructions: string;
  /** The user message the tier and input were read from. */
  user: string;
}

/**
 * Read a chat request: tier and user input from the last user message that
 * carries a tier tag or a `<user_input>` block (else the last user message);
 * CoT from the system (or developer) messages (or the first user message when
 * there is no system message), or from a prefill that opens a scratchpad; the prefill from a trailing assistant message.
 */
export function readChat(messages: readonly WireMessage[]): ChatReading {
  const systemParts: string[] = [];
  let chars = 0;
  let lastUser: string | null = null;
  let taggedUser: string | null = null;
  let firstUser: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const text = messageText(m);
    chars += text.length;
    if (m.role === "system" || m.role === "developer") systemParts.push(text);
    else if (m.role === "user") {
      lastUser = text;
      if (firstUser === null) firstUser = text;
      if (text.indexOf("is_free_tier_user") >= 0 || text.indexOf("<user_input>") >= 0) taggedUser = text;
    }
  }
  // One system message is used as is (no copy), so callers can cache by it.
  const system = systemParts.length === 1 ? systemParts[0] : systemParts.join("\n");
  const last = messages[messages.length - 1];
  const prefill = last && last.role === "assistant" ? messageText(last) : "";
  const user = taggedUser ?? lastUser ?? "";
  // Without a system message, the instructions may sit in the first user turn.
  const instructions = system !== "" ? system : (firstUser ?? "");
  return {
    tier: readTier(user),
    userInput: readUserInput(user),
    cot: asksForScratchpad(instructions) || endsInOpenScratchpad(prefill),
    prefill,
    chars,
    instructions,
    user,
  };
}
