import { readdirSync, readFileSync } from 'node:fs'

/** CPU seconds (user + system) of a process or thread from /proc (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pid: number, tid?: number): number {
  try {
    const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** Busy CPU seconds of the whole machine, all cores (/proc/stat: everything but idle and iowait). */
function machineSeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields
    return (user + nice + system + irq + softirq + steal) / 100
  } catch {
    return 0
  }
}

/** The threads of a process other than its main thread (workers, libuv and V8 helpers). */
function otherThreads(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .filter((tid) => tid !== pid)
  } catch {
    return []
  }
}

export interface CpuSources {
  /** Collector processes (their main threads are reported apart from their other threads). */
  collectors: number[]
  /** PostgreSQL backends serving the collectors. */
  backends: number[]
}

/**
 * Share of one core each part used between `start()` and `stop()`: the collectors' main threads, their
 * other threads (prepare workers, GC), the PostgreSQL backends, this process (the load generator), and the
 * whole machine.
 * The processes and threads are those alive at `start()`.
 */
export function cpuMeter() {
  let sources: CpuSources & { threads: Map<number, number[]> } = {
    collectors: [],
    backends: [],
    threads: new Map(),
  }
  const read = () => {
    let main = 0
    let workers = 0
    for (const pid of sources.collectors) {
      main += cpuSeconds(pid, pid)
      for (const tid of sources.threads.get(pid) ?? []) workers += cpuSeconds(pid, tid)
    }
    const postgres = sources.backends.reduce((n, pid) => n + cpuSeconds(pid), 0)
    const usage = process.cpuUsage()
    return {
      main,
      workers,
      postgres,
      loadGenerator: (usage.user + usage.system) / 1e6,
      machine: machineSeconds(),
      at: performance.now(),
    }
  }
  let first = read()
  return {
    start(from: CpuSources) {
      sources = { ...from, threads: new Map(from.collectors.map((pid) => [pid, otherThreads(pid)])) }
      first = read()
    },
    /** Cores used per part (1 = one core busy all the time). */
    stop() {
      const last = read()
      const seconds = (last.at - first.at) / 1000
      const share = (k: 'main' | 'workers' | 'postgres' | 'loadGenerator' | 'machine') =>
        Number(((last[k] - first[k]) / seconds).toFixed(2))
      return {
        collectorMain: share('main'),
        collectorOtherThreads: share('workers'),
        postgres: share('postgres'),
        loadGenerator: share('loadGenerator'),
        /** Every process on the machine (PostgreSQL's WAL writer, checkpointer and autovacuum, the kernel…). */
        machine: share('machine'),
      }
    },
  }
}
