export { type InitOptions, init, SDK_VERSION, type Sightline } from './boot/init.js'
export type { PrivacyLevel } from './boot/options.js'
export { OptionsError } from './boot/options.js'
