import { z } from 'zod'

/** The seed's persona rule: name, age, techLiteracy and goals are required; anything else may follow. */
export const Persona = z.looseObject({
  name: z.string().min(1).max(256),
  age: z.number().int().min(0).max(150),
  techLiteracy: z.string().min(1).max(64),
  goals: z.array(z.string().max(1024)).max(100),
})

const json = z.record(z.string().max(256), z.unknown())

/** `POST /v1/test-runs`: a test run of an AI tester (or any automated test), with the seed's JSONB fields. */
export const TestRunInput = z.object({
  name: z.string().min(1).max(512),
  persona: Persona,
  /** What the browser really was: name, version, OS, viewport, device scale factor, locale, timezone. */
  platformDetails: json.optional(),
  testConfig: json.optional(),
  /** Models, cost, tokens (the seed's ai_metadata). */
  aiMetadata: json.optional(),
})

export type TestRunInput = z.infer<typeof TestRunInput>
