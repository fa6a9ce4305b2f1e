import { describe, expect, it } from 'vitest'
import { SqlSplitError, splitSqlStatements } from './sqlSplit.js'

describe('splitSqlStatements', () => {
  it('should split on top-level semicolons and record start lines', () => {
    const out = splitSqlStatements('create table a (x int);\n\ncreate table b (y int);\n')
    expect(out).toEqual([
      { text: 'create table a (x int)', line: 1 },
      { text: 'create table b (y int)', line: 3 },
    ])
  })

  it('should keep semicolons inside strings, identifiers, dollar quotes and comments', () => {
    const source = [
      "insert into t values ('a;b', 'it''s;');",
      'create table "we;ird" (x int);',
      'create function f() returns int language plpgsql as $fn$ begin return 1; end $fn$;',
      'do $$ begin perform 1; end $$;',
      '-- a comment; with a semicolon',
      '/* block; /* nested; */ still; */ select 1;',
    ].join('\n')
    const out = splitSqlStatements(source)
    expect(out.map((s) => s.line)).toEqual([1, 2, 3, 4, 6])
    expect(out[0]!.text).toBe("insert into t values ('a;b', 'it''s;')")
    expect(out[2]!.text).toContain('return 1; end $fn$')
    expect(out[4]!.text).toBe('select 1')
  })

  it('should drop statements that are only comments or blank', () => {
    expect(splitSqlStatements('-- nothing\n;\n  ;\n/* x */')).toEqual([])
  })

  it('should count lines inside multi-line strings and comments', () => {
    const out = splitSqlStatements("select 'a\nb';\n/* c\nd */\nselect 2;")
    expect(out).toEqual([
      { text: "select 'a\nb'", line: 1 },
      { text: 'select 2', line: 5 },
    ])
  })

  it('should refuse unterminated quotes and comments, naming the line', () => {
    expect(() => splitSqlStatements("select 1;\nselect 'oops;")).toThrow(
      new SqlSplitError('unterminated string opened on line 2'),
    )
    expect(() => splitSqlStatements('select $x$ never closed')).toThrow(
      /dollar-quoted string \$x\$ opened on line 1/,
    )
    expect(() => splitSqlStatements('/* open')).toThrow(/block comment opened on line 1/)
  })

  it('should not treat positional parameters as dollar quotes', () => {
    expect(splitSqlStatements('prepare p as select $1; select 2;')).toHaveLength(2)
  })
})
