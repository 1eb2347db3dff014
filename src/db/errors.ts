// What a database error means for the caller: worth a retry (the database was away or
// contended) or a race with another writer on the same row.

/** Two batches raced on the same row (a delivery, a new counter, a conversation): running again is safe. */
export function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'P2002' || code === 'P2034';
}

const TRANSIENT_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
  'TlsConnectionError',
]);
/** Prisma: unreachable, timed out, closed, pool timeout, transaction expired, write conflict or deadlock. */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
/** PostgreSQL SQLSTATEs and Node socket codes of an unavailable or contended database. */
const TRANSIENT_CODES = new Set([
  '40001',
  '40P01',
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);
/** SQLite's BUSY and LOCKED result codes, extended ones included (their low byte). */
const SQLITE_BUSY_CODES = new Set([5, 6]);
const TRANSIENT_MESSAGE =
  /database is locked|database table is locked|SQLITE_BUSY|connection (refused|terminated|closed|reset)|terminating connection|does not allow connections|could not serialize|deadlock detected|too many clients|database system is (starting|shutting)|can't reach database/i;

/**
 * The database was unavailable or contended (connection refused, locked or busy, a
 * serialization conflict, a timeout): the same delivery is likely to succeed later.
 */
export function isTransientDbError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, kind, extendedCode, message, cause } = error as Record<string, unknown>;
  if (typeof kind === 'string' && TRANSIENT_KINDS.has(kind)) return true;
  if (typeof code === 'string' && (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_CODES.has(code))) return true;
  if (kind === 'sqlite' && typeof extendedCode === 'number' && SQLITE_BUSY_CODES.has(extendedCode & 0xff)) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGE.test(message)) return true;
  const inner = (error as { error?: unknown }).error;
  return isTransientDbError(cause, depth + 1) || (inner !== undefined && isTransientDbError(inner, depth + 1));
}
