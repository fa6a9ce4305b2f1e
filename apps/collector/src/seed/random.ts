/** A small seeded PRNG (mulberry32) so seeded data is reproducible in tests. */
export function createRandom(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const chance = (p: number) => next() < p
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16))
    h[12] = '4'
    h[16] = ((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)
    const s = h.join('')
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
  }
  return { next, int, pick, chance, uuid }
}

export type Random = ReturnType<typeof createRandom>
