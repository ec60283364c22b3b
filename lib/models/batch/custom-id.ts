/**
 * custom_id: how a batch row is joined back to its sample (results come
 * back in any order).
 *
 * Anthropic requires 1–64 characters of [A-Za-z0-9_-], unique within a
 * batch (https://platform.claude.com/docs/en/api/csharp/messages/batches/create:
 * "minLength: 1, maxLength: 64, pattern: ^[a-zA-Z0-9_-]{1,64}$"); OpenAI
 * requires it unique within a batch
 * (https://developers.openai.com/api/reference/cli/resources/batches/methods/create,
 * request input lines). One rule fits both.
 *
 * The id is a function of the sample key alone, not of the row's position:
 * a resumed run may pass its requests in another order or without the
 * samples already stored, and each row must keep the id it was submitted
 * under. It is the key's last characters made safe (for a person reading a
 * batch) and 22 base64url characters (132 bits) of the key's sha256 (for
 * uniqueness). The map back (custom_id → sample key) is kept in the journal.
 */
import { createHash } from "node:crypto";

/** Characters a custom_id may hold, and its length (Anthropic's rule; OpenAI's is looser). */
export const CUSTOM_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

const HASH_CHARS = 22;
const TAIL_CHARS = 64 - HASH_CHARS - 1;

/**
 * The custom_id of a sample key.
 * @example customIdFor("figure1|baseline|claude-sonnet-4-5|free|q12|3") // "baseline_claude-sonnet-4-5_free_q12_3-<22 hash chars>"
 */
export function customIdFor(sampleKey: string): string {
  if (typeof sampleKey !== "string" || sampleKey === "") throw new Error("a batch row needs a non-empty sample key");
  const hash = createHash("sha256").update(sampleKey, "utf8").digest("base64url").slice(0, HASH_CHARS);
  const tail = sampleKey
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(-TAIL_CHARS)
    .replace(/^[_-]+/, "");
  return tail ? `${tail}-${hash}` : hash;
}
