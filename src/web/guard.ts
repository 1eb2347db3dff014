// The role check every workspace route sits behind, on the server.
import type { MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { publicPage } from './layout.ts';
import type { WebEnv, WebRole } from './types.ts';

/** Refuses a route to roles outside `roles` (403), checked for every request. */
export function requireRole(...roles: WebRole[]): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get('user').role)) {
      return publicPage(
        c,
        'Không có quyền',
        html`<p>Trang hoặc thao tác này không dành cho vai trò của Ông/Bà.</p>
          <p><a href="/web">Về trang chính</a></p>`,
        403,
      );
    }
    await next();
  };
}
