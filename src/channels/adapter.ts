// The contract every channel adapter meets: main.ts starts, wires and stops them all alike.
import type { Channel, Sender } from '../core/types.ts';
import type { WebhookRoute } from '../http/server.ts';

/**
 * A platform behind the core: it turns the platform's updates into core events (from its
 * webhook route or its own polling, started by `start`) and delivers the outbox's messages
 * through `sender`, within the platform's send limits.
 */
export interface ChannelAdapter {
  name: Channel;
  sender: Sender;
  /** The HTTP route the platform posts updates to, in webhook mode. */
  webhook?: WebhookRoute;
  /** Begins taking updates (polling, or registering the webhook); the HTTP server is already listening. */
  start(): Promise<void>;
  /** Stops taking updates. */
  stop(): Promise<void>;
  /** A user's role changed: refresh what the platform shows them (Telegram's command menu). */
  roleChanged?(userId: string): void;
}
