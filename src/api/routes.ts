// PLACEHOLDER: the read-only API (GET /api/v1/petitions, /api/v1/stats), filled in by its owner.
import type { Hono } from 'hono';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';

export interface ApiDeps {
  db: Db;
  config: Config;
  log: Logger;
}

export function mountApi(_app: Hono, _deps: ApiDeps): void {}
