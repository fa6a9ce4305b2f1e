// Grafana Faro with its (experimental) rrweb replay instrumentation, statically bundled.
import { ReplayInstrumentation } from '@grafana/faro-instrumentation-replay'
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk'

initializeFaro({
  url: 'https://faro.example.com/collect/bench',
  app: { name: 'bench', version: '1.0.0' },
  instrumentations: [...getWebInstrumentations(), new ReplayInstrumentation()],
})
