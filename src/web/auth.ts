// Signing in without passwords: a one-time link (from `/web` in chat or `web link`) opens a
// session. Tokens leave the process once, in the link or the cookie; the database keeps
// only their SHA-256, so a copy of the database signs nobody in.
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import type { Channel, Role } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';
import type { WebRole, WebUser } from './types.ts';

/** How long a sign-in link is valid. */
export const LOGIN_TOKEN_TTL_MS = 10 * 60_000;
/** The account `web link --admin` and the embedded default sign in with. */
export const LOCAL_ADMIN = { channel: 'web', channelUserId: 'admin' } as const;
/** A session's last use is written at most this often (one write a minute, not one a request). */
const TOUCH_EVERY_MS = 60_000;

/** A new random token, safe in a URL or a cookie. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Where links to the workspace point: PUBLIC_URL, else this machine's port. */
export function workspaceBase(config: Config, port: number = config.PORT): string {
  return (config.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
}

/** Makes a one-time sign-in link for a staff member (10 minutes, usable once). */
export async function createLoginLink(db: Db | Tx, base: string, staffId: number, now: Date): Promise<string> {
  const token = newToken();
  await db.webLoginToken.create({
    data: { tokenHash: hashToken(token), staffId, expiresAt: new Date(now.getTime() + LOGIN_TOKEN_TTL_MS) },
  });
  return `${base}/web/login?token=${token}`;
}

/** Uses a sign-in token up: the staff member's id, or null for an unknown, used or expired one. */
export async function consumeLoginToken(db: Db, token: string, now: Date): Promise<number | null> {
  const tokenHash = hashToken(token);
  const claimed = await db.webLoginToken.updateMany({
    where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (claimed.count === 0) return null;
  const row = await db.webLoginToken.findUnique({ where: { tokenHash }, include: { staff: true } });
  return row && !row.staff.revokedAt ? row.staffId : null;
}

/** Opens a session: the cookie's token and the CSRF token its forms carry. */
export async function startSession(db: Db, staffId: number): Promise<{ token: string; csrf: string }> {
  const token = newToken();
  const csrf = newToken();
  await db.webSession.create({ data: { tokenHash: hashToken(token), staffId, csrfToken: csrf } });
  return { token, csrf };
}

export interface OpenSession {
  id: number;
  csrf: string;
  user: WebUser;
}

/**
 * The session behind a cookie, if it is still open: not signed out, used within
 * `WEB_SESSION_HOURS`, its staff member not revoked. Its role is read afresh every time.
 */
export async function loadSession(db: Db, config: Config, token: string, now: Date): Promise<OpenSession | null> {
  const session = await db.webSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { staff: { include: { deputy: true } } },
  });
  if (!session || session.revokedAt || session.staff.revokedAt) return null;
  const idleMs = now.getTime() - session.lastSeenAt.getTime();
  if (idleMs > config.WEB_SESSION_HOURS * 3_600_000) return null;
  const role = webRole(session.staff.role);
  if (!role) return null;
  if (idleMs > TOUCH_EVERY_MS) await db.webSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  const { staff } = session;
  const account = `${staff.channel}:${staff.channelUserId}`;
  return {
    id: session.id,
    csrf: session.csrfToken,
    user: {
      staffId: staff.id,
      role,
      deputyId: role === 'deputy' ? staff.deputyId : null,
      actor: `${account} (${role}, web)`,
      displayName: staff.deputy?.name ?? (staff.channel === LOCAL_ADMIN.channel ? 'Quản trị viên' : account),
    },
  };
}

/** Signs one browser out. */
export async function endSession(db: Db, sessionId: number, now: Date): Promise<void> {
  await db.webSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/** Signs a staff member out everywhere (their own "sign out everywhere", or access revoked). */
export async function endAllSessions(db: Db | Tx, staffId: number, now: Date): Promise<void> {
  await db.webSession.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: now } });
}

/** The local administrator's staff row, created on first use. */
export async function ensureLocalAdmin(db: Db): Promise<number> {
  const row = await db.staffMember.upsert({
    where: { channel_channelUserId: LOCAL_ADMIN },
    create: { ...LOCAL_ADMIN, role: 'admin' },
    update: { revokedAt: null, role: 'admin' },
  });
  return row.id;
}

/**
 * The staff row a chat user signs in as. Admins named in the settings have none until
 * their first `/web`; it is created then with their role.
 */
export async function webAccountFor(tx: Tx, channel: Channel, userId: string, role: Role): Promise<number | null> {
  const key = { channel_channelUserId: { channel, channelUserId: userId } };
  const row = await tx.staffMember.findUnique({ where: key });
  if (row && !row.revokedAt) return row.id;
  if (role !== 'admin') return null;
  const created = await tx.staffMember.upsert({
    where: key,
    create: { channel, channelUserId: userId, role },
    update: { revokedAt: null, role },
  });
  return created.id;
}

function webRole(role: string): WebRole | null {
  return role === 'admin' || role === 'staff' || role === 'deputy' ? role : null;
}

/** Counts sign-in attempts per client address in a sliding window: too many are refused. */
export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 10 * 60_000,
  ) {}

  /** Records an attempt; false when the address is over the limit. */
  allow(key: string, now = Date.now()): boolean {
    const recent = (this.attempts.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      this.attempts.set(key, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(key, recent);
    if (this.attempts.size > 10_000) this.forgetOld(now);
    return true;
  }

  private forgetOld(now: number): void {
    for (const [key, times] of this.attempts)
      if (times.every((at) => now - at >= this.windowMs)) this.attempts.delete(key);
  }
}
