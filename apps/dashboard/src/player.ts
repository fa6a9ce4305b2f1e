import type { ReplayRecord } from './types.js'

/** What the dashboard uses of rrweb-player (its own .d.ts imports svelte, which is not installed). */
export interface Player {
  goto(offsetMs: number, play?: boolean): void
  play(): void
  pause(): void
}

interface RrwebPlayer extends Player {
  addEventListener(event: string, handler: (detail: { payload: unknown }) => void): void
  $destroy(): void
}

/** The controller bar under the replay, in pixels (rrweb-player's layout). */
const CONTROLLER_PX = 80
const MAX_HEIGHT_PX = 560

/**
 * Loads rrweb-player (a separate chunk: the list pages never download it) and plays `records` in `stage`,
 * scaled to its width. `onTime` gets the offset from the first record, in ms, as it plays and on each seek.
 */
export async function startPlayer(
  stage: HTMLElement,
  records: ReplayRecord[],
  { signal, onTime }: { signal: AbortSignal; onTime(offsetMs: number): void },
): Promise<Player> {
  const [{ default: RrwebPlayerClass }] = await Promise.all([
    import('rrweb-player'),
    import('rrweb-player/dist/style.css'),
  ])
  const meta = records.find((r) => r.type === 4)?.data as { width?: number; height?: number } | undefined
  const width = Math.max(320, stage.clientWidth)
  const ratio = meta?.width && meta.height ? meta.height / meta.width : 9 / 16
  const height = Math.min(MAX_HEIGHT_PX, Math.round(width * ratio))
  stage.replaceChildren()
  const Ctor = RrwebPlayerClass as unknown as new (options: unknown) => RrwebPlayer
  const player = new Ctor({
    target: stage,
    props: {
      events: records,
      width,
      height,
      autoPlay: true,
      showController: true,
      skipInactive: true,
      mouseTail: false,
    },
  })
  stage.style.minHeight = `${height + CONTROLLER_PX}px`
  player.addEventListener('ui-update-current-time', ({ payload }) => onTime(Number(payload)))
  signal.addEventListener(
    'abort',
    () => {
      player.pause() // the replayer's timers would outlive the component
      player.$destroy()
    },
    { once: true },
  )
  return player
}
