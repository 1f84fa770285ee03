// Type-level checks of SchemaType and SameType, the machinery that proves plan.schema.json and
// the Plan types agree. `tsc` checks this file (CI type-checks everything): every line marked
// as an expected error must fail to compile, so each mismatch the proof should catch is caught.
import type { SameType, SchemaType } from '../src/schema-types';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    mode: { type: 'string', enum: ['a', 'b'] },
    size: { type: ['integer', 'null'] },
    shape: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
    tags: { type: 'array', items: { type: 'string' } },
    weights: { type: 'object', additionalProperties: { type: 'number' } },
    source: { oneOf: [{ type: 'object', properties: { kind: { const: 'none' } } }, { type: 'object', properties: { kind: { const: 'file' }, path: { type: 'string' } } }] },
  },
} as const;

type Described = SchemaType<typeof schema>;
interface Exact {
  name: string;
  mode: 'a' | 'b';
  size: number | null;
  shape: [number, number];
  tags: string[];
  weights: Record<string, number>;
  source: { kind: 'none' } | { kind: 'file'; path: string };
}

export const agrees: SameType<Described, Exact> = true;
// @ts-expect-error a property the schema lacks
export const extraProperty: SameType<Described, Exact & { extra: boolean }> = true;
// @ts-expect-error a property the type lacks
export const missingProperty: SameType<Described, Omit<Exact, 'tags'>> = true;
// @ts-expect-error null allowed by the schema but not by the type
export const notNullable: SameType<Described, Omit<Exact, 'size'> & { size: number }> = true;
// @ts-expect-error an enum value the schema does not have
export const widerEnum: SameType<Described, Omit<Exact, 'mode'> & { mode: 'a' | 'b' | 'c' }> = true;
// @ts-expect-error a tuple of another length
export const longerTuple: SameType<Described, Omit<Exact, 'shape'> & { shape: [number, number, number] }> = true;
// @ts-expect-error a union variant the schema does not have
export const moreVariants: SameType<Described, Omit<Exact, 'source'> & { source: Exact['source'] | { kind: 'url' } }> = true;
