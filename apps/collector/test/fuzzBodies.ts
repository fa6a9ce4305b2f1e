/**
 * Generated and mutated POST /v1/batch requests (fast-check), shared by test/fuzz.test.ts (2,000 cases in
 * npm test) and `pnpm reliability:fuzz` (≥ 100,000). A case starts from a valid batch of mixed events and
 * rrweb records, then may get wrong types, huge strings, deep nesting, odd unicode, NaN-ish numbers,
 * deleted fields, truncated or invalid text and bytes, and wrong or broken encodings and headers.
 */
import { deflateSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'

export interface FuzzRequest {
  query: string
  headers: Record<string, string>
  body: Uint8Array
  /** What was done to the valid batch, for failure reports. */
  steps: string[]
  batchId: string
}

const NOW = Date.now()
const SPECIALS = [
  '',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\uFEFF',
  '😀👩‍👩‍👧',
  'مرحبا',
  '\u202Eevil',
  '</script><script>',
  '\\',
  '"',
  'Bearer abcdefgh12345678',
  '4111 1111 1111 1111',
  'a'.repeat(600),
]
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...SPECIALS),
)
const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), text)
const t = fc.integer({ min: -300_000, max: 60_000 }).map((d) => NOW + d)
const int = fc.integer({ min: -100_000, max: 100_000 })
const json = fc.jsonValue({ maxDepth: 3 })
const dict = fc.dictionary(text, json, { maxKeys: 6 })
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })

const node = fc.letrec((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    fc.record({ type: fc.constant(3), id: fc.nat(), textContent: text }),
    fc.record({
      type: fc.constant(2),
      id: fc.nat(),
      tagName: fc.constantFrom('div', 'input', 'span', 'textarea', 'p'),
      attributes: fc.dictionary(
        fc.constantFrom('class', 'type', 'value', 'id', 'data-x'),
        fc.oneof(text, fc.boolean()),
      ),
      childNodes: fc.array(tie('node'), { maxLength: 3 }),
    }),
  ),
})).node
const record = fc.oneof(
  fc.record({
    type: fc.constant(4),
    timestamp: t,
    data: fc.record({ href: url, width: fc.nat(), height: fc.nat() }),
  }),
  fc.record({
    type: fc.constant(2),
    timestamp: t,
    data: fc.record({
      node: fc.record({
        type: fc.constant(0),
        id: fc.constant(1),
        childNodes: fc.array(node, { maxLength: 3 }),
      }),
      initialOffset: fc.constant({ left: 0, top: 0 }),
    }),
  }),
  fc.record({
    type: fc.constant(3),
    timestamp: t,
    data: fc.oneof(
      fc.record({ source: fc.constant(5), id: fc.nat(), text, isChecked: fc.boolean() }),
      fc.record({
        source: fc.constant(0),
        adds: fc.array(fc.record({ parentId: fc.nat(), node }), { maxLength: 3 }),
        removes: fc.constant([]),
        texts: fc.array(fc.record({ id: fc.nat(), value: text }), { maxLength: 3 }),
        attributes: fc.constant([]),
      }),
      fc.object({ maxDepth: 2 }),
    ),
  }),
  fc.record({ type: fc.constant(5), timestamp: t, data: fc.record({ tag: text, payload: json }) }),
  fc.record({
    type: fc.constant(6),
    timestamp: t,
    data: fc.record({
      plugin: fc.constant('rrweb/console@1'),
      payload: fc.record({ level: fc.constant('log'), payload: fc.array(text, { maxLength: 3 }) }),
    }),
  }),
)

const ev = <T extends Record<string, fc.Arbitrary<unknown>>>(type: string, fields: T) =>
  fc.record({ type: fc.constant(type), t, url: opt(url), ...fields })
const event = fc.oneof(
  ev('click', {
    x: int,
    y: int,
    selector: opt(text),
    text: opt(text),
    href: opt(url),
    dead: opt(fc.boolean()),
  }),
  ev('scroll', { y: int, depth: fc.double({ min: 0, max: 100, noNaN: true }) }),
  ev('console', {
    level: fc.constantFrom('log', 'warn', 'error'),
    message: text,
    args: opt(fc.array(json, { maxLength: 4 })),
  }),
  ev('network', {
    method: fc.constantFrom('GET', 'post'),
    target: url,
    status: opt(fc.integer({ min: 0, max: 999 })),
    requestHeaders: opt(fc.dictionary(text, text, { maxKeys: 4 })),
    requestBody: opt(text),
  }),
  ev('error', { message: text, stack: opt(text) }),
  ev('custom', { name: text.filter((s) => s.length > 0), props: opt(dict) }),
  ev('identify', { id: text.filter((s) => s.length > 0), traits: opt(dict) }),
  ev('pageview', { href: url, nav: fc.constantFrom('load', 'spa', 'reload') }),
  ev('perf', {
    metric: fc.constantFrom('LCP', 'INP', 'CLS'),
    value: fc.double({ min: 0, max: 1e6, noNaN: true }),
    attribution: opt(dict),
  }),
  ev('form', {
    action: fc.constantFrom('input', 'submit', 'abandon'),
    name: opt(text),
    length: opt(fc.nat()),
  }),
  ev('mouse', { path: fc.array(fc.tuple(int, int, fc.nat(10_000)), { minLength: 1, maxLength: 20 }) }),
  ev('signal', {
    kind: fc.constantFrom('dead_click', 'rage_click'),
    evidence: dict,
    rule: fc.constant('dead-1'),
  }),
  ev('drop', {
    reason: fc.constantFrom('queue_overflow', 'send_error'),
    category: fc.constantFrom('event', 'replay'),
    quantity: fc.integer({ min: 1, max: 99 }),
  }),
  ev('replay', { segment: fc.nat(), records: fc.array(record, { minLength: 1, maxLength: 8 }) }),
)

const batch = fc.record({
  v: fc.constant(1),
  sessionId: fc.uuid({ version: 4 }),
  tabId: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  seq: fc.nat(),
  batchId: fc.uuid({ version: 4 }),
  sentAt: fc.integer({ min: -10_000, max: 10_000 }).map((d) => NOW + d),
  sdk: fc.record({ version: fc.constantFrom('0.1.0', 'fuzz') }),
  page: fc.record({ url, title: opt(text), userAgent: opt(text) }),
  session: fc.record({
    startedAt: fc.constant(NOW - 600_000),
    actor: fc.constantFrom('human', 'automation'),
  }),
  events: fc.array(event, { minLength: 1, maxLength: 20 }),
})

/** Tokens JSON.stringify cannot write; a marker string is replaced by the raw token after stringifying. */
const RAW = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '0x10',
  '01',
]
const weird = fc.oneof(
  json,
  text,
  fc.constantFrom(...RAW).map((r) => `\u0001RAW:${r}\u0001`),
  fc.double(),
  fc.constantFrom(null, [], {}, true, -1, 2 ** 53),
)

type Json = unknown
function paths(root: Json): (string | number)[][] {
  const out: (string | number)[][] = []
  const walk = (v: Json, p: (string | number)[]) => {
    if (out.length > 400) return
    out.push(p)
    if (p.length > 40) return // below a deep nest: enough paths, and no quadratic copies
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) walk(v[i], [...p, i])
    else if (v && typeof v === 'object')
      for (const k of Object.keys(v)) walk((v as Record<string, Json>)[k], [...p, k])
  }
  walk(root, [])
  return out
}
function setAt(root: Json, p: (string | number)[], value: Json | typeof DELETE): Json {
  if (!p.length) return value === DELETE ? {} : value
  let parent = root as Record<string | number, Json>
  for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, Json>
  const last = p[p.length - 1]!
  if (value === DELETE) Array.isArray(parent) ? parent.splice(last as number, 1) : delete parent[last]
  else parent[last] = value
  return root
}
const DELETE = Symbol('delete')
/** A marker expanded into `depth` levels of nesting in the JSON text (JSON.stringify would overflow the stack). */
const nest = (depth: number): string => `\u0001NEST:${depth}\u0001`
const expandNests = (body: string) =>
  body.replace(/"\\u0001NEST:(\d+)\\u0001"/g, (_m, d: string) => {
    const n = Number(d)
    return `${'[{"k":'.repeat(n >> 1)}${n % 2 ? '[1]' : '1'}${'}]'.repeat(n >> 1)}`
  })

const valueMutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: weird }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.oneof(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 2_000, max: 2_200 }),
      fc.integer({ min: 2_200, max: 5_000 }),
    ),
  }),
  fc.record({
    op: fc.constant('huge' as const),
    at: fc.nat(),
    chars: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 600, max: 20_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 1_200_000 }) },
    ),
  }),
)
type ValueMutation = typeof valueMutation extends fc.Arbitrary<infer M> ? M : never

const textMutation = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    what: fc.oneof(text, fc.constantFrom(',', '}', ']', '"', '{"', '\\u', '\\ud800')),
  }),
  fc.record({ op: fc.constant('duplicateKey' as const) }),
  fc.record({ op: fc.constant('bom' as const) }),
  fc.record({
    op: fc.constant('replace' as const),
    with: fc.oneof(fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '1', '['.repeat(100_000)), text),
  }),
)
const byteMutation = fc.oneof(
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    op: fc.constant('append' as const),
    bytes: fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]),
  }),
)
/** A valid choice most of the time, one of the broken ones otherwise. */
const mostly = <T>(valid: T[], broken: T[], brokenShare = 0.25) =>
  fc.oneof(
    { weight: Math.round((1 - brokenShare) * 100), arbitrary: fc.constantFrom(...valid) },
    { weight: Math.round(brokenShare * 100), arbitrary: fc.constantFrom(...broken) },
  )
const encoding = mostly(
  ['none', 'gzip', 'gzip-query', 'deflate', 'x-gzip', 'identity'],
  // 'bomb' (9 MiB of spaces, gzipped) is listed once among 13 broken kinds: rare, as it costs 8 MiB of inflate.
  ['gzip-truncated', 'garbage-gzip', 'double-gzip', 'stacked', 'br', 'gzip-header-plain-body']
    .flatMap((k) => [k, k])
    .concat('bomb'),
)
const contentType = mostly(
  ['text/plain', 'application/json', 'application/json; charset=utf-8', 'TEXT/PLAIN'],
  ['image/png', '', 'multipart/form-data'],
  0.1,
)
const keyPlace = mostly(['header', 'query'], ['missing', 'bogus'], 0.1)
const originPlan = mostly(['ok'], ['missing', 'other'], 0.1)
/** No damage of this kind in `cleanShare` of the cases, else 1 to `max` of them. */
const some = <T>(a: fc.Arbitrary<T>, max: number, cleanShare: number) =>
  fc.oneof(
    { weight: Math.round(cleanShare * 100), arbitrary: fc.constant([] as T[]) },
    { weight: Math.round((1 - cleanShare) * 100), arbitrary: fc.array(a, { minLength: 1, maxLength: max }) },
  )

let bomb: Buffer | undefined

function applyValue(root: Json, m: ValueMutation): Json {
  const all = paths(root)
  const p = all[m.at % all.length]!
  if (m.op === 'set') return setAt(root, p, m.value)
  if (m.op === 'delete') return setAt(root, p, DELETE)
  if (m.op === 'nest') return setAt(root, p, nest(m.depth))
  return setAt(root, p, 'x'.repeat(m.chars))
}

/** POST /v1/batch requests: mostly valid batches, then up to three kinds of damage. */
export function fuzzRequest(siteKey: string, origin: string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      batch,
      values: some(valueMutation, 3, 0.4),
      texts: some(textMutation, 1, 0.8),
      bytes: some(byteMutation, 1, 0.9),
      encoding,
      contentType,
      keyPlace,
      originPlan,
    })
    .map((plan) => {
      const steps: string[] = []
      let value: Json = structuredClone(plan.batch)
      for (const m of plan.values) {
        value = applyValue(value, m)
        steps.push(m.op)
      }
      let body = JSON.stringify(value) ?? 'null'
      body = expandNests(body.replace(/"\\u0001RAW:([^\\"]*)\\u0001"/g, '$1'))
      for (const m of plan.texts) {
        steps.push(m.op)
        if (m.op === 'truncate') body = body.slice(0, Math.floor(body.length * m.at))
        else if (m.op === 'insert') {
          const at = Math.floor(body.length * m.at)
          body = body.slice(0, at) + m.what + body.slice(at)
        } else if (m.op === 'duplicateKey') body = body.replace('{', '{"v":2,"events":[],')
        else if (m.op === 'bom') body = `\uFEFF${body}`
        else body = m.with
      }
      let bytes: Buffer = Buffer.from(body)
      for (const m of plan.bytes) {
        steps.push(m.op)
        if (m.op === 'flip' && bytes.length) bytes[Math.floor((bytes.length - 1) * m.at)] = m.byte
        else if (m.op === 'append') bytes = Buffer.concat([bytes, Buffer.from(m.bytes)])
      }
      const headers: Record<string, string> = {}
      let query = ''
      const enc = plan.encoding
      steps.push(`encoding:${enc}`)
      if (enc === 'gzip' || enc === 'x-gzip') bytes = gzipSync(bytes)
      if (enc === 'gzip-query') {
        bytes = gzipSync(bytes)
        query = '?encoding=gzip'
      }
      if (enc === 'deflate') bytes = deflateSync(bytes)
      if (enc === 'gzip-truncated') bytes = gzipSync(bytes).subarray(0, Math.max(1, bytes.length >> 1))
      if (enc === 'garbage-gzip') bytes = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), bytes])
      if (enc === 'double-gzip' || enc === 'stacked') bytes = gzipSync(gzipSync(bytes))
      if (enc === 'bomb') bytes = bomb ??= gzipSync(Buffer.alloc(9 * 1024 * 1024, 0x20))
      const encHeader: Record<string, string> = {
        gzip: 'gzip',
        'x-gzip': 'x-gzip',
        deflate: 'deflate',
        'gzip-truncated': 'gzip',
        'garbage-gzip': 'gzip',
        'double-gzip': 'gzip',
        stacked: 'gzip, gzip',
        br: 'br',
        identity: 'identity',
        'gzip-header-plain-body': 'gzip',
        bomb: 'gzip',
      }
      if (encHeader[enc]) headers['content-encoding'] = encHeader[enc]
      if (plan.contentType) headers['content-type'] = plan.contentType
      if (plan.keyPlace === 'header') headers['x-sightline-key'] = siteKey
      if (plan.keyPlace === 'bogus') headers['x-sightline-key'] = `slp_${'x'.repeat(32)}`
      if (plan.keyPlace === 'query') query += `${query ? '&' : '?'}key=${encodeURIComponent(siteKey)}`
      if (plan.originPlan === 'ok') headers.origin = origin
      if (plan.originPlan === 'other') headers.origin = 'https://evil.example'
      steps.push(`type:${plan.contentType || '(none)'}`, `key:${plan.keyPlace}`, `origin:${plan.originPlan}`)
      return { query, headers, body: new Uint8Array(bytes), steps, batchId: plan.batch.batchId }
    })
}

export interface FuzzAnswer {
  status: number
  /** `ok`, `duplicate`, or the error code of the JSON error body ('(not json)' when it is not one). */
  code: string
  ms: number
}

/** Sends one case through `app.request()`; a hang longer than `timeoutMs` counts as status 0. */
export async function sendFuzz(
  app: { request(input: string, init: RequestInit): Response | Promise<Response> },
  r: FuzzRequest,
  timeoutMs = 20_000,
): Promise<FuzzAnswer> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const res = await Promise.race([
    app.request(`/v1/batch${r.query}`, {
      method: 'POST',
      headers: r.headers,
      body: r.body as unknown as NonNullable<RequestInit['body']>,
    }),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs)
    }),
  ])
  clearTimeout(timer)
  if (!res) return { status: 0, code: 'hang', ms: performance.now() - started }
  const text = await res.text()
  let code = '(not json)'
  try {
    const body = JSON.parse(text) as { ok?: boolean; duplicate?: boolean; error?: { code?: unknown } }
    if (res.status === 200 && body.ok === true) code = body.duplicate ? 'duplicate' : 'ok'
    else if (typeof body.error?.code === 'string') code = body.error.code
  } catch {}
  return { status: res.status, code, ms: performance.now() - started }
}
