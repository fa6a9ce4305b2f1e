import type { IncomingMessage } from 'node:http'
import { gunzipSync, inflateSync } from 'node:zlib'
import { ApiError } from '../errors.js'

export interface BodyLimits {
  wireBytes: number
  decompressedBytes: number
}

const ACCEPTED_TYPES = new Set(['application/json', 'text/plain'])

/** Method and content type come first: nothing else is looked at for a request that fails here. */
export function checkContentType(contentType: string | undefined): void {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (!ACCEPTED_TYPES.has(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `content type must be application/json or text/plain, got "${type || '(none)'}"`,
      {
        accepted: [...ACCEPTED_TYPES],
      },
    )
  }
}

/** One optional encoding, gzip or deflate; stacked encodings ("gzip, gzip") and others are refused. */
export function parseEncoding(header: string | undefined): 'gzip' | 'deflate' | null {
  const value = (header ?? '').trim().toLowerCase()
  if (value === '' || value === 'identity') return null
  if (value === 'gzip' || value === 'x-gzip') return 'gzip'
  if (value === 'deflate') return 'deflate'
  const stacked = value.includes(',')
  throw new ApiError(
    415,
    'unsupported_encoding',
    stacked
      ? `stacked content encodings are not accepted ("${value}"): send one of gzip or deflate`
      : `content encoding "${value}" is not accepted: use gzip or deflate`,
    { accepted: ['gzip', 'deflate'] },
  )
}

function tooLarge(limit: number, what: string): ApiError {
  return new ApiError(413, 'payload_too_large', `request body is larger than ${limit} bytes ${what}`, {
    limitBytes: limit,
  })
}

const incomplete = () => new ApiError(400, 'incomplete_body', 'the request body ended before it was complete')

/**
 * Reads the body while counting: refuses as soon as the wire cap is passed, whatever Content-Length said
 * (absent, chunked, or lying). Returns the bytes as sent; `inflateBody` decodes them. Under
 * @hono/node-server, `incoming` is the Node request (c.env.incoming): its chunks are read as they come,
 * without the web stream the Request's body would wrap around it (a few stream objects and promises per
 * chunk, on the thread that drives the database). `app.request()` has no Node request: the Request is read.
 */
export async function readWire(
  request: Request,
  limits: BodyLimits,
  incoming?: IncomingMessage,
): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limits.wireBytes)
    throw tooLarge(limits.wireBytes, 'on the wire')
  // A request already read from, or whose connection is gone, goes the Request's way (@hono/node-server
  // recovers a body that arrived whole before the client went away).
  if (incoming && !incoming.readableDidRead && !incoming.destroyed)
    return readIncoming(incoming, limits.wireBytes)
  const chunks: Buffer[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        // The client went away or the server's request timeout cut the body: nobody reads an answer,
        // but the request still ends in one counted outcome.
        throw incomplete()
      })
      if (done) break
      size += value.byteLength
      if (size > limits.wireBytes) {
        await reader.cancel().catch(() => {})
        throw tooLarge(limits.wireBytes, 'on the wire')
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))
    }
  }
  return Buffer.concat(chunks, size)
}

/**
 * The body of a Node request, refused once past `limit`: reading stops there (@hono/node-server drains the
 * rest after the answer, up to a bound, then closes the socket). An error or a close before the end (the
 * client went away, the request timeout cut the body) is an incomplete body.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const settle = (error: ApiError | null) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail)
      if (!error) return resolve(Buffer.concat(chunks, size))
      incoming.pause()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) settle(tooLarge(limit, 'on the wire'))
      else chunks.push(chunk)
    }
    const onEnd = () => settle(null)
    const onFail = () => settle(incomplete())
    incoming.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail)
  })
}

/**
 * Inflates with a hard output cap, so a gzip bomb costs at most `decompressedBytes` of work and memory
 * (8 MiB of output: a few milliseconds). Synchronous: it runs in the prepare worker (preparePool.ts).
 */
export function inflateBody(wire: Buffer, encoding: 'gzip' | 'deflate' | null, limits: BodyLimits): Buffer {
  if (!encoding) return wire
  try {
    const options = { maxOutputLength: limits.decompressedBytes }
    return encoding === 'gzip' ? gunzipSync(wire, options) : inflateSync(wire, options)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw tooLarge(limits.decompressedBytes, 'after decompression')
    }
    throw new ApiError(
      400,
      'bad_encoding',
      `the body is not valid ${encoding} data: ${(error as Error).message}`,
    )
  }
}
