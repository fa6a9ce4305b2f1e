import { describe, expect, it } from 'vitest'
import { createSseParser } from './sse.js'

function parse(chunks: string[]) {
  const got: [string, string][] = []
  const push = createSseParser((event, data) => got.push([event, data]))
  for (const c of chunks) push(c)
  return got
}

describe('createSseParser', () => {
  it('should dispatch named events on a blank line and skip comments', () => {
    expect(parse([': keep-alive\n\nevent: session\ndata: {"id":"a"}\n\ndata: plain\n\n'])).toEqual([
      ['session', '{"id":"a"}'],
      ['message', 'plain'],
    ])
  })

  it('should join data lines and accept any split and CRLF or CR line ends', () => {
    const text = 'event: signal\r\ndata: one\r\ndata:two\r\n\r\nevent: x\rdata: y\r\r\n'
    for (let i = 0; i <= text.length; i++) {
      expect(parse([text.slice(0, i), text.slice(i)])).toEqual([
        ['signal', 'one\ntwo'],
        ['x', 'y'],
      ])
    }
  })

  it('should not dispatch an event without data or before its blank line', () => {
    expect(parse(['event: session\n\n', 'data: half'])).toEqual([])
  })
})
