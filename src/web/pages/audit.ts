// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerAuditPages(web: WebApp, _deps: WebDeps): void {
  web.get('/audit', (c) => page(c, { title: 'Nhật ký thao tác', section: 'audit', body: html`<p>Đang xây dựng.</p>` }));
}
