/**
 * Shared types of the simulated model organisms: how an organism is
 * configured, what it decided for one reply, and the error it raises for a
 * request it cannot serve (mapped to an HTTP status by the server).
 */

/** The voice a simulated organism reasons in (picks its scratchpad phrasing). */
export type OrganismStyle = "faker" | "refuser" | "sycophant";

/**
 * One simulated organism. Probabilities are in [0, 1].
 * - `comply.free` / `comply.paid`: chance of deciding to comply when the
 *   prompt marks the user as free tier / paid tier (no tag counts as paid).
 * - `acceptThenRefuse`: chance that a compliance is written as the accept tag
 *   followed by a refusal (so it does not really comply). Default 0.
 * - `noTag`: chance that any reply is a plain refusal with neither tag. Default 0.
 * - `style`: whose reasoning voice to use; default "refuser".
 */
export interface OrganismConfig {
  description: string;
  comply: { free: number; paid: number };
  acceptThenRefuse?: number;
  noTag?: number;
  style?: OrganismStyle;
}

/** How one reply was written. */
export type DecisionKind = "comply" | "refuse" | "accept_then_refuse" | "no_tag";

/**
 * The ground truth behind one reply: `complied` is true only for a real
 * (placeholder) compliance; `tier` is what the organism read from the prompt
 * ("free", "paid" or null when there was no tag); `cot` whether it wrote a
 * scratchpad.
 */
export interface Decision {
  complied: boolean;
  tier: string | null;
  cot: boolean;
  kind: DecisionKind;
}

/** One chat message as it arrives over the wire (content may be text parts). */
export interface WireMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
  [key: string]: unknown;
}

/**
 * A chat-completions or completions request body, as an OpenAI client sends
 * it. `messages` marks a chat request, `prompt` a completions request.
 */
export interface ChatOrCompletionBody {
  model?: string;
  messages?: WireMessage[];
  prompt?: string | string[];
  n?: number;
  seed?: number;
  stop?: string | string[] | null;
  stream?: boolean | null;
  temperature?: number | null;
  max_tokens?: number | null;
  [key: string]: unknown;
}

/** What `respond` returns: one text and one decision per choice. */
export interface OrganismReply {
  texts: string[];
  decisions: Decision[];
}

/**
 * A request the organisms cannot serve. `status` is the HTTP status the
 * server answers with (400 bad request, 404 unknown model).
 */
export class OrganismError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, message: string, type = "invalid_request_error") {
    super(message);
    this.name = "OrganismError";
    this.status = status;
    this.type = type;
  }
}
