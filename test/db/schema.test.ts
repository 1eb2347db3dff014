// The PostgreSQL schema is the SQLite one with another provider and output.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const withoutProvider = (schema: string) =>
  schema.replace(/^\s*provider\s*=\s*"(sqlite|postgresql)"\s*$/m, '').replace(/^\s*output\s*=.*$/m, '');

it('keeps the PostgreSQL schema identical to the SQLite one but for provider and output', () => {
  const sqlite = readFileSync('prisma/schema.prisma', 'utf8');
  const postgres = readFileSync('prisma/postgres/schema.prisma', 'utf8');
  expect(postgres).toContain('provider = "postgresql"');
  expect(withoutProvider(postgres)).toBe(withoutProvider(sqlite));
});
