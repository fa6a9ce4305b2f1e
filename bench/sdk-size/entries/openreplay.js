// OpenReplay: one tracker (its own recorder, replay included; the worker is inlined).
import Tracker from '@openreplay/tracker'

const tracker = new Tracker({ projectKey: 'bench', ingestPoint: 'https://openreplay.example.com/ingest' })
tracker.start()
