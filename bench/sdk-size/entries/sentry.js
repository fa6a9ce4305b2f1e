// Sentry: errors (default integrations) + browser tracing (web vitals, fetch/XHR spans), as in Sentry's setup guide.
import * as Sentry from '@sentry/browser'

Sentry.init({
  dsn: 'https://public@o0.ingest.sentry.io/0',
  integrations: [Sentry.browserTracingIntegration()],
  tracesSampleRate: 1,
})
