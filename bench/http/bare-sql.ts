/**
 * The statements of the bare server: the SQL that `@pawl/sqlite` runs for each benchmarked
 * request (same tables, same expressions, so the same indexes serve them), prepared once on
 * a better-sqlite3 connection.
 *
 * @module
 */
import type { Database } from 'better-sqlite3';

/** A record row as stored. */
export interface Row {
  id: string;
  last_modified: number;
  deleted: number;
  data: string;
}

/** A prepared statement, as the server uses one. */
export interface Prepared<T> {
  get(...parameters: unknown[]): T | undefined;
  all(...parameters: unknown[]): T[];
  run(...parameters: unknown[]): unknown;
}

/** The canonical sort key of a JSON field, as the expression indexes spell it. */
function key(field: string): string {
  const path = `'$."${field}"'`;
  const value = `json_extract(data, ${path})`;
  return `CASE json_type(data, ${path}) WHEN 'integer' THEN ${value} WHEN 'real' THEN ${value} WHEN 'text' THEN ${value} WHEN 'array' THEN CAST(${value} AS BLOB) WHEN 'object' THEN CAST(${value} AS BLOB) ELSE -9e999 END`;
}

function flag(field: string): string {
  return `CASE json_type(data, '$."${field}"') WHEN 'true' THEN 1 WHEN 'false' THEN 2 ELSE 0 END`;
}

const COLUMNS = 'SELECT r.id, r.last_modified, r.deleted, r.data FROM records AS r';
const COLLECTION = 'r.resource = ? AND r.parent_id = ?';
const UNREAD = `(${key('unread')} = -9e999 AND ${flag('unread')} = 1)`;
const NEWEST = 'ORDER BY r.last_modified DESC, r.id ASC';

/**
 * The statements; those of lists take their `LIMIT` as a literal, as Pawl writes it (a bound
 * `LIMIT ?` makes the same statement slower), so they come prepared per limit.
 */
export function prepareStatements(db: Database) {
  const statement = <T = unknown>(sql: string): Prepared<T> => db.prepare<unknown[], T>(sql);
  const byLimit = new Map<number, ReturnType<typeof lists>>();
  function lists(limit: number) {
    return {
      listUnread: statement<Row>(
        `${COLUMNS} WHERE ${COLLECTION} AND r.deleted = 0 AND ${UNREAD} ORDER BY ${key('stored_on')} DESC, ${flag('stored_on')} DESC, r.last_modified DESC, r.id ASC LIMIT ${limit}`,
      ),
      list: statement<Row>(
        `${COLUMNS} WHERE ${COLLECTION} AND r.deleted = 0 ${NEWEST} LIMIT ${limit}`,
      ),
      /** Default sort, a later page: the snapshot bound, then the keyset position. */
      listAfter: statement<Row>(
        `${COLUMNS} WHERE ${COLLECTION} AND r.deleted = 0 AND +r.last_modified <= ? AND (r.last_modified <= ? AND (r.last_modified < ? OR (r.last_modified = ? AND r.id > ?))) ${NEWEST} LIMIT ${limit}`,
      ),
      /** `_since`: tombstones included. */
      listSince: statement<Row>(
        `${COLUMNS} WHERE ${COLLECTION} AND r.last_modified > ? ${NEWEST} LIMIT ${limit}`,
      ),
    };
  }
  return {
    /** The list statements for pages of `limit` rows. */
    lists(limit: number) {
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit ${limit}`);
      let prepared = byLimit.get(limit);
      if (!prepared) {
        prepared = lists(limit);
        byLimit.set(limit, prepared);
      }
      return prepared;
    },
    timestamp: statement<{ last_modified: number }>(
      'SELECT last_modified FROM timestamps WHERE resource = ? AND parent_id = ?',
    ),
    writeTimestamp: statement(
      'INSERT INTO timestamps (resource, parent_id, last_modified) VALUES (?, ?, ?) ON CONFLICT (resource, parent_id) DO UPDATE SET last_modified = ?',
    ),
    get: statement<Row>(`${COLUMNS} WHERE ${COLLECTION} AND r.id = ? AND r.deleted = 0`),
    /** `?unread=true&_sort=-stored_on`, first page. */
    countUnread: statement<{ count: number }>(
      `SELECT count(*) AS count FROM records AS r WHERE ${COLLECTION} AND r.deleted = 0 AND ${UNREAD}`,
    ),
    /** Default sort, first page. */
    count: statement<{ count: number }>(
      `SELECT count(*) AS count FROM records AS r WHERE ${COLLECTION} AND r.deleted = 0`,
    ),
    /** `_since`: tombstones included. */
    countSince: statement<{ count: number }>(
      `SELECT count(*) AS count FROM records AS r WHERE ${COLLECTION} AND r.last_modified > ?`,
    ),
    /** The uniqueness check of `url`, ordered by `url` so that its expression index serves it. */
    sameUrl: statement<Row>(
      `${COLUMNS} WHERE ${COLLECTION} AND r.deleted = 0 AND (${key('url')} = ? AND ${flag('url')} = 0) ORDER BY ${key('url')} ASC, ${flag('url')} ASC, r.id ASC LIMIT 2`,
    ),
    put: statement(
      'INSERT INTO records (resource, parent_id, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (resource, parent_id, id) DO UPDATE SET last_modified = ?, deleted = 0, data = ?',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
