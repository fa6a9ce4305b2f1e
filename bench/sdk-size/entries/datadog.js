// Datadog RUM with Session Replay (the recorder is a lazily imported chunk of @datadog/browser-rum).
import { datadogRum } from '@datadog/browser-rum'

datadogRum.init({
  applicationId: '00000000-0000-0000-0000-000000000000',
  clientToken: 'pub00000000000000000000000000000000',
  site: 'datadoghq.com',
  service: 'bench',
  sessionSampleRate: 100,
  sessionReplaySampleRate: 100,
  trackUserInteractions: true,
  trackResources: true,
  trackLongTasks: true,
  defaultPrivacyLevel: 'mask-user-input',
})
