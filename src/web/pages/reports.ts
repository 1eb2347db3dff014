// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerReportPages(web: WebApp, _deps: WebDeps): void {
  web.get('/reports', (c) =>
    page(c, { title: 'Báo cáo và xuất dữ liệu', section: 'reports', body: html`<p>Đang xây dựng.</p>` }),
  );
}
