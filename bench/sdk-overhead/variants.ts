/**
 * The variants: no SDK, Sightline core, Sightline + replay, rrweb alone, and the peer SDKs (peers.ts):
 * what each puts in the page's <head>, how to tell it is ready, and how to make it upload what it
 * still holds. All scripts come from the one bench origin and every upload goes back to it (no CORS
 * preflight).
 */
import { isPeer, PEER_DEFS, PEERS, type PeerConfig } from './peers.js'
import type { SinkStats } from './server.js'

export const VARIANTS = ['none', 'core', 'replay', 'rrweb', ...PEERS] as const
export type Variant = (typeof VARIANTS)[number]

/** Where a peer variant sends: its own path on the bench origin, per site key. */
export const sinkUrl = (origin: string, variant: Variant, key: string) => `${origin}/sink/${variant}/${key}`

/** `slp_` + 32 characters of [A-Za-z0-9_-]: one key per run, so the sink can count each run apart. */
export function siteKey(variant: Variant, rep: number): string {
  return `slp_${`bench-${variant}-${rep}-`.padEnd(32, 'x')}`
}

/**
 * A minimal recorder of the kind a site could write itself: `record({ emit })` with rrweb's defaults,
 * events collected in memory and uploaded gzipped (CompressionStream) every 5 s, one request at a time.
 */
function rrwebRecorder(endpoint: string, key: string): string {
  return `
(() => {
  let events = [];
  let chain = Promise.resolve();
  const url = ${JSON.stringify(`${endpoint}/v1/batch?key=${encodeURIComponent(key)}&encoding=gzip`)};
  async function send(batch) {
    const text = JSON.stringify({ sentAt: Date.now(), events: batch });
    const body = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).blob();
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, credentials: 'omit' });
    await res.text();
  }
  function upload() {
    if (!events.length) return chain;
    const batch = events;
    events = [];
    chain = chain.then(() => send(batch)).catch(() => {});
    return chain;
  }
  rrwebRecord.record({ emit(e) { events.push(e); } });
  setInterval(upload, 5000);
  window.__rrwebBench = { ready: true, flush: upload };
})();`
}

/** The variant's scripts for <head>. */
export function headFor(variant: Variant, endpoint: string, key: string): string {
  const sdk = (replay: boolean) =>
    `<script src="/sdk.js" data-site-key="${key}" data-endpoint="${endpoint}"${replay ? '' : ' data-replay="false"'}></script>`
  switch (variant) {
    case 'none':
      return ''
    case 'core':
      return sdk(false)
    case 'replay':
      return sdk(true)
    case 'rrweb':
      return `<script src="/rrweb.js"></script><script>${rrwebRecorder(endpoint, key)}</script>`
    default: {
      const config: PeerConfig = { sink: sinkUrl(endpoint, variant, key), host: new URL(endpoint).host, key }
      return `<script src="/peers/${variant}.js"></script><script>benchPeer.start(${JSON.stringify(config)})</script>`
    }
  }
}

/** A page function (its source is run in the page): true once the variant is recording. */
export function readyCheck(variant: Variant): string {
  switch (variant) {
    case 'none':
      return 'true'
    case 'core':
      return '!!window.sightline?.getSessionId?.()'
    case 'replay':
      return '!!window.sightline?.getSessionId?.() && !!window.__sightlineRecorder'
    case 'rrweb':
      return '!!window.__rrwebBench?.ready'
    default:
      return PEER_DEFS[variant].ready
  }
}

/** Whether the variant's sink has received replay data (always true for the non-peer variants). */
export function sentReplay(variant: Variant, stats: SinkStats): boolean {
  return !isPeer(variant) || (stats.kinds.replay?.requests ?? 0) > 0
}

/**
 * Server-side half of the ready check: most peers must also have delivered replay data to the sink
 * before the measurement starts (the SDK's own state alone does not prove that it records).
 */
export function sinkReady(variant: Variant, stats: SinkStats): boolean {
  return !isPeer(variant) || !PEER_DEFS[variant].readyOnSink || sentReplay(variant, stats)
}

/** ms the sink must stay quiet after flushExpression before the run's bytes are read. */
export function drainMs(variant: Variant): number {
  return isPeer(variant) ? PEER_DEFS[variant].drainMs : 0
}

/** Page expression resolving once the variant has uploaded everything it holds. */
export function flushExpression(variant: Variant): string | null {
  switch (variant) {
    case 'none':
      return null
    case 'core':
    case 'replay':
      return 'window.sightline.flush()'
    case 'rrweb':
      return 'window.__rrwebBench.flush()'
    default:
      return PEER_DEFS[variant].flush
  }
}
