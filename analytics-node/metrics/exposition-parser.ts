// Tests only: a strict reader of Prometheus text format 0.0.4, refusing what Prometheus would
// refuse or what this node must never write (a family twice, a sample before its TYPE, a
// label set twice, a bad escape, a timestamp).

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  help: string;
  type: string;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

function parseValue(text: string): number {
  if (!VALUE.test(text)) throw new Error(`bad value ${JSON.stringify(text)}`);
  if (text === 'NaN') return NaN;
  if (text.endsWith('Inf')) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** `{a="x",b="y\"z"}` from position 0 of `text`; returns the labels and where they end. */
function parseLabels(text: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let index = 1;
  while (text[index] !== '}') {
    const equals = text.indexOf('=', index);
    const name = text.slice(index, equals);
    if (!LABEL_NAME.test(name) || text[equals + 1] !== '"') throw new Error(`bad label at ${index}: ${text}`);
    if (name in labels) throw new Error(`label ${name} twice`);
    let value = '';
    let position = equals + 2;
    for (;;) {
      const character = text[position];
      if (character === undefined) throw new Error('unterminated label value');
      if (character === '"') break;
      if (character === '\\') {
        const escaped = text[position + 1];
        if (escaped === '\\') value += '\\';
        else if (escaped === '"') value += '"';
        else if (escaped === 'n') value += '\n';
        else throw new Error(`bad escape \\${escaped}`);
        position += 2;
      } else {
        value += character;
        position += 1;
      }
    }
    labels[name] = value;
    index = position + 1;
    if (text[index] === ',') index += 1;
    else if (text[index] !== '}') throw new Error(`expected , or } at ${index}`);
  }
  return { labels, end: index + 1 };
}

function belongsTo(sampleName: string, family: string, type: string): boolean {
  if (sampleName === family) return type !== 'histogram';
  return type === 'histogram' && [`${family}_bucket`, `${family}_sum`, `${family}_count`].includes(sampleName);
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  let current: { name: string; family: ParsedFamily } | null = null;
  let pendingHelp: { name: string; help: string } | null = null;
  for (const line of text.split('\n').slice(0, -1)) {
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) {
      if (!METRIC_NAME.test(help[1]!) || families.has(help[1]!)) throw new Error(`bad or repeated HELP: ${line}`);
      if (/\\[^\\n]/.test(help[2]!.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP: ${line}`);
      pendingHelp = { name: help[1]!, help: help[2]! };
    } else if (type) {
      if (pendingHelp === null || pendingHelp.name !== type[1]) throw new Error(`TYPE without its HELP: ${line}`);
      const family = { help: pendingHelp.help, type: type[2]!, samples: [] };
      families.set(type[1]!, family);
      current = { name: type[1]!, family };
      pendingHelp = null;
    } else if (line.startsWith('#') || line === '') {
      throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    } else {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '';
      if (current === null || !belongsTo(name, current.name, current.family.type)) throw new Error(`sample outside its family: ${line}`);
      let rest = line.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) {
        const parsed = parseLabels(rest);
        labels = parsed.labels;
        rest = rest.slice(parsed.end);
      }
      if (!rest.startsWith(' ') || rest.slice(1).includes(' ')) throw new Error(`expected one value and no timestamp: ${line}`);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`label set twice: ${line}`);
      seen.add(key);
      current.family.samples.push({ name, labels, value: parseValue(rest.slice(1)) });
    }
  }
  if (pendingHelp !== null) throw new Error('HELP without TYPE');
  return families;
}

/** The value of the one sample named `name` whose labels include `labels`. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value) && Object.keys(sample.labels).length === Object.keys(labels).length) return sample.value;
    }
  }
  return undefined;
}
