import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { SETTINGS, type SettingSpec } from './settings-schema';

type Env = Record<string, string>;

/** What a `berth.yaml` says, as the environment variables it stands for. */
export interface ConfigFileSettings {
  /** Each setting the file gives, as its variable would (`scheduler.port: 8081` -> SCHEDULER_PORT=8081). */
  env: Env;
  /** The file key each of those variables came from, to name it in an error about its value. */
  keyOf: Map<string, string>;
  /** The file keys of secret settings the file holds (never their values). */
  secretKeys: string[];
}

const BY_FILE_KEY = new Map(
  SETTINGS.filter((s) => s.file !== undefined).map((s) => [s.file as string, s] as const),
);
const SECTIONS = new Set(
  [...BY_FILE_KEY.keys()].flatMap((key) =>
    key
      .split('.')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('.')),
  ),
);

/** `slack-token`, `oidc.okta.clientSecret` -> `SLACK_TOKEN`, `OIDC_OKTA_CLIENTSECRET` (as the configs reference them). */
export function mapEntryKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Reads a `berth.yaml`: nested sections whose keys mirror the settings (SETTINGS' `file`, e.g.
 * `database.url`, `worker.liveState.enabled`). Every unknown key and every value of the wrong YAML type
 * adds a problem naming the file, the key and the fix; a secret's value is never quoted.
 */
export function parseConfigFile(text: string, file: string, problems: string[]): ConfigFileSettings {
  const out: ConfigFileSettings = { env: {}, keyOf: new Map(), secretKeys: [] };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // Only the first line: the rest quotes the file's text, which may hold a secret.
    for (const error of doc.errors.slice(0, 3)) {
      const at = error.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : '';
      problems.push(
        `${file}: not valid YAML${where}: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      );
    }
    return out;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return out;
  if (!isMap(root)) {
    problems.push(
      `${file}: must be a mapping of settings (e.g. \`scheduler:\\n  port: 8080\`); see berth.yaml.example`,
    );
    return out;
  }
  walk(root, '', file, problems, out);
  return out;
}

function walk(node: Node, prefix: string, file: string, problems: string[], out: ConfigFileSettings): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (name === undefined) {
      problems.push(`${file}: ${prefix || 'the top level'} has a key that is not a plain name`);
      continue;
    }
    const key = prefix ? `${prefix}.${name}` : name;
    const value = pair.value as Node | null;
    const spec = BY_FILE_KEY.get(key);
    if (spec) {
      read(spec, key, value, file, problems, out);
    } else if (SECTIONS.has(key)) {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value)) {
        problems.push(`${file}: ${key} is a section: write its settings below it (e.g. ${exampleIn(key)})`);
        continue;
      }
      walk(value, key, file, problems, out);
    } else {
      problems.push(`${file}: unknown key ${key}; ${suggestionFor(key)}`);
    }
  }
}

function read(
  spec: SettingSpec,
  key: string,
  node: Node | null,
  file: string,
  problems: string[],
  out: ConfigFileSettings,
): void {
  if (node === null || (isScalar(node) && node.value === null)) return; // `key:` alone: unset
  const value: unknown = isScalar(node)
    ? node.value
    : isSeq(node)
      ? node.toJSON()
      : isMap(node)
        ? node.toJSON()
        : node;
  const wrong = (expected: string) => {
    const found = describeType(value);
    const shown = spec.secret || typeof value === 'object' ? '' : ` (${JSON.stringify(value)})`;
    problems.push(`${file}: ${key} is ${found}${shown}; ${expected}`);
  };
  const set = (env: string, text: string) => {
    out.env[env] = text;
    out.keyOf.set(env, key);
  };
  if (spec.secret) out.secretKeys.push(key);
  const type = spec.type;
  switch (type.kind) {
    case 'string':
    case 'url':
    case 'enum':
      if (typeof value !== 'string') {
        const hint =
          type.kind === 'enum'
            ? `one of ${type.values.join(', ')}`
            : type.kind === 'url'
              ? `a ${type.schemes[0]}:// URL`
              : 'a string';
        return wrong(
          `write ${hint}${typeof value === 'number' || typeof value === 'boolean' ? ' in quotes' : ''}`,
        );
      }
      return set(spec.env, value);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return wrong(
          `write a whole number from ${type.min} to ${type.max}${typeof value === 'string' ? ' without quotes' : ''}, e.g. ${key.split('.').pop()}: ${String(spec.default ?? type.min)}`,
        );
      }
      return set(spec.env, String(value));
    case 'bool':
      if (typeof value !== 'boolean') return wrong('write true or false, without quotes');
      return set(spec.env, String(value));
    case 'list':
      if (typeof value === 'string') return set(spec.env, value);
      if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        return set(spec.env, value.join(','));
      return wrong(
        `write a list of strings, e.g. [${type.example
          .split(',')
          .map((e) => JSON.stringify(e))
          .join(', ')}]`,
      );
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return wrong(`write a mapping of names to values, e.g. ${key}: { ${type.example}: ... }`);
      }
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        if (typeof entry !== 'string') {
          problems.push(
            `${file}: ${key}.${name} is ${describeType(entry)}; write the value as a string in quotes`,
          );
          continue;
        }
        set(spec.env + mapEntryKey(name), entry);
      }
      return;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return `a ${typeof value}`;
}

function exampleIn(section: string): string {
  const first = [...BY_FILE_KEY.keys()].find((k) => k.startsWith(`${section}.`)) ?? section;
  return `${section}:\\n  ${first.slice(section.length + 1)}: ...`;
}

/** The fix for an unknown key: the key of a variable's name, a near spelling, or where every key is listed. */
function suggestionFor(key: string): string {
  const asVariable = SETTINGS.find((s) => s.env === key || (s.type.kind === 'map' && key.startsWith(s.env)));
  if (asVariable?.file) return `${key} is an environment variable: in the file write ${asVariable.file}`;
  if (asVariable) return `${key} is read from the environment only`;
  const near = [...BY_FILE_KEY.keys(), ...SECTIONS]
    .map((candidate) => ({ candidate, distance: editDistance(candidate.toLowerCase(), key.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const every = 'every key is in berth.yaml.example';
  return near && near.distance <= Math.max(2, Math.floor(key.length / 4))
    ? `did you mean ${near.candidate}? (${every})`
    : `remove it or fix its name (${every})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
