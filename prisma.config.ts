// Prisma 6 in driver-adapter mode: no native query or schema engine is downloaded, so
// `prisma generate` and `prisma migrate deploy` work on a machine without internet.
import { defineConfig } from 'prisma/config';
import { PrismaLibSQL } from '@prisma/adapter-libsql';

import { existsSync, mkdirSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
// Without a DATABASE_URL the CLI falls back to downloading native engines, which fails
// offline; the embedded default keeps every command working on a fresh machine.
process.env.DATABASE_URL ??= 'file:./data/kiennghi.db';
if (process.env.DATABASE_URL.startsWith('file:./data/')) mkdirSync('data', { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    return new PrismaLibSQL({ url: process.env.DATABASE_URL! });
  },
});
