import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../util/paths";

/** The parts of pure-rand we use (loaded lazily; pure-rand 8 has subpath exports only, which tslab's Node10 resolution cannot type). */
interface PureRandGenerator {
  next(): number;
}
interface PureRandParts {
  xoroshiro128plus(seed: number): PureRandGenerator;
  uniformFloat64(g: PureRandGenerator): number;
}

let parts: PureRandParts | undefined;

function pureRand(): PureRandParts {
  if (parts) return parts;
  const req = createRequire(join(projectRoot(), "x.js"));
  const gen = req("pure-rand/generator/xoroshiro128plus") as { xoroshiro128plus: PureRandParts["xoroshiro128plus"] };
  const dist = req("pure-rand/distribution/uniformFloat64") as { uniformFloat64: PureRandParts["uniformFloat64"] };
  parts = { xoroshiro128plus: gen.xoroshiro128plus, uniformFloat64: dist.uniformFloat64 };
  return parts;
}

/**
 * A seeded source of uniform numbers in [0, 1), built on pure-rand's
 * xoroshiro128+ generator (53 random bits per draw). The same seed always
 * gives the same sequence. Plugs into any simple-statistics function that
 * takes a `randomSource`.
 *
 * The seed must be a safe integer; seeds beyond 32 bits are folded (high
 * word XOR low word). pure-rand seeds xoroshiro128+ with the raw seed, which
 * makes the first draws poorly mixed (the very first is ≈ 1 for every small
 * seed), so the seed is scrambled with a 32-bit avalanche mixer first and the
 * first 16 outputs are discarded.
 *
 * @example
 * const u = makeRng(42);
 * u(); // 0.…, identical on every run with seed 42
 */
export function makeRng(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed % 0x100000000;
  const hi = Math.floor(seed / 0x100000000);
  const folded = (lo ^ hi) | 0;
  const { xoroshiro128plus, uniformFloat64 } = pureRand();
  const g = xoroshiro128plus(mix32(folded));
  for (let i = 0; i < 16; i++) g.next();
  return () => uniformFloat64(g);
}

/** A 32-bit avalanche mixer (the murmur3 finaliser): nearby seeds give unrelated states. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A uniform integer in [0, n) from a [0, 1) source.
 *
 * @example
 * randomIndex(makeRng(1), 10); // 0..9
 */
export function randomIndex(u: () => number, n: number): number {
  return Math.floor(u() * n);
}
