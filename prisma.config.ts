// Prisma 6 in driver-adapter mode: no native query or schema engine is downloaded, so
// `prisma generate` and `prisma migrate deploy` work on a machine without internet.
// A generated client is bound to one provider, so SQLite and PostgreSQL each have a
// schema (identical but for provider and output) and their own migrations; DATABASE_URL
// picks which one a command works on.
import { existsSync, mkdirSync } from 'node:fs';
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

if (existsSync('.env')) process.loadEnvFile('.env');
// Without a DATABASE_URL the CLI falls back to downloading native engines, which fails
// offline; the embedded default keeps every command working on a fresh machine.
process.env.DATABASE_URL ??= 'file:./data/kiennghi.db';
const url = process.env.DATABASE_URL;
const postgres = /^postgres(ql)?:\/\//.test(url);
if (url.startsWith('file:./data/')) mkdirSync('data', { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: postgres ? 'prisma/postgres/schema.prisma' : 'prisma/schema.prisma',
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaLibSQL({ url });
  },
});
