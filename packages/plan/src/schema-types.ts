// The TypeScript type a JSON Schema describes, computed by the compiler: `SchemaType<typeof S>`.
// It covers exactly the subset of JSON Schema 2020-12 that plan.schema.json uses (const, enum,
// oneOf, nullable `type: [T, "null"]`, objects whose properties are all required, dictionaries,
// arrays, prefixItems tuples). schema.ts uses it to prove, at type-check time, that the schema
// and the Plan types in types.ts describe the same documents.

type Primitive<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : never;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type SchemaType<S> = S extends { const: infer C }
  ? C
  : S extends { enum: readonly (infer E)[] }
    ? E
    : S extends { oneOf: readonly (infer O)[] }
      ? O extends unknown
        ? SchemaType<O>
        : never
      : S extends { type: readonly [infer T, 'null'] }
        ? SchemaType<Omit<S, 'type'> & { type: T }> | null
        : S extends { type: 'object'; properties: infer P }
          ? { -readonly [K in keyof P]: SchemaType<P[K]> }
          : S extends { type: 'object'; additionalProperties: infer V }
            ? Record<string, SchemaType<V>>
            : S extends { type: 'array'; prefixItems: infer I }
              ? Mutable<{ [K in keyof I]: SchemaType<I[K]> }>
              : S extends { type: 'array'; items: infer I }
                ? SchemaType<I>[]
                : S extends { type: infer T }
                  ? Primitive<T>
                  : never;

/** true when A and B accept exactly the same values (each assignable to the other). */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
