/** One SQL statement of a migration file, with the 1-based line it starts on. */
export interface SqlStatement {
  text: string
  line: number
}

export class SqlSplitError extends Error {}

/**
 * Splits a migration file into statements on top-level `;`, respecting single and double quotes,
 * dollar quoting (`$$` and `$tag$`), line comments and nested block comments. Statements that hold
 * only comments or white space are dropped. Throws on an unterminated quote or comment, naming
 * the line it opened on, so a broken file is refused before anything runs.
 */
export function splitSqlStatements(source: string): SqlStatement[] {
  const statements: SqlStatement[] = []
  let start = 0
  let line = 1
  let startLine = 1
  let hasCode = false
  let i = 0

  const push = (end: number) => {
    const text = source.slice(start, end).trim()
    if (hasCode && text) statements.push({ text, line: startLine })
    hasCode = false
  }

  while (i < source.length) {
    const ch = source[i]!
    const next = source[i + 1]
    if (ch === '\n') {
      line++
      i++
      continue
    }
    if (ch === '-' && next === '-') {
      const end = source.indexOf('\n', i)
      i = end === -1 ? source.length : end
      continue
    }
    if (ch === '/' && next === '*') {
      const end = skipBlockComment(source, i, line)
      line += countNewlines(source, i, end)
      i = end
      continue
    }
    if (!hasCode && !/\s/.test(ch)) {
      hasCode = true
      startLine = line
      start = i
    }
    if (ch === "'" || ch === '"') {
      const end = findQuoteEnd(source, i, ch)
      if (end === -1)
        throw new SqlSplitError(`unterminated ${ch === "'" ? 'string' : 'identifier'} opened on line ${line}`)
      line += countNewlines(source, i, end)
      i = end + 1
      continue
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(source.slice(i, i + 64))?.[0]
      if (tag) {
        const end = source.indexOf(tag, i + tag.length)
        if (end === -1)
          throw new SqlSplitError(`unterminated dollar-quoted string ${tag} opened on line ${line}`)
        line += countNewlines(source, i, end)
        i = end + tag.length
        continue
      }
    }
    if (ch === ';') {
      push(i)
      i++
      continue
    }
    i++
  }
  push(source.length)
  return statements
}

function findQuoteEnd(source: string, open: number, quote: string): number {
  let i = open + 1
  while (i < source.length) {
    if (source[i] === quote) {
      if (source[i + 1] === quote) {
        i += 2
        continue
      }
      return i
    }
    i++
  }
  return -1
}

function skipBlockComment(source: string, open: number, line: number): number {
  let depth = 0
  let i = open
  while (i < source.length) {
    if (source[i] === '/' && source[i + 1] === '*') {
      depth++
      i += 2
    } else if (source[i] === '*' && source[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  throw new SqlSplitError(`unterminated block comment opened on line ${line}`)
}

function countNewlines(source: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) if (source[i] === '\n') n++
  return n
}
