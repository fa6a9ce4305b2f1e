// Sentry with Session Replay: the same as sentry.js plus replayIntegration (statically bundled, as documented).
import * as Sentry from '@sentry/browser'

Sentry.init({
  dsn: 'https://public@o0.ingest.sentry.io/0',
  integrations: [Sentry.browserTracingIntegration(), Sentry.replayIntegration()],
  tracesSampleRate: 1,
  replaysSessionSampleRate: 1,
  replaysOnErrorSampleRate: 1,
})
