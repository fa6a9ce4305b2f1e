// rrweb's recorder alone, with its defaults (what every rrweb-based replay starts from).
import { record } from '@rrweb/record'

const records = []
record({ emit: (r) => records.push(r) })
