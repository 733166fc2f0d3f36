// The JSON Schema of spec format v1, assembled from the registry's fragments. Published by
// `netspec schema` and committed as netspec.schema.json for editors.
import { LIMITS } from '../ops/attrs.js';
import { LOSSES, OPS, OPTIMIZERS } from '../ops/index.js';
import type { JsonSchema } from '../ops/types.js';

export const SCHEMA_ID = 'https://netspec.dev/schema/v1/netspec.schema.json';
export const MODEL_NAME_PATTERN = '^[a-z][a-z0-9_]*$';
export const LAYER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const layerName: JsonSchema = {
  description: 'Parameter prefix of this layer (its weights are NAME.weight, NAME.bias, ...).',
  type: 'string',
  pattern: LAYER_NAME_PATTERN,
  maxLength: 64,
};

/** The attribute map of one op: its own attributes plus `name`. */
export function opAttributesSchema(opName: string): JsonSchema {
  const op = OPS.get(opName)!;
  if (opName === 'block') {
    return {
      description: op.summary,
      type: 'object',
      properties: { name: layerName, layers: { $ref: '#/definitions/layers' } },
      required: ['name', 'layers'],
      additionalProperties: false,
    };
  }
  return {
    description: op.summary,
    type: op.required.length === 0 ? ['object', 'null'] : 'object',
    properties: { name: layerName, ...op.attributes },
    required: [...op.required],
    additionalProperties: false,
  };
}

/** A tagged union as the spec writes it: a bare name, or a one-key map {name: {attrs}}. */
function tagged(defs: Record<string, JsonSchema>, bare: string[], refPrefix: string, description: string): JsonSchema {
  const names = Object.keys(defs);
  return {
    description,
    anyOf: [
      ...(bare.length > 0 ? [{ type: 'string', enum: bare }] : []),
      {
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        properties: Object.fromEntries(names.map((n) => [n, { $ref: `#/definitions/${refPrefix}${n}` }])),
        additionalProperties: false,
      },
    ],
  };
}

function objectOrNull(attributes: Record<string, JsonSchema>, required: readonly string[], description: string): JsonSchema {
  return {
    description,
    type: required.length === 0 ? ['object', 'null'] : 'object',
    properties: attributes,
    required: [...required],
    additionalProperties: false,
  };
}

export function buildSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const name of OPS.keys()) definitions[`op_${name}`] = opAttributesSchema(name);
  for (const [name, l] of LOSSES) definitions[`loss_${name}`] = objectOrNull(l.attributes, [], l.summary);
  for (const [name, o] of OPTIMIZERS) definitions[`optimizer_${name}`] = objectOrNull(o.attributes, o.required, o.summary);
  definitions.layers = { type: 'array', minItems: 1, items: { $ref: '#/definitions/layer' } };
  const bareOps = [...OPS.values()].filter((op) => op.required.length === 0).map((op) => op.name);
  definitions.layer = tagged(
    Object.fromEntries([...OPS.keys()].map((n) => [n, {}])),
    bareOps,
    'op_',
    'A layer: a bare op name (relu) or a one-key map {op: {attributes}}.',
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'netspec model spec, format v1',
    type: 'object',
    properties: {
      netspec: { description: 'Spec format version.', const: 1 },
      name: { description: 'Model identifier.', type: 'string', pattern: MODEL_NAME_PATTERN, maxLength: 64 },
      description: { description: 'Free text, written into exports as a doc string.', type: 'string' },
      input: {
        description: 'Per-sample input shape; the batch dimension is implicit and leading.',
        type: 'object',
        properties: {
          shape: {
            type: 'array',
            items: { type: 'integer', minimum: 1, maximum: LIMITS.maxDimension },
            minItems: 1,
            maxItems: 3,
          },
        },
        required: ['shape'],
        additionalProperties: false,
      },
      layers: { $ref: '#/definitions/layers' },
      loss: tagged(
        Object.fromEntries([...LOSSES.keys()].map((n) => [n, {}])),
        [...LOSSES.keys()],
        'loss_',
        'Training loss: a bare name or {name: {attributes}}.',
      ),
      optimizer: tagged(
        Object.fromEntries([...OPTIMIZERS.keys()].map((n) => [n, {}])),
        [...OPTIMIZERS.values()].filter((o) => o.required.length === 0).map((o) => o.name),
        'optimizer_',
        'Optimizer: {sgd: {lr: ...}} or {adam: {...}}.',
      ),
    },
    required: ['netspec', 'name', 'input', 'layers'],
    additionalProperties: false,
    definitions,
  };
}
