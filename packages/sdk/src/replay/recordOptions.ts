/**
 * The rrweb options of each privacy level, in a module of their own (no rrweb import): bench/sdk-overhead applies
 * them to the published @rrweb/record to tell what they cost apart from the rest of the SDK.
 */
const ALL_INPUT_TYPES = [
  'color',
  'date',
  'datetime-local',
  'email',
  'month',
  'number',
  'range',
  'search',
  'tel',
  'text',
  'time',
  'url',
  'week',
  'textarea',
  'select',
  'password',
  'hidden',
]
const MEDIA = 'img, picture, video, audio, svg, canvas, object, embed, iframe'

/** rrweb options of the two privacy levels. Inputs (hidden ones too) are always masked; no option unmasks them. */
export function recordOptions(privacy: 'default' | 'strict') {
  return {
    maskAllInputs: true,
    maskInputOptions: Object.fromEntries(ALL_INPUT_TYPES.map((t) => [t, true])),
    maskInputFn: (text: string) => '*'.repeat(text.length),
    // rrweb checks a text node's ancestors against this selector (e2e: canaries two levels below), so the
    // `… *` descendant forms are not needed: they only made every check slower.
    maskTextSelector: privacy === 'strict' ? '*' : '[data-sightline-mask], [contenteditable]',
    maskTextFn: (text: string) => text.replace(/\S/g, '*'),
    // Hidden inputs are blocked outright: rrweb does not mask their value attribute in snapshots
    // (rrweb-io/rrweb#1609), and they show nothing in a replay anyway.
    blockSelector: `[data-sightline-block], input[type=hidden]${privacy === 'strict' ? `, ${MEDIA}` : ''}`,
    ignoreSelector: '[data-sightline-ignore]',
    slimDOMOptions: 'all' as const,
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    sampling: { mousemove: 50, scroll: 150, input: 'last' as const },
  }
}
