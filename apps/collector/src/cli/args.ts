import { type ParseArgsConfig, parseArgs } from 'node:util'

/** A bad command line: printed as one line with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message)
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>

/** Strict parse: unknown options, missing values and stray positionals become a UsageError. */
export function parse<T extends Options>(argv: string[], options: T, usage: string, maxPositionals = 0) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>
  >
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError(
      (error as Error).message
        .replace(/\. To specify a positional.*$/s, '')
        .replace(/\s*\n\s*/g, ' ')
        .trim(),
      usage,
    )
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`, usage)
  }
  return parsed
}

export function parsePositiveInt(
  value: string | undefined,
  name: string,
  usage: string,
  max = 1_000_000_000,
): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max}, got "${value ?? ''}"`, usage)
  }
  return Number(value)
}
