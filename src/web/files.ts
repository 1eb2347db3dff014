// PLACEHOLDER: generated files at short-lived signed URLs (GET /files/:token), filled in by its owner.
import type { Hono } from 'hono';
import type { Db } from '../db/client.ts';

export function mountFileLinks(_app: Hono, _db: Db): void {}
