import { startRecorder } from './recorder.js'

/** `sdk-replay.js` for the script-tag build: registers the recorder for startReplay to pick up. */
;(window as unknown as { __sightlineRecorder: unknown }).__sightlineRecorder = { startRecorder }
