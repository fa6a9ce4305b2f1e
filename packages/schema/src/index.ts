export * from './batch.js'
export * from './events.js'
export * from './limits.js'
export * from './testRun.js'
