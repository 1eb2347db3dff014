// What every workspace page is given: the signed-in user, the services of the running bot.
import type { Hono } from 'hono';
import type { Config } from '../config/index.ts';
import type { Outbox } from '../core/outbox.ts';
import type { Channel } from '../core/types.ts';
import type { Db } from '../db/client.ts';
import type { FileFetcher } from '../intake/media.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';

/** A workspace role: voters have no access. */
export type WebRole = 'admin' | 'staff' | 'deputy';

/** The signed-in person, resolved from the session row on every request. */
export interface WebUser {
  staffId: number;
  role: WebRole;
  /** Set for deputies: what they may see is scoped to this deputy (constituency, meetings attended). */
  deputyId: number | null;
  /** How the person is named in histories and the audit log (like `actorOf` in chat). */
  actor: string;
  /** A name to show: the deputy's name, or the account (`telegram:123`, `web:admin`). */
  displayName: string;
}

export interface WebDeps {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue: JobQueue;
  /** Platform file APIs, for attachments shown in the workspace (never a platform URL to the browser). */
  fetchers: Partial<Record<Channel, FileFetcher>>;
  /** The Telegram bot's username once known (meeting QR codes carry its deep link). */
  botUsername?: () => string | undefined;
  /** A staff member's role changed here: their platform refreshes what it shows them (Telegram's menu). */
  roleChanged?: (channel: Channel, userId: string) => void;
}

export interface WebEnv {
  Variables: {
    user: WebUser;
    /** The session's CSRF token, for forms and scripts. */
    csrf: string;
    sessionId: number;
  };
}

/** The workspace's router, mounted under `/web`; pages register their routes on it. */
export type WebApp = Hono<WebEnv>;
