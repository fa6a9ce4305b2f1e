/**
 * A Server-Sent Events parser for a fetch body read chunk by chunk (EventSource cannot send an
 * Authorization header). Follows the WHATWG rules that matter here: lines end in LF, CR or CRLF; an empty
 * line dispatches; `data` lines are joined with LF; lines starting with ':' are comments (keep-alives).
 */
export function createSseParser(onEvent: (event: string, data: string) => void): (chunk: string) => void {
  let buffer = ''
  let event = ''
  let data: string[] = []
  const line = (text: string) => {
    if (text === '') {
      if (data.length) onEvent(event || 'message', data.join('\n'))
      event = ''
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  return (chunk) => {
    buffer += chunk
    // A CR at the very end may be the first half of a CRLF: keep it until the next chunk.
    const re = /\r\n|\r(?!$)|\n/g
    let start = 0
    for (let m = re.exec(buffer); m; m = re.exec(buffer)) {
      line(buffer.slice(start, m.index))
      start = m.index + m[0].length
    }
    buffer = buffer.slice(start)
  }
}
