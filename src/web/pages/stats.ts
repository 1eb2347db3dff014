// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerStatsPage(web: WebApp, _deps: WebDeps): void {
  web.get('/stats', (c) => page(c, { title: 'Thống kê', section: 'stats', body: html`<p>Đang xây dựng.</p>` }));
}
