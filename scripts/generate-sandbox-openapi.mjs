// `node scripts/generate-sandbox-openapi.mjs`: writes libs/sandbox-cluster/src/schema/builtin-schemas.data.ts, the
// OpenAPI schemas of the built-in kinds the sandbox serves (field validation, pruning, `kubectl explain`).
//
// Source: @kubernetes/client-node's generated models (dist/gen/models), which its maintainers generate from
// Kubernetes' own OpenAPI document: `attributeTypeMap` gives each field's JSON name, type and format, the
// declaration file gives which fields are required (no `?`) and the descriptions. Only the kinds the sandbox
// serves (api/builtin-resources.ts) and the definitions they reach are written. Run it again after upgrading
// client-node; the lib's README names the version the data came from.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { transformSync } = require('@swc/core');

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { builtinResourceTypes } = require(join(root, 'libs/sandbox-cluster/src/api/builtin-resources.ts'));
const modelsDir = join(root, 'node_modules/@kubernetes/client-node/dist/gen/models');
const clientVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/@kubernetes/client-node/package.json'), 'utf8'),
).version;
const modelFiles = new Set(
  readdirSync(modelsDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3)),
);

/** `apps` -> `Apps`, `rbac.authorization.k8s.io` -> `Rbac`, core -> `Core`: client-node's prefix for clashing names. */
function groupPrefix(group) {
  const first = group ? group.split('.')[0] : 'core';
  return first.charAt(0).toUpperCase() + first.slice(1);
}

function versionPrefix(version) {
  return version.charAt(0).toUpperCase() + version.slice(1);
}

/** The client-node model of a served kind: `AppsV1Deployment` where names clash across groups, else `V1Deployment`. */
function modelOf(type) {
  const plain = `${versionPrefix(type.version)}${type.kind}`;
  const prefixed = `${groupPrefix(type.group)}${plain}`;
  if (modelFiles.has(prefixed)) return prefixed;
  if (modelFiles.has(plain)) return plain;
  return undefined;
}

async function loadModel(name) {
  const mod = await import(join(modelsDir, `${name}.js`));
  const cls = mod[name];
  const dts = readFileSync(join(modelsDir, `${name}.d.ts`), 'utf8');
  return { attributes: cls.attributeTypeMap ?? [], dts };
}

/** Per property (TS name): optional or not, and its JSDoc; plus the class's own JSDoc. */
function parseDeclaration(dts) {
  const props = new Map();
  const classDoc = /\/\*\*\s*\n\*\s*([^\n]*)\n\*\/\s*\nexport declare class/.exec(dts)?.[1]?.trim();
  const re = /(?:\/\*\*\s*\n\s*\*\s*([^\n]*)\n\s*\*\/\s*\n)?\s*'([^']+)'(\?)?:/g;
  for (let m = re.exec(dts); m; m = re.exec(dts)) {
    props.set(m[2], { description: m[1]?.trim(), optional: m[3] === '?' });
  }
  return { classDoc, props };
}

const definitions = {};
const pending = [];

function schemaOfType(type, format) {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: schemaOfType(array[1], '') };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaOfType(map[1], '') };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'int32' || format === 'int64'
        ? { type: 'integer', format }
        : { type: 'number', ...(format ? { format } : {}) };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { 'x-kubernetes-preserve-unknown-fields': true };
    default:
      if (!modelFiles.has(type)) throw new Error(`unknown client-node type ${type}`);
      pending.push(type);
      return { $ref: `#/components/schemas/${type}` };
  }
}

async function define(name) {
  if (definitions[name]) return;
  const { attributes, dts } = await loadModel(name);
  const { classDoc, props } = parseDeclaration(dts);
  const properties = {};
  const required = [];
  for (const a of attributes) {
    const decl = props.get(a.name);
    const schema = schemaOfType(a.type, a.format);
    const description = decl?.description;
    // Where a field is a reference, OpenAPI v3 documents wrap it in allOf to carry the description.
    properties[a.baseName] =
      description && schema.$ref
        ? { description, allOf: [schema] }
        : { ...(description ? { description } : {}), ...schema };
    if (decl && !decl.optional) required.push(a.baseName);
  }
  definitions[name] = {
    ...(classDoc ? { description: classDoc } : {}),
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}

const kinds = [];
for (const type of builtinResourceTypes()) {
  if (type.review) continue;
  const model = modelOf(type);
  if (!model) {
    console.warn(
      `no client-node model for ${type.group}/${type.version} ${type.kind}: served without a schema`,
    );
    continue;
  }
  kinds.push({ group: type.group, version: type.version, kind: type.kind, schema: model });
  pending.push(model);
}
while (pending.length > 0) await define(pending.pop());

for (const k of kinds) {
  definitions[k.schema]['x-kubernetes-group-version-kind'] = [
    { group: k.group, kind: k.kind, version: k.version },
  ];
}

/**
 * Kubernetes' own definition name for a client-node model: `V1DeploymentSpec` -> `io.k8s.api.v1.DeploymentSpec`,
 * `CoreV1Event` -> `io.k8s.api.core.v1.Event`. kubectl explain prints a reference's last segment as the field's
 * type (`<DeploymentSpec>`); the group of an unprefixed model is not known, so it is left out of the name.
 */
function kubernetesName(model) {
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)(.+)$/.exec(model);
  if (!m) return `io.k8s.api.${model}`;
  const [, group, version, type] = m;
  return ['io.k8s.api', ...(group ? [group.toLowerCase()] : []), version.toLowerCase(), type].join('.');
}

const renamed = Object.fromEntries(Object.keys(definitions).map((k) => [k, kubernetesName(k)]));
if (new Set(Object.values(renamed)).size !== Object.keys(renamed).length)
  throw new Error('definition names clash');
const rename = (value) => {
  if (Array.isArray(value)) return value.map(rename);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? `#/components/schemas/${renamed[v.slice(v.lastIndexOf('/') + 1)]}`
        : rename(v),
    ]),
  );
};
for (const k of kinds) k.schema = renamed[k.schema];
const sorted = Object.fromEntries(
  Object.keys(definitions)
    .sort()
    .map((k) => [renamed[k], rename(definitions[k])]),
);
const out = join(root, 'libs/sandbox-cluster/src/schema/builtin-schemas.data.ts');
const data = JSON.stringify({
  source: `@kubernetes/client-node ${clientVersion} models`,
  kinds,
  schemas: sorted,
});
// One string literal parsed at load: a TypeScript object literal this size would slow every type check.
const prettier = require('prettier');
const source = await prettier.format(
  [
    "// Generated by scripts/generate-sandbox-openapi.mjs from @kubernetes/client-node's models. Do not edit.",
    "import type { BuiltinSchemaData } from './openapi-schema';",
    '',
    `export const builtinSchemaData = JSON.parse(${JSON.stringify(data)}) as BuiltinSchemaData;`,
    '',
  ].join('\n'),
  { ...(await prettier.resolveConfig(out)), filepath: out },
);
writeFileSync(out, source);
console.log(`${kinds.length} kinds, ${Object.keys(sorted).length} schemas -> ${out}`);
