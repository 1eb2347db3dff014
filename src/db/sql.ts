// Plain SQL for the paths every webhook call takes, handed straight to Prisma's driver
// adapter (libsql or pg) instead of through the client: the client compiles and interprets
// each query (about 0.5 ms of CPU even for raw SQL), the adapter only binds and runs it.
// A transaction opened with `transaction()` lends its adapter connection to these helpers,
// so the SQL and the ORM calls of a turn still commit together; on anything else (a
// transaction opened directly with $transaction) they fall back to $queryRaw, except under
// the test runner, where that fallback throws so a transaction that was not lent is found.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db, DbKind, Tx } from './types.ts';

type Adapter = Awaited<ReturnType<SqlDriverAdapterFactory['connect']>>;
type Queryable = Pick<Adapter, 'queryRaw' | 'executeRaw' | 'provider'>;
type AdapterQuery = Parameters<Adapter['queryRaw']>[0];

/** The adapter connection of each client and each transaction opened with `transaction()`. */
const lanes = new WeakMap<Db | Tx, Queryable>();
/** The database kind of each client (set when connecting) and of each transaction `transaction()` opened. */
const kinds = new WeakMap<Db | Tx, DbKind>();
/** Set while `transaction()` opens one: the adapter transaction started in that context. */
const opening = new AsyncLocalStorage<{ tx?: Queryable }>();

/**
 * Wraps the adapter factory of `owner()` so that its adapter and the transactions it starts
 * are lent to the helpers.
 */
export function withFastLane(factory: SqlDriverAdapterFactory, owner: () => Db): SqlDriverAdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await start(isolationLevel);
      const slot = opening.getStore();
      if (slot && !slot.tx) slot.tx = tx;
      return tx;
    };
    lanes.set(owner(), adapter);
    return adapter;
  };
  return factory;
}

/** db.$transaction whose `tx` the helpers below run on directly. */
export function transaction<T>(
  db: Db,
  run: (tx: Tx) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
): Promise<T> {
  const slot: { tx?: Queryable } = {};
  return opening.run(slot, () =>
    db.$transaction(async (tx) => {
      if (slot.tx) lanes.set(tx, slot.tx);
      kinds.set(tx, kindOf(db));
      return run(tx);
    }, options),
  );
}

/** Records the kind of a client just connected (db/client.ts). */
export function setKind(db: Db, kind: DbKind): void {
  kinds.set(db, kind);
}

/** The database a client, or a transaction opened with `transaction()`, runs on. */
export function kindOf(on: Db | Tx): DbKind {
  const kind = kinds.get(on);
  if (!kind) throw new Error('database kind unknown: open the transaction with transaction() from db/sql.ts');
  return kind;
}

/** The rows of a query, as objects by column name (integers may come back as numbers or strings: use Number()). */
export async function queryRows<T>(on: Db | Tx, query: Prisma.Sql): Promise<T[]> {
  const lane = lanes.get(on);
  if (!lane) return withoutLane(on).$queryRaw<T[]>(query);
  const result = await run(() => lane.queryRaw(adapterQuery(lane, query)));
  const names = result.columnNames;
  return result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]])) as T);
}

/** Runs a statement; returns the number of rows it changed. */
export async function execute(on: Db | Tx, query: Prisma.Sql): Promise<number> {
  const lane = lanes.get(on);
  if (!lane) return withoutLane(on).$executeRaw(query);
  return run(() => lane.executeRaw(adapterQuery(lane, query)));
}

/**
 * Under the test runner a transaction without a lane is a mistake to find, not a path to
 * take (a client has none only until its adapter first connects).
 */
function withoutLane(on: Db | Tx): Db | Tx {
  const isTransaction = !('$transaction' in on);
  if (isTransaction && (process.env.VITEST || process.env.NODE_ENV === 'test')) {
    throw new Error('plain SQL on a transaction not opened with transaction() from db/sql.ts');
  }
  return on;
}

function adapterQuery(lane: Queryable, query: Prisma.Sql): AdapterQuery {
  return {
    sql: lane.provider === 'postgres' ? query.text : query.sql,
    args: query.values,
    // Only dates need a type: each adapter formats them as the client does (SQLite: ISO text).
    argTypes: query.values.map((value) => ({
      scalarType: value instanceof Date ? 'datetime' : 'unknown',
      arity: 'scalar',
    })),
  } as AdapterQuery;
}

/** The adapter's errors carry a kind, the client's a code: callers see the client's codes. */
async function run<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const kind = (error as { name?: string; cause?: { kind?: string } }).cause?.kind;
    const code =
      kind === 'UniqueConstraintViolation' ? 'P2002' : kind === 'TransactionWriteConflict' ? 'P2034' : undefined;
    if (code) Object.assign(error as object, { code });
    throw error;
  }
}
