// Staff and deputies: who has access (StaffMember rows, active and revoked), the deputies,
// the invite codes still open. Admins invite (the same one-time code as `/moi`) and revoke
// (as `/thuhoi`: the role and every workspace session end), through src/staff/invites.ts.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { formatDate, formatDateTime } from '../../core/time.ts';
import { CHANNELS, type Channel } from '../../core/types.ts';
import { transaction } from '../../db/sql.ts';
import { createInvite, INVITE_PATTERN, revokeMember, withdrawInvite } from '../../staff/invites.ts';
import { csrfField, page, ROLE_LABELS } from '../layout.ts';
import { requireRole } from '../guard.ts';
import { errorBox, fieldText, positiveId, readForm, redirectBack } from '../office-forms.ts';
import type { WebApp, WebDeps, WebEnv, WebRole } from '../types.ts';

const BODY_LABELS: Record<string, string> = { na: 'ĐBQH', council: 'HĐND' };

export function registerPeoplePages(web: WebApp, deps: WebDeps): void {
  web.get('/people', (c) => peoplePage(c, deps));
  web.post('/people/invite', requireRole('admin'), (c) => invite(c, deps));
  web.post('/people/invites/:code/withdraw', requireRole('admin'), (c) => withdraw(c, deps));
  web.post('/people/:id{[0-9]+}/revoke', requireRole('admin'), (c) => revoke(c, deps));
}

function roleLabel(role: string): string {
  return ROLE_LABELS[role as WebRole] ?? role;
}

async function peoplePage(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const admin = c.get('user').role === 'admin';
  const tz = deps.config.TZ;
  const now = new Date();
  const members = await deps.db.staffMember.findMany({
    include: { deputy: { select: { name: true } } },
    orderBy: { id: 'asc' },
  });
  const deputies = await deps.db.deputy.findMany({
    orderBy: { name: 'asc' },
    include: {
      _count: { select: { meetings: true, staff: { where: { revokedAt: null } } } },
    },
  });
  const memberRows = members.map(
    (m) =>
      html`<tr>
        <td>#${m.id}</td>
        <td>${roleLabel(m.role)}</td>
        <td>${m.channel}:${m.channelUserId}</td>
        <td>${m.deputy?.name ?? ''}</td>
        <td>${formatDate(m.createdAt, tz)}</td>
        <td>
          ${
            m.revokedAt
              ? html`<span class="badge">thu hồi ${formatDate(m.revokedAt, tz)}</span>`
              : html`<span class="badge">đang có quyền</span>`
          }
        </td>
        ${admin ? html`<td>${revokeButton(c, m)}</td>` : ''}
      </tr>`,
  );
  const body = html`${errorBox(c)} ${admin ? await inviteShown(c, deps, now) : ''}
    <h2>Cán bộ, đại biểu có tài khoản</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Số</th>
            <th>Vai trò</th>
            <th>Tài khoản</th>
            <th>Đại biểu</th>
            <th>Từ ngày</th>
            <th>Trạng thái</th>
            ${admin ? html`<th></th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${
            memberRows.length
              ? memberRows
              : html`<tr>
                  <td colspan="7" class="muted">Chưa có ai.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>
    <h2>Đại biểu</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Họ tên</th>
            <th>Cơ quan</th>
            <th>Đơn vị bầu cử</th>
            <th>Hội nghị</th>
            <th>Tài khoản</th>
          </tr>
        </thead>
        <tbody>
          ${
            deputies.length
              ? deputies.map(
                  (d) =>
                    html`<tr>
                      <td>${d.name}</td>
                      <td>${BODY_LABELS[d.body] ?? d.body}</td>
                      <td>${d.constituency ?? ''}</td>
                      <td>${d._count.meetings}</td>
                      <td>${d._count.staff}</td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="5" class="muted">Chưa có đại biểu nào.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>
    ${admin ? await invitesSection(c, deps, deputies, now) : ''}`;
  return page(c, { title: 'Cán bộ và đại biểu', section: 'people', body });
}

function revokeButton(c: Context<WebEnv>, member: { id: number; role: string; revokedAt: Date | null }) {
  if (member.revokedAt) return '';
  // Admins come from the settings (ADMIN_*): revoking their row would not take their role.
  if (member.role === 'admin') return html`<span class="muted">theo cấu hình</span>`;
  return html`<form method="post" action="/web/people/${member.id}/revoke">
    ${csrfField(c)}
    <button
      type="submit"
      class="secondary"
      data-confirm="Thu hồi quyền của #${member.id}? Mọi phiên đăng nhập của người này sẽ kết thúc."
    >
      Thu hồi
    </button>
  </form>`;
}

/** The code just made (after the invite form), with how to use it. */
async function inviteShown(c: Context<WebEnv>, deps: WebDeps, now: Date) {
  const id = positiveId(c.req.query('invite'));
  const row = id ? await deps.db.invite.findUnique({ where: { id } }) : null;
  if (!row || row.usedAt || row.expiresAt <= now) return '';
  const deputy = row.deputyId ? await deps.db.deputy.findUnique({ where: { id: row.deputyId } }) : null;
  return html`<div class="card invite-code" role="status">
    <p>Mã mời ${roleLabel(row.role)}${deputy ? ` (${deputy.name})` : ''}: <b class="code">${row.code}</b></p>
    <p>
      Người được mời gửi mã này cho trợ lý trên Telegram hoặc Zalo (hoặc gõ <b>/thamgia ${row.code}</b>); trong khung
      chat ở cửa sổ dòng lệnh (<code>npm start</code>) cũng dùng được. Mã dùng một lần, hiệu lực đến
      ${formatDateTime(row.expiresAt, deps.config.TZ)}.
    </p>
  </div>`;
}

async function invitesSection(c: Context<WebEnv>, deps: WebDeps, deputies: { id: number; name: string }[], now: Date) {
  const open = await deps.db.invite.findMany({
    where: { usedAt: null, expiresAt: { gt: now } },
    orderBy: { id: 'desc' },
  });
  const names = new Map(deputies.map((d) => [d.id, d.name]));
  return html`<h2>Mời cán bộ, đại biểu</h2>
    <form method="post" action="/web/people/invite" class="filters card">
      ${csrfField(c)}
      <label
        >Vai trò
        <select name="role">
          <option value="staff">Cán bộ Văn phòng</option>
          <option value="deputy">Đại biểu</option>
        </select>
      </label>
      <label
        >Họ tên đại biểu (khi mời đại biểu)
        <input name="deputy" list="deputy-names" size="30" />
        <datalist id="deputy-names">${deputies.map((d) => html`<option value="${d.name}"></option>`)}</datalist>
      </label>
      <button type="submit">Tạo mã mời</button>
    </form>
    <h2>Mã mời còn hiệu lực</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Mã</th>
            <th>Vai trò</th>
            <th>Đại biểu</th>
            <th>Hết hạn</th>
            <th>Người tạo</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${
            open.length
              ? open.map(
                  (row) =>
                    html`<tr>
                      <td><b>${row.code}</b></td>
                      <td>${roleLabel(row.role)}</td>
                      <td>${row.deputyId ? (names.get(row.deputyId) ?? '') : ''}</td>
                      <td>${formatDateTime(row.expiresAt, deps.config.TZ)}</td>
                      <td>${row.createdBy}</td>
                      <td>
                        <form method="post" action="/web/people/invites/${row.code}/withdraw">
                          ${csrfField(c)}
                          <button type="submit" class="secondary">Hủy mã</button>
                        </form>
                      </td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="6" class="muted">Không có mã mời nào đang chờ.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>`;
}

async function invite(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const form = await readForm(c);
  const role = fieldText(form, 'role');
  const deputyName = fieldText(form, 'deputy');
  if (role !== 'staff' && role !== 'deputy') return redirectBack(c, '/web/people', { error: 'Vai trò không hợp lệ.' });
  if (role === 'deputy' && !deputyName) {
    return redirectBack(c, '/web/people', { error: 'Xin ghi họ tên đại biểu được mời.' });
  }
  const actor = c.get('user').actor;
  const made = await transaction(deps.db, (tx) => createInvite(tx, { role, deputyName, actor, now: new Date() }));
  if ('ambiguous' in made) {
    return redirectBack(c, '/web/people', {
      error: `Có nhiều đại biểu trùng tên: ${made.ambiguous.join('; ')}. Xin ghi đầy đủ họ tên.`,
    });
  }
  const added = made.deputyCreated ? ` Đã thêm đại biểu mới "${made.deputy?.name}".` : '';
  return redirectBack(c, `/web/people?invite=${made.id}`, { notice: `Đã tạo mã mời.${added}` });
}

async function withdraw(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const code = (c.req.param('code') ?? '').toUpperCase();
  const done =
    INVITE_PATTERN.test(code) &&
    (await transaction(deps.db, (tx) => withdrawInvite(tx, code, c.get('user').actor, new Date())));
  return done
    ? redirectBack(c, '/web/people', { notice: `Đã hủy mã mời ${code}.` })
    : redirectBack(c, '/web/people', { error: `Mã mời ${code} không còn hiệu lực.` });
}

async function revoke(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const id = Number(c.req.param('id'));
  const user = c.get('user');
  const member = await deps.db.staffMember.findUnique({ where: { id } });
  if (!member || member.revokedAt)
    return redirectBack(c, '/web/people', { error: `Không có cán bộ #${id} đang có quyền.` });
  if (member.id === user.staffId)
    return redirectBack(c, '/web/people', { error: 'Không thể tự thu hồi quyền của mình.' });
  if (member.role === 'admin') {
    return redirectBack(c, '/web/people', { error: 'Quyền quản trị theo cấu hình ADMIN_*, không thu hồi ở đây.' });
  }
  await transaction(deps.db, (tx) => revokeMember(tx, member, user.actor, new Date()));
  if ((CHANNELS as readonly string[]).includes(member.channel))
    deps.roleChanged?.(member.channel as Channel, member.channelUserId);
  return redirectBack(c, '/web/people', {
    notice: `Đã thu hồi quyền của #${member.id} (${member.channel}:${member.channelUserId}).`,
  });
}
