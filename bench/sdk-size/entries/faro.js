// Grafana Faro: the web SDK with its default web instrumentations (errors, console, web vitals, session, views).
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk'

initializeFaro({
  url: 'https://faro.example.com/collect/bench',
  app: { name: 'bench', version: '1.0.0' },
  instrumentations: [...getWebInstrumentations()],
})
