// PostHog's session recorder: posthog-js fetches this file (`lazy-recorder.js`) from its host at run time when
// recording is on; bundled here so that it is minified and measured like every other chunk.
import 'posthog-js/dist/lazy-recorder.js'
