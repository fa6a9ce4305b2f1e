export { AttachError, type AttachOptions, attachSightline, type SightlineHandle } from './attach.js'
