// Grafana Faro with tracing (OpenTelemetry fetch/XHR and document-load spans), as in Faro's setup guide.
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk'
import { TracingInstrumentation } from '@grafana/faro-web-tracing'

initializeFaro({
  url: 'https://faro.example.com/collect/bench',
  app: { name: 'bench', version: '1.0.0' },
  instrumentations: [...getWebInstrumentations(), new TracingInstrumentation()],
})
