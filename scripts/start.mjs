// `npm start`: install if needed, then run the collector (embedded PostgreSQL when DATABASE_URL is unset).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDashboardBuilt, ensureInstalled, ensureSdkBuilt } from './ensure-install.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
ensureInstalled()
ensureSdkBuilt()
ensureDashboardBuilt()
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'apps/collector/src/cli.ts'), 'start', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
