// The database handle types, apart from the code that connects (which needs the plain-SQL lane).
import type { PrismaClient } from '../generated/prisma/client.ts';

/** The Prisma client of this process (SQLite or PostgreSQL: both generated from the same models). */
export type Db = PrismaClient;
/** An interactive transaction of that client. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Which database a handle runs on: decided once, when connecting (`connectDb`), and read with `kindOf`. */
export type DbKind = 'sqlite' | 'postgresql';
