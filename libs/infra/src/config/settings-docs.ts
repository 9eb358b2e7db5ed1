import { SETTINGS, settingsOfProcess, type BerthProcess, type SettingSpec } from './settings-schema';

/** The markers around the generated table in README.md; `npm run docs:config` rewrites what is between them. */
export const TABLE_BEGIN = '<!-- BEGIN GENERATED: configuration table (npm run docs:config) -->';
export const TABLE_END = '<!-- END GENERATED: configuration table -->';

const HOW_SET =
  'Settings come from the environment over a berth.yaml (--config FILE, else BERTH_SERVER_CONFIG, else ./berth.yaml if present); a variable that is set wins over the file.';

/** `BERTH_NOTIFICATIONS_SECRET_<NAME>` for a map, the variable itself otherwise. */
export function variableOf(spec: SettingSpec): string {
  return spec.type.kind === 'map' ? `${spec.env}<NAME>` : spec.env;
}

/** The default as the table and `--help` show it. */
export function defaultOf(spec: SettingSpec): string {
  if (spec.defaultText) return spec.defaultText;
  if (spec.default === undefined) return '—';
  return typeof spec.default === 'string' ? `\`${spec.default}\`` : String(spec.default);
}

function typeOf(spec: SettingSpec): string {
  const type = spec.type;
  switch (type.kind) {
    case 'int':
      return type.max === Number.MAX_SAFE_INTEGER
        ? `whole number >= ${type.min}`
        : `whole number ${type.min}-${type.max}`;
    case 'enum':
      return type.values.join(' | ');
    case 'url':
      return `${type.schemes.join('/')} URL`;
    case 'list':
      return 'list';
    case 'map':
      return 'map of name: value';
    default:
      return type.kind;
  }
}

/** The README's configuration table: one row per setting of SETTINGS. */
export function configurationTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = SETTINGS.map((s) =>
    [
      `\`${variableOf(s)}\``,
      s.file ? `\`${s.file}\`` : 'env only',
      cell(typeOf(s)),
      cell(defaultOf(s)),
      s.processes.join(', '),
      cell(`${s.secret ? '**secret** ' : ''}${s.description}`),
    ].join(' | '),
  );
  return [
    '| variable | berth.yaml key | type | default | read by | meaning |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** `text` with the part between the table markers replaced by the current table. */
export function withConfigurationTable(text: string): string {
  const begin = text.indexOf(TABLE_BEGIN);
  const end = text.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the markers ${TABLE_BEGIN} ... ${TABLE_END} are missing`);
  return `${text.slice(0, begin + TABLE_BEGIN.length)}\n\n${configurationTable()}\n\n${text.slice(end)}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A YAML value that shows what to write (the default, else an example of the type). */
function exampleValue(spec: SettingSpec): string {
  const type = spec.type;
  if (type.kind === 'list')
    return `[${type.example
      .split(',')
      .map((e) => JSON.stringify(e))
      .join(', ')}]`;
  if (type.kind === 'map') return `{ ${type.example}: '...' }`;
  if (spec.example !== undefined) return JSON.stringify(spec.example);
  if (spec.default !== undefined)
    return typeof spec.default === 'string' ? JSON.stringify(spec.default) : String(spec.default);
  if (type.kind === 'enum') return type.values[0] ?? "''";
  if (type.kind === 'url') return `'${type.schemes.at(-1) ?? 'https'}://...'`;
  return "''";
}

interface Section {
  settings: SettingSpec[];
  sections: Map<string, Section>;
}

/**
 * `berth.yaml.example`: every file setting, commented out, under its section. `## ` lines describe,
 * `# ` lines are settings: removing `# ` from a setting line gives valid YAML of the right type.
 */
export function exampleConfigFile(): string {
  const out = [
    '# berth.yaml: every setting of Berth, commented out with its default or an example value.',
    '# Generated from libs/infra/src/config/settings-schema.ts by `npm run docs:config`: do not edit.',
    '#',
    '# Copy it to berth.yaml (read from the working directory), or point BERTH_SERVER_CONFIG or --config at it.',
    '# An environment variable that is set wins over the file (each key names its variable). Unknown keys',
    '# and values of the wrong type stop the process at start, naming the key. Secrets may be kept here:',
    '# then make the file readable by Berth alone (chmod 600 berth.yaml; a Secret volume in Kubernetes);',
    '# Berth warns at start when others may read a file that holds secrets.',
  ];
  const root: Section = { settings: [], sections: new Map() };
  for (const spec of SETTINGS) {
    if (!spec.file) continue;
    let section = root;
    for (const part of spec.file.split('.').slice(0, -1)) {
      let next = section.sections.get(part);
      if (!next) section.sections.set(part, (next = { settings: [], sections: new Map() }));
      section = next;
    }
    section.settings.push(spec);
  }
  const emit = (section: Section, depth: number) => {
    const indent = '  '.repeat(depth);
    for (const spec of section.settings) {
      if (depth === 0) out.push('');
      const fallback = spec.default === undefined && !spec.defaultText ? 'unset' : defaultOf(spec);
      const about = `${spec.description} (${variableOf(spec)}${spec.secret ? '; secret' : ''}; default ${fallback.replace(/`/g, '')})`;
      for (const line of wrap(about, 100 - indent.length - 3)) out.push(`${indent}## ${line}`);
      out.push(`${indent}# ${spec.file?.split('.').at(-1) ?? ''}: ${exampleValue(spec)}`);
    }
    for (const [name, child] of section.sections) {
      if (depth === 0) out.push('');
      out.push(`${indent}${name}:`);
      emit(child, depth + 1);
    }
  };
  emit(root, 0);
  return `${out.join('\n')}\n`;
}

/** A process's `--help`: its usage line and every setting it reads, from SETTINGS. */
export function settingsHelp(process: BerthProcess, usage: string): string {
  const lines = [usage, '', ...wrap(HOW_SET, 100), '', 'Settings:'];
  for (const spec of settingsOfProcess(process)) {
    const key = spec.file ? `berth.yaml ${spec.file}` : 'environment only';
    lines.push(
      `  ${variableOf(spec)}  (${key}; default ${defaultOf(spec).replace(/`/g, '')}${spec.secret ? '; secret' : ''})`,
    );
    for (const line of wrap(spec.description.replace(/`/g, ''), 94)) lines.push(`      ${line}`);
  }
  lines.push('', 'Every setting: README.md, "Configuration"; an example file: berth.yaml.example.');
  return lines.join('\n');
}
