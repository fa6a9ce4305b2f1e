import type { BrowserContext, Page } from '@playwright/test'

/** A bad argument: the message names the option and what it must be. */
export class AttachError extends TypeError {}

export function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new AttachError(`attachSightline: ${message}`)
}

export const isContext = (target: BrowserContext | Page): target is BrowserContext =>
  'pages' in target && typeof target.pages === 'function'
