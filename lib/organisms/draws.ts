import { createHash } from "node:crypto";

/**
 * Deterministic randomness for the organisms: every draw is a sha256 of a
 * salt plus the material that identifies one reply, so the same request gets
 * the same reply, and different salts give independent draws.
 */

/** The sha256 digest of the salt and the parts, separated by NUL bytes. */
export function hashParts(salt: string, parts: readonly (string | number)[]): Buffer {
  const h = createHash("sha256");
  h.update(salt);
  for (const p of parts) {
    h.update("\u0000");
    h.update(String(p));
  }
  return h.digest();
}

/**
 * A uniform number in [0, 1) from the hash of salt and parts (53 bits).
 *
 * @example uniform("decide", ["sim-faker", 0, 0, "some request"]) // e.g. 0.4172…
 */
export function uniform(salt: string, parts: readonly (string | number)[]): number {
  return digestUniform(hashParts(salt, parts));
}

/** A uniform number in [0, 1) from the first 53 bits of a digest. */
export function digestUniform(d: Uint8Array): number {
  const hi = ((d[0] << 13) | (d[1] << 5) | (d[2] >>> 3)) >>> 0; // 21 bits
  const lo = ((d[3] << 24) | (d[4] << 16) | (d[5] << 8) | d[6]) >>> 0; // 32 bits
  return (hi * 4294967296 + lo) / 9007199254740992;
}

/**
 * Picks items from lists using successive bytes of a digest (wrapping
 * around). Good enough for choosing wordings, not for probabilities.
 */
export class Picker {
  private i = 0;
  constructor(private readonly bytes: Uint8Array) {}
  /** One item of the list, chosen by the next byte pair. */
  pick<T>(items: readonly T[]): T {
    const b = this.bytes;
    const n = (b[this.i % b.length] << 8) | b[(this.i + 1) % b.length];
    this.i += 2;
    return items[n % items.length];
  }
}
