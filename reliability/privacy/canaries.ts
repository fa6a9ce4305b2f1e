/**
 * Canaries: unique markers of personal data, one per kind and place. `sdk` ones are put into a real page
 * (typed, shown, sent, logged) and recorded by the SDK with default settings; `raw` ones are sent straight
 * to the collector in batches the SDK would never make. Afterwards none may be found anywhere.
 */

export interface Canary {
  /** What kind of data, and where it was put. */
  kind: string
  value: string
  /** Strings whose presence means a leak (the value, or its distinctive part). */
  needles: string[]
  /** Digits-only needle for numbers that may be reformatted (cards, IBANs, SSNs, phones). */
  digits?: string
}

const digitsOf = (s: string) => s.replace(/\D/g, '')
const plain = (kind: string, value: string): Canary => ({ kind, value, needles: [value] })
const numeric = (kind: string, value: string): Canary => ({
  kind,
  value,
  needles: [value],
  digits: digitsOf(value),
})
const email = (kind: string, local: string): Canary => ({
  kind,
  value: `${local}@example.com`,
  needles: [local],
})

/** Canaries for the SDK path; `s` makes them unique to the run. */
export function sdkCanaries(s: string) {
  const c = {
    password: plain('password input', `PwTyped${s}x`),
    passwordUpper: plain('password input, type=PASSWORD', `PwUpper${s}x`),
    newPassword: plain('text input with autocomplete=new-password', `PwNew${s}x`),
    passwordShown: plain(
      'password shown with a show-password toggle (type switched to text)',
      `PwShown${s}x`,
    ),
    passwordShownAfter: plain('typed after the show-password toggle', `PwAfter${s}x`),
    passwordDynamic: plain('password input inserted after load', `PwDynamic${s}x`),
    passwordShadow: plain('password input in a shadow root', `PwShadow${s}x`),
    textShadow: plain('text input in a shadow root', `TextShadow${s}x`),
    passwordFrame: plain('password input in a same-origin iframe', `PwFrame${s}x`),
    emailFrame: email('email input in a same-origin iframe', `canary.fr${s}`),
    email: email('email input', `canary.em${s}`),
    emailPrefilled: email('email input prefilled by the server (value attribute)', `canary.pf${s}`),
    phone: numeric('tel input', `+44 20 7946 ${s.replace(/\D/g, '7').slice(0, 4).padEnd(4, '1')}`),
    card: numeric('card number input (autocomplete=cc-number)', '4539 1488 0343 6467'),
    iban: numeric('IBAN in a text input', 'GB82 WEST 1234 5698 7654 32'),
    otp: plain('one-time code input', `Otp${s}x`),
    hidden: plain('hidden input (CSRF token)', `Hidden${s}x`),
    textarea: plain('textarea', `Notes${s}x`),
    editable: plain('contenteditable', `Editor${s}x`),
    search: plain('search input', `Search${s}x`),
    urlToken: plain('token in the page URL query', `UrlTok${s}x`),
    urlHash: plain('access_token in the page URL fragment', `UrlHash${s}x`),
    linkToken: plain('reset token in a link followed by a click', `LinkTok${s}x`),
    fetchKey: plain('api_key in a fetch URL', `FetchKey${s}x`),
    xhrToken: plain('access_token in an XHR URL', `XhrTok${s}x`),
    authHeader: plain('Authorization header of a fetch', `AuthHdr${s}xyz`),
    apiKeyHeader: plain('X-Api-Key header of a fetch', `ApiHdr${s}x`),
    cookie: plain('session cookie (sent with same-origin requests)', `Cookie${s}x`),
    bodyPassword: plain('password in a JSON request body', `BodyPw${s}x`),
    consoleBearer: plain('bearer token in a console message', `ConBearer${s}xyz`),
    consolePassword: plain('password key of an object logged to the console', `ConPw${s}x`),
    consoleEmail: email('email in a console message', `canary.ce${s}`),
    consoleCard: numeric('card number in a console message', '5555 5555 5555 4444'),
    errorToken: plain('token= in a thrown error message', `ErrTok${s}x`),
    errorEmail: email('email in a thrown error message', `canary.ee${s}`),
    textEmail: email('email shown in page text', `canary.te${s}`),
    textCard: numeric('card number shown in page text', '3782 822463 10005'),
    textIban: numeric('IBAN shown in page text', 'DE89 3704 0044 0532 0130 00'),
    trackKey: plain('api_key prop of sightline.track()', `TrackKey${s}x`),
    trackPassword: plain('password prop of sightline.track()', `TrackPw${s}x`),
    identifyEmail: email('email passed to sightline.identify()', `canary.id${s}`),
    identifyTrait: plain('password trait of sightline.identify()', `TraitPw${s}x`),
  }
  return c
}

/** Kinds the server recognises without the SDK (patterns and names), for batches that bypass the SDK. */
export function rawCanaries(s: string) {
  return {
    pageUrlPassword: plain('password= in the batch page URL', `RawUrlPw${s}x`),
    pageUrlHash: plain('access_token in the batch page URL fragment', `RawUrlHash${s}x`),
    pageTitleEmail: email('email in the page title', `canary.rt${s}`),
    networkApiKey: plain('api_key in a network URL', `RawApiKey${s}x`),
    networkSecret: plain('secret= in a network URL', `RawSecret${s}x`),
    networkAuth: plain('Authorization request header', `RawAuth${s}xyz`),
    networkCookie: plain('Cookie request header', `RawCookie${s}x`),
    networkXKey: plain('X-Api-Key request header', `RawXKey${s}x`),
    networkSetCookie: plain('Set-Cookie response header', `RawSetCookie${s}x`),
    bodyPassword: plain('password in a JSON request body kept as text', `RawBodyPw${s}x`),
    bodyCard: numeric('card number in a request body', '4012 8888 8888 1881'),
    responseToken: plain('token= in a form-encoded response body', `RawRespTok${s}x`),
    consoleBearer: plain('bearer token in a console message', `RawConsole${s}xyz`),
    consoleArgPassword: plain('password key in console arguments', `RawArgPw${s}x`),
    consoleArgKey: plain('nested api_key in console arguments', `RawArgKey${s}x`),
    consoleArgCard: numeric('card number in console arguments', '6011 1111 1111 1117'),
    consoleCredentials: plain('user:password@ in a URL in a console message', `RawCred${s}x`),
    consolePem: plain('PEM private key in a console message', `RawPem${s}x`),
    consoleJwt: plain('JWT in a console message', jwtOf(s)),
    consoleSsn: numeric('US SSN in a console message', '078-05-1120'),
    errorEmail: email('email in an error message', `canary.re${s}`),
    errorToken: plain('token= in an error message', `RawErrTok${s}x`),
    errorStackSig: plain('sig= in a URL of an error stack', `RawSig${s}x`),
    propApiKey: plain('custom event prop api_key', `RawPropKey${s}x`),
    propApiKeyCamel: plain('custom event prop apiKey', `RawPropKeyC${s}x`),
    propSecret: plain('custom event prop secret', `RawPropSecret${s}x`),
    propToken: plain('custom event prop token', `RawPropToken${s}x`),
    propPasswd: plain('custom event prop passwd', `RawPropPasswd${s}x`),
    propCredentials: plain('custom event prop credentials', `RawPropCred${s}x`),
    propPrivateKey: plain('custom event prop private_key', `RawPropPk${s}x`),
    propOtp: plain('custom event prop otp', `RawPropOtp${s}x`),
    propTwoFactor: plain('custom event prop two_factor', `RawProp2fa${s}x`),
    propMysqlPwd: plain('custom event prop mysql_pwd', `RawPropMysql${s}x`),
    propEmail: email('email as a custom event prop value', `canary.rp${s}`),
    identifyId: email('email as the identify id', `canary.ri${s}`),
    identifyTrait: plain('password trait of identify', `RawTrait${s}x`),
    clickCard: numeric('card number in click text', '2223 0031 2200 3222'),
    clickHref: plain('reset_token in a clicked link', `RawHref${s}x`),
    formEmail: email('email in a form validation message', `canary.rf${s}`),
    pageviewSession: plain('session= in a page view URL', `RawPv${s}x`),
    pageviewIban: numeric('IBAN in a page view title', 'FR14 2004 1010 0505 0001 3M02 606'),
    replayEmail: email('email in a replay text node', `canary.rr${s}`),
    replayIban: numeric('IBAN in a replay text node', 'GB29 NWBK 6016 1331 9268 19'),
    replayPassword: plain('value of a password input in a replay snapshot', `RawRrPw${s}x`),
    replayToggled: plain(
      'value of a password input shown as text (rrweb marker) in a replay',
      `RawRrShown${s}x`,
    ),
    replayMetaToken: plain('token in the replay meta record URL', `RawRrTok${s}x`),
  }
}

function jwtOf(s: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: `user-${s}` })}.SigNature${s}`
}
