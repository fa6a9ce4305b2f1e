// PostHog: the npm module (a prebuilt bundle: tree-shaking cannot remove anything from it).
import posthog from 'posthog-js'

posthog.init('phc_bench', { api_host: 'https://us.i.posthog.com', person_profiles: 'identified_only' })
