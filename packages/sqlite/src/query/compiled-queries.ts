/**
 * The SQL of lists and filtered counts, compiled once per query shape. Building and compiling
 * a query with kysely costs more than running it when it is a short lookup (the uniqueness
 * check of every write, 25–30 µs of about 40); its SQL depends on the resource, the fields,
 * operators, sorts, limit, the types of the values and the values `true`, `false` and
 * `null`, but strings and numbers are bound parameters.
 *
 * A shape is compiled with stand-in values (a `parent_id` and filter and keyset strings and
 * numbers, which nothing else can equal) to learn where each value goes among the
 * parameters, twice with two different sets of stand-ins, and the first query of a shape is
 * also compiled as it is. The shape is kept only if both sets give the same SQL and the same
 * parameters once filled with that query's values, and these are what compiling the query
 * gives: a shape whose SQL depends on a value in another way (a `like` pattern, a value turned
 * into JSON) is compiled every time, as before, even when a client sends a stand-in's text.
 *
 * @module
 */
import type { CollectionRef, CountQuery, JsonValue, ListQuery } from '@pawl/core';

export interface CompiledQuery {
  sql: string;
  parameters: readonly unknown[];
}

/** Where a parameter comes from: a value of the query (its index), or always the same one. */
type Slot = { value: number } | { fixed: unknown };

interface Template {
  sql: string;
  slots: Slot[];
}

type Query = ListQuery | CountQuery;

/** Two sets of stand-ins: a parameter made from a value differs between them. */
type StandInSet = 0 | 1;

/**
 * A stand-in for a string value: no JSON text or URL holds NUL characters around this (and
 * a client's value that does cannot be both sets' at once). Exported for tests.
 */
export function standInString(set: StandInSet, index: number): string {
  return `\u0000pawl-value-${set}-${index}\u0000`;
}

/** A stand-in for a number value: subnormal and negative, no client sends one. */
function standInNumber(set: StandInSet, index: number): number {
  return -(index + 1) * (set === 0 ? 3.3e-320 : 5.1e-320);
}

/** The values a shape leaves as parameters: `parent_id`, filter values, keyset values. */
function valuesOf(ref: CollectionRef, query: Query): JsonValue[] {
  const after = 'after' in query ? (query.after ?? []) : [];
  return [ref.parentId, ...query.filters.map((filter) => filter.value), ...after];
}

/** Whether a value is a parameter of its query (a string or a number) rather than part of its SQL. */
function isParameter(value: JsonValue): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

/**
 * The shape of `query`: strings and numbers by their type, `true`, `false` and `null` as
 * they are (their SQL differs), and `undefined` when a value is an array or an object.
 */
function shapeOf(ref: CollectionRef, query: Query, values: JsonValue[]): string | undefined {
  const kinds: string[] = [];
  for (const value of values) {
    if (isParameter(value)) kinds.push(typeof value);
    else if (value === null || typeof value === 'boolean') kinds.push(String(value));
    else return undefined;
  }
  const list = query as ListQuery;
  return JSON.stringify([
    ref.resource,
    query.includeDeleted === true,
    query.filters.map((filter) => [filter.path, filter.operator]),
    list.sort,
    list.limit,
    list.after?.length,
    kinds,
  ]);
}

/** `query` and `ref` with each string or number replaced by its stand-in of `set`. */
function withStandIns<Q extends Query>(
  ref: CollectionRef,
  query: Q,
  set: StandInSet,
): [CollectionRef, Q] {
  let index = 0;
  const standIn = (value: JsonValue): JsonValue => {
    index += 1;
    if (!isParameter(value)) return value;
    return typeof value === 'number' ? standInNumber(set, index) : standInString(set, index);
  };
  const parentId = standIn(ref.parentId) as string;
  const filters = query.filters.map((filter) => ({ ...filter, value: standIn(filter.value) }));
  const after = 'after' in query && query.after ? { after: query.after.map(standIn) } : {};
  return [
    { ...ref, parentId },
    { ...query, filters, ...after },
  ];
}

function fill(template: Template, values: readonly JsonValue[]): unknown[] {
  return template.slots.map((slot) => ('value' in slot ? values[slot.value] : slot.fixed));
}

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}

/**
 * Compiles queries through `compile`, reusing the SQL of a shape seen before. Keeps the
 * `capacity` shapes used last.
 */
export function compiledQueries<Q extends Query>(
  compile: (ref: CollectionRef, query: Q) => CompiledQuery,
  capacity = 500,
): (ref: CollectionRef, query: Q) => CompiledQuery {
  /** `null`: the shape cannot be reused. */
  const templates = new Map<string, Template | null>();

  /**
   * The template of the shape of `query` with the stand-ins of `set`: where each value goes
   * among the parameters.
   */
  function templateOf(ref: CollectionRef, query: Q, set: StandInSet): Template {
    const [standInRef, standInQuery] = withStandIns(ref, query, set);
    const compiled = compile(standInRef, standInQuery);
    const standIns = valuesOf(standInRef, standInQuery);
    const slots = compiled.parameters.map((parameter): Slot => {
      const index = standIns.findIndex(
        (standIn) => isParameter(standIn) && Object.is(standIn, parameter),
      );
      return index >= 0 ? { value: index } : { fixed: parameter };
    });
    return { sql: compiled.sql, slots };
  }

  /**
   * The template of the shape of `query` (`null` if it cannot be reused), and its SQL. Both
   * sets of stand-ins must give the same SQL and the same fixed parameters (a parameter made
   * from a value, such as a `like` pattern, differs between them), and the template filled
   * with the values of `query` must give what compiling it does.
   */
  function learn(
    ref: CollectionRef,
    query: Q,
    values: JsonValue[],
  ): [Template | null, CompiledQuery] {
    const template = templateOf(ref, query, 0);
    const other = templateOf(ref, query, 1);
    const actual = compile(ref, query);
    const reusable =
      other.sql === template.sql &&
      sameParameters(fill(template, values), fill(other, values)) &&
      actual.sql === template.sql &&
      sameParameters(fill(template, values), actual.parameters);
    return [reusable ? template : null, actual];
  }

  return function compiled(ref, query) {
    const values = valuesOf(ref, query);
    const shape = shapeOf(ref, query, values);
    if (shape === undefined) return compile(ref, query);
    const known = templates.get(shape);
    if (known !== undefined) {
      // Used last: moved to the end of the eviction order.
      templates.delete(shape);
      templates.set(shape, known);
      return known === null
        ? compile(ref, query)
        : { sql: known.sql, parameters: fill(known, values) };
    }
    const [template, actual] = learn(ref, query, values);
    if (templates.size >= capacity) {
      const oldest = templates.keys().next();
      if (!oldest.done) templates.delete(oldest.value);
    }
    templates.set(shape, template);
    return actual;
  };
}
