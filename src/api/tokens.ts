// Bearer tokens of the read-only API: created on the command line (printed once), stored as
// their SHA-256 only, listed without the token, revoked by name. `read:stats` reads the
// figures; `read:petitions` reads petitions and figures.
import type { Db } from '../db/client.ts';
import { hashToken, newToken } from '../web/auth.ts';

export const API_SCOPES = ['read:stats', 'read:petitions'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** What a token is for, for its owner and the audit log (letters, digits, . _ -). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Tokens start with this, so one pasted by mistake is recognised for what it is. */
const TOKEN_PREFIX = 'kn_';
/** lastUsedAt is written at most this often per token (one write a minute, not one a call). */
const TOUCH_EVERY_MS = 60_000;

/** A token that cannot be created or revoked as asked; the message says why, in Vietnamese. */
export class ApiTokenError extends Error {
  override name = 'ApiTokenError';
}

export interface ApiTokenInfo {
  name: string;
  scope: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The caller of an API request, once its token is checked. */
export interface ApiCaller {
  id: number;
  name: string;
  scope: ApiScope;
}

export function isApiScope(scope: string): scope is ApiScope {
  return (API_SCOPES as readonly string[]).includes(scope);
}

/** Whether a token's scope covers what a route needs (read:petitions covers the figures too). */
export function scopeAllows(scope: ApiScope, needed: ApiScope): boolean {
  return scope === needed || scope === 'read:petitions';
}

/** Creates a token; returns it (the only time it is seen: the database keeps its hash). */
export async function createApiToken(db: Db, name: string, scope: string): Promise<string> {
  if (!NAME.test(name)) {
    throw new ApiTokenError(`Tên không hợp lệ: "${name}" (chữ không dấu, số, dấu . _ -, tối đa 64 ký tự)`);
  }
  if (!isApiScope(scope)) throw new ApiTokenError(`Quyền không hợp lệ: "${scope}" (chọn: ${API_SCOPES.join(', ')})`);
  if (await db.apiToken.findUnique({ where: { name } })) {
    throw new ApiTokenError(`Đã có mã truy cập tên "${name}" (tên đã thu hồi cũng không dùng lại): chọn tên khác.`);
  }
  const token = `${TOKEN_PREFIX}${newToken()}`;
  await db.apiToken.create({ data: { name, scope, tokenHash: hashToken(token) } });
  return token;
}

/** Every token, oldest first, without the token itself. */
export async function listApiTokens(db: Db): Promise<ApiTokenInfo[]> {
  return db.apiToken.findMany({
    orderBy: { id: 'asc' },
    select: { name: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Revokes a token by name: it stops working at once. */
export async function revokeApiToken(db: Db, name: string, now: Date): Promise<void> {
  const token = await db.apiToken.findUnique({ where: { name } });
  if (!token) throw new ApiTokenError(`Không có mã truy cập tên "${name}".`);
  if (token.revokedAt) throw new ApiTokenError(`Mã truy cập "${name}" đã bị thu hồi từ trước.`);
  await db.apiToken.update({ where: { id: token.id }, data: { revokedAt: now } });
}

/** The caller a bearer token belongs to; null for an unknown or revoked token. */
export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<ApiCaller | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || !isApiScope(row.scope)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, name: row.name, scope: row.scope };
}
