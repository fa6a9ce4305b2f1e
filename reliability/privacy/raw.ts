import { randomUUID } from 'node:crypto'
import type { rawCanaries } from './canaries.js'

type Canaries = ReturnType<typeof rawCanaries>

/**
 * Batches that bypass the SDK (nothing masked or redacted on the client), each canary in the field a
 * careless or hostile client would put it in. `control` is an ordinary value that must be stored.
 */
export function rawBatches(c: Canaries, control: string) {
  const now = Date.now()
  const t = now - 2_000
  const sessionId = randomUUID()
  const envelope = (seq: number) => ({
    v: 1,
    sessionId,
    tabId: 'raw',
    seq,
    batchId: randomUUID(),
    sentAt: now,
    sdk: { version: 'raw-client' },
    page: {
      url: `https://shop.example/account?password=${c.pageUrlPassword.value}&page=1#access_token=${c.pageUrlHash.value}`,
      title: `Welcome ${c.pageTitleEmail.value}`,
    },
    session: { startedAt: now - 60_000, actor: 'human' },
  })
  const pem = `-----BEGIN PRIVATE KEY-----\nMIIB${c.consolePem.value}Q==\n-----END PRIVATE KEY-----`
  const network = {
    ...envelope(0),
    events: [
      {
        type: 'network',
        t,
        method: 'POST',
        target: `https://api.example/v1/login?api_key=${c.networkApiKey.value}&secret=${c.networkSecret.value}&lang=en`,
        status: 401,
        requestHeaders: {
          Authorization: `Bearer ${c.networkAuth.value}`,
          Cookie: `theme=dark; sid=${c.networkCookie.value}`,
          'X-Api-Key': c.networkXKey.value,
          Accept: 'application/json',
        },
        responseHeaders: { 'Set-Cookie': `session=${c.networkSetCookie.value}; Path=/` },
        requestBody: `{"user":"jane","password":"${c.bodyPassword.value}","card":"${c.bodyCard.value}"}`,
        responseBody: `token=${c.responseToken.value}&expires=3600`,
      },
      { type: 'console', t, level: 'log', message: `Authorization: Bearer ${c.consoleBearer.value}` },
      {
        type: 'console',
        t,
        level: 'warn',
        message: `retrying https://admin:${c.consoleCredentials.value}@db.example/ with ${pem}`,
        args: [
          { user: 'jane', password: c.consoleArgPassword.value, nested: { api_key: c.consoleArgKey.value } },
          `card ${c.consoleArgCard.value}`,
        ],
      },
      {
        type: 'console',
        t,
        level: 'error',
        message: `jwt ${c.consoleJwt.value} for SSN ${c.consoleSsn.value}`,
      },
      {
        type: 'error',
        t,
        message: `login failed for ${c.errorEmail.value} with token=${c.errorToken.value}`,
        stack: `Error: login failed\n    at submit (https://shop.example/app.js?sig=${c.errorStackSig.value}:1:2)`,
      },
    ],
  }
  const props = {
    ...envelope(1),
    events: [
      {
        type: 'custom',
        t,
        name: control,
        props: {
          plan: 'pro',
          api_key: c.propApiKey.value,
          apiKey: c.propApiKeyCamel.value,
          secret: c.propSecret.value,
          token: c.propToken.value,
          passwd: c.propPasswd.value,
          credentials: c.propCredentials.value,
          private_key: c.propPrivateKey.value,
          otp: c.propOtp.value,
          two_factor: c.propTwoFactor.value,
          mysql_pwd: c.propMysqlPwd.value,
          contact: c.propEmail.value,
        },
      },
      {
        type: 'identify',
        t,
        id: c.identifyId.value,
        traits: { plan: 'pro', password: c.identifyTrait.value },
      },
      {
        type: 'click',
        t,
        x: 1,
        y: 2,
        text: `Pay with ${c.clickCard.value}`,
        href: `https://shop.example/reset?reset_token=${c.clickHref.value}`,
      },
      {
        type: 'form',
        t,
        action: 'invalid',
        name: 'email',
        message: `${c.formEmail.value} is not registered`,
      },
      {
        type: 'pageview',
        t,
        href: `https://shop.example/?session=${c.pageviewSession.value}`,
        title: `Refund to ${c.pageviewIban.value}`,
      },
    ],
  }
  const replay = {
    ...envelope(2),
    events: [
      {
        type: 'replay',
        t,
        segment: 0,
        records: [
          {
            type: 4,
            timestamp: t,
            data: { href: `https://shop.example/?token=${c.replayMetaToken.value}`, width: 800, height: 600 },
          },
          {
            type: 2,
            timestamp: t + 1,
            data: {
              initialOffset: { left: 0, top: 0 },
              node: {
                type: 0,
                id: 1,
                childNodes: [
                  {
                    type: 3,
                    id: 2,
                    textContent: `Contact ${c.replayEmail.value}, IBAN ${c.replayIban.value}`,
                  },
                  {
                    type: 2,
                    id: 3,
                    tagName: 'input',
                    attributes: { type: 'password', value: c.replayPassword.value },
                    childNodes: [],
                  },
                  {
                    type: 2,
                    id: 4,
                    tagName: 'input',
                    attributes: { type: 'text', 'data-rr-is-password': 'true', value: c.replayToggled.value },
                    childNodes: [],
                  },
                ],
              },
            },
          },
        ],
      },
    ],
  }
  return [network, props, replay]
}

/** Posts the raw batches as a browser on the site's origin would; every event must be accepted. */
export async function sendRaw(collectorUrl: string, siteKey: string, origin: string, batches: unknown[]) {
  const answers: { status: number; body: unknown }[] = []
  for (const batch of batches) {
    const res = await fetch(`${collectorUrl}/v1/batch?key=${siteKey}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin },
      body: JSON.stringify(batch),
    })
    answers.push({ status: res.status, body: await res.json() })
  }
  return answers
}
