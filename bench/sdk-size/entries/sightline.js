// Sightline, as a site installs it from npm: every capture module on, replay on (a lazily imported chunk).
import { init } from '../../../packages/sdk/src/index.ts'

init({ siteKey: 'slp_bench', endpoint: 'https://collect.example.com' })
