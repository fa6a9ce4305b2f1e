import { existsSync } from 'node:fs'

/** Flags needed on this kind of machine (root, no GPU, closed network). */
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** $SIGHTLINE_CHROMIUM, else Debian's Chromium, else Playwright's own download (undefined). */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.SIGHTLINE_CHROMIUM ?? process.env.CHROMIUM_PATH
  if (fromEnv) return fromEnv
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
}
