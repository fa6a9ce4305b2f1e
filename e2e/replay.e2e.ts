import { createRequire } from 'node:module'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { expect, test } from '@playwright/test'
import { everythingStoredFor, sql } from './lib/db.js'
import { flush, sessionIdOf } from './lib/page.js'

const SITE = process.env.E2E_SITE_URL!
const CANARY = 'CANARY-BURST-FIELD-5d2'
const ROUNDS = 3

interface Rec {
  type: number
  timestamp: number
  data: {
    source?: number
    type?: number
    id?: number
    text?: string
    adds?: { node: { id: number; attributes?: Record<string, string> } }[]
  }
}

/** @rrweb/replay's UMD build (global `rrwebReplay`): the replayer the dashboard's rrweb-player plays with. */
function replayerFile(): string {
  const player = createRequire(new URL('../apps/dashboard/package.json', import.meta.url)).resolve(
    'rrweb-player',
  )
  return path.join(path.dirname(createRequire(player).resolve('@rrweb/replay')), 'replay.umd.min.cjs')
}

/** Where the add of the node whose id attribute is `domId` sits in `records`, and the id rrweb gave it. */
function addOf(records: Rec[], domId: string): { at: number; id: number } {
  for (const [at, r] of records.entries())
    for (const a of r.data.adds ?? []) if (a.node.attributes?.id === domId) return { at, id: a.node.id }
  throw new Error(`no add of #${domId} recorded`)
}

// The recorder defers rrweb's serialisation of DOM changes to an idle moment (ADR 0019). These are the cases
// that could break a replay: a click or typing on a node the burst has just added, before the browser was idle.
test('replay: bursts of DOM changes, and clicks and typing on nodes a burst just added, replay as they happened', async ({
  page,
  browser,
}) => {
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${SITE}/burst.html`)
  const sessionId = await sessionIdOf(page)
  await page.waitForFunction(() => '__sightlineRecorder' in window)
  await page.waitForTimeout(500) // the full snapshot is taken

  for (let n = 1; n <= ROUNDS; n++) {
    await page.click('#burst') // the burst, and a task right after that clicks #fresh-n
    await page.click(`#fresh-${n}`)
    await page.locator(`#input-${n}`).pressSequentially(`${CANARY}-${n}`)
    await page.keyboard.press('Tab') // a change event: rrweb records a field's value when it is left
  }
  await expect(page.locator(`#fresh-${ROUNDS}`)).toHaveText(`Clicked ${ROUNDS} twice`)
  const live = await page.evaluate(() => ({
    feed: document.getElementById('feed')!.innerHTML,
    buttons: [...document.querySelectorAll('#fresh button')].map((b) => b.textContent),
    typed: [...document.querySelectorAll<HTMLInputElement>('#fresh input')].map((i) => i.value.length),
  }))
  await flush(page)
  await page.close({ runBeforeUnload: true })

  const rows = await sql<{ data: Uint8Array }[]>`
    select data from replay_segments where user_session_id = ${sessionId} order by segment_index`
  const records: Rec[] = rows.flatMap((r) => JSON.parse(gunzipSync(r.data).toString()))
  expect(records.filter((r) => r.type === 2)).toHaveLength(1) // one full snapshot

  for (let n = 1; n <= ROUNDS; n++) {
    // Both clicks on the new button (the page's own, one task after the burst, and the user's) name it, and
    // come after the record that added it.
    const button = addOf(records, `fresh-${n}`)
    const clicks = records.flatMap((r, at) =>
      r.type === 3 && r.data.source === 2 && r.data.type === 2 && r.data.id === button.id ? [at] : [],
    )
    expect(clicks).toHaveLength(2)
    expect(Math.min(...clicks)).toBeGreaterThan(button.at)
    // What was typed into the new field: recorded against it, after its add, masked.
    const field = addOf(records, `input-${n}`)
    const typed = records.flatMap((r, at) =>
      r.type === 3 && r.data.source === 5 && r.data.id === field.id ? [{ at, text: r.data.text! }] : [],
    )
    expect(typed.length).toBeGreaterThan(0)
    expect(typed[0]!.at).toBeGreaterThan(field.at)
    expect(typed.at(-1)!.text).toBe('*'.repeat(`${CANARY}-${n}`.length))
  }
  expect(records.every((r, i) => i === 0 || r.timestamp >= records[i - 1]!.timestamp)).toBe(true)
  expect(await everythingStoredFor(sessionId)).not.toContain(CANARY)

  // Played back by rrweb's replayer to the last record, the page is the one the visitor left.
  const player = await browser.newPage()
  await player.setContent('<!doctype html><html><body></body></html>')
  await player.addScriptTag({ path: replayerFile() })
  const replayed = await player.evaluate(async (events) => {
    interface Replayer {
      pause(offsetMs: number): void
      iframe: HTMLIFrameElement
    }
    const { rrwebReplay } = window as unknown as {
      rrwebReplay: { Replayer: new (events: unknown[], config: object) => Replayer }
    }
    const replayer = new rrwebReplay.Replayer(events, {
      root: document.body,
      showWarning: false,
      mouseTail: false,
    })
    // rrweb's replayer applies at once only the records strictly before the offset it is paused at; one past the
    // last record's time plays every record, the last one included.
    replayer.pause(events.at(-1)!.timestamp - events[0]!.timestamp + 1)
    await new Promise((r) => setTimeout(r, 100))
    const doc = replayer.iframe.contentDocument!
    return {
      feed: doc.getElementById('feed')!.innerHTML,
      buttons: [...doc.querySelectorAll('#fresh button')].map((b) => b.textContent),
      typed: [...doc.querySelectorAll<HTMLInputElement>('#fresh input')].map((i) => i.value),
    }
  }, records)
  expect(replayed.feed).toBe(live.feed)
  expect(replayed.buttons).toEqual(live.buttons)
  expect(replayed.typed).toEqual(live.typed.map((n) => '*'.repeat(n)))
  expect(pageErrors).toEqual([])
  await player.close()
})
