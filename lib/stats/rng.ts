// tslab type-checks the library with Node10 module resolution, which cannot read
// pure-rand 8's subpath exports; Node itself resolves them at run time, in either
// module system. Hence the two ignores, and the local types below.
// @ts-ignore
import { xoroshiro128plus as xoroshiro } from "pure-rand/generator/xoroshiro128plus";
// @ts-ignore
import { uniformFloat64 as uniform64 } from "pure-rand/distribution/uniformFloat64";

/** The parts of pure-rand used here. */
interface PureRandGenerator {
  next(): number;
}
const xoroshiro128plus = xoroshiro as (seed: number) => PureRandGenerator;
const uniformFloat64 = uniform64 as (g: PureRandGenerator) => number;

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
