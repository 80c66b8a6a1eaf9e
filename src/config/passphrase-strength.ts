import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common'
import type { Door } from './door.js'

/**
 * Below 10^8 estimated guesses is weak (zxcvbn's own line between score 2 and 3): at scrypt work
 * factor 18 that is about 3 years of one core, which a rented pool of a few hundred cores does in
 * days; anything less falls to one machine. The snapshot may sit for 90+ days in public artifacts.
 */
export const WEAK_BELOW_GUESSES = 1e8

// at work factor 18 one scrypt guess costs about 1 s of one core here (NOTES.md); 2^(wf-18) scales it
const SECONDS_PER_GUESS_AT_18 = 1

let estimator: ZxcvbnFactory | undefined

/** zxcvbn's estimate of how many guesses an attacker needs, with its common dictionaries. */
export function estimateGuesses(passphrase: string): number {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs })
  return estimator.check(passphrase).guesses
}

const UNITS: [number, string][] = [
  [365.25 * 24 * 3600, 'year'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second']
]

/** A rough human duration: "about 3 hours", "under a second". */
export function describeSeconds(seconds: number): string {
  if (seconds < 1) return 'under a second'
  for (const [size, unit] of UNITS) {
    if (seconds >= size) {
      const count = Math.round(seconds / size)
      return `about ${count} ${unit}${count === 1 ? '' : 's'}`
    }
  }
  return 'under a second'
}

/** The one-line refusal for a weak passphrase, or undefined when it is strong enough. */
export function weakPassphraseProblem(
  passphrase: string,
  workFactor: number,
  door: Door
): string | undefined {
  const guesses = estimateGuesses(passphrase)
  if (guesses >= WEAK_BELOW_GUESSES) return undefined
  const seconds = guesses * SECONDS_PER_GUESS_AT_18 * 2 ** (workFactor - 18)
  const override =
    door === 'cli' ? 'pass --allow-weak-passphrase' : 'set allow-weak-passphrase: true'
  return `passphrase is weak: about 10^${Math.round(Math.log10(guesses))} guesses, ${describeSeconds(seconds)} of one core at scrypt work factor ${workFactor}; choose a longer passphrase (4+ random words), or ${override}`
}
