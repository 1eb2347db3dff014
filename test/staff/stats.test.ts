// /thongke against counts computed independently here, and /bieudo charts as real PNGs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { filesSentTo, newUserId, pngSize, startHarness, type Harness } from './support.ts';

let h: Harness;
let staff: number;

interface Seeded {
  receivedAt: Date;
  field: string | null;
  authority: string | null;
  meeting: 'CG' | 'ND' | null;
  voter: 'cauGiay' | 'noWard';
  status: string;
}

const FIELDS = ['environment', 'land', 'traffic_infrastructure', null];
const LEVELS = ['commune', 'city', 'central', null];
const STATUSES = ['received', 'classified', 'forwarded'];

/** A deterministic spread of petitions over October and November 2026 (Vietnam time). */
function plan(): Seeded[] {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // High bits: the low bits of a power-of-two LCG cycle quickly.
    return Math.floor(seed / 65536) % n;
  };
  return Array.from({ length: 90 }, () => {
    const month = next(3) === 0 ? 10 : 11;
    const day = 1 + next(month === 10 ? 31 : 30);
    const hour = next(24);
    return {
      receivedAt: new Date(
        `2026-${month}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:30:00+07:00`,
      ),
      field: FIELDS[next(FIELDS.length)]!,
      authority: LEVELS[next(LEVELS.length)]!,
      meeting: (['CG', 'ND', null] as const)[next(3)]!,
      voter: next(2) === 0 ? 'cauGiay' : 'noWard',
      status: STATUSES[next(STATUSES.length)]!,
    };
  });
}

const inNovember = (p: Seeded) =>
  p.receivedAt >= new Date('2026-11-01T00:00:00+07:00') && p.receivedAt < new Date('2026-12-01T00:00:00+07:00');
const inCauGiay = (p: Seeded) => p.meeting === 'CG' || p.voter === 'cauGiay';
let seeded: Seeded[];

beforeEach(async () => {
  h = await startHarness();
  staff = newUserId();
  await h.grant(staff, 'staff');
  const db = h.app.db;
  const cg = await saveMeeting(db, {
    code: 'CG',
    title: 'Cầu Giấy',
    start: '2026-11-02T08:00:00+07:00',
    place: 'UBND',
    ward: 'Phường Cầu Giấy',
    deputies: 'Nguyễn Văn An',
  });
  const nd = await saveMeeting(db, {
    code: 'ND',
    title: 'Nghĩa Đô',
    start: '2026-11-03T08:00:00+07:00',
    place: 'UBND',
    ward: 'Phường Nghĩa Đô',
    deputies: 'Trần Thị Bình',
  });
  const cauGiay = await db.voter.create({
    data: { channel: 'telegram', channelUserId: 'v1', chatId: 'v1', ward: 'Cầu Giấy', consent: 'agreed' },
  });
  const noWard = await db.voter.create({
    data: { channel: 'telegram', channelUserId: 'v2', chatId: 'v2', consent: 'anonymous' },
  });
  seeded = plan();
  for (const [index, p] of seeded.entries()) {
    await db.petition.create({
      data: {
        trackingCode: `KN-2026-${String(index + 1).padStart(6, '0')}`,
        channel: 'telegram',
        text: `Kiến nghị số ${index + 1}`,
        textNormalized: `Kiến nghị số ${index + 1}`,
        receivedAt: p.receivedAt,
        field: p.field,
        authority: p.authority,
        status: p.status,
        meetingId: p.meeting === 'CG' ? cg.id : p.meeting === 'ND' ? nd.id : null,
        voterId: p.voter === 'cauGiay' ? cauGiay.id : noWard.id,
        // stored petitions carry the ward their voter gave (src/intake/petitions.ts)
        ward: p.voter === 'cauGiay' ? cauGiay.ward : null,
        anonymous: p.voter === 'noWard',
      },
    });
  }
});
afterEach(async () => {
  await h.stop();
});

describe('statistics', () => {
  it('counts by period, ward, field and deputy exactly as an independent count does', async () => {
    const november = seeded.filter(inNovember);
    const [all] = await h.text(staff, '/thongke 01/11/2026-30/11/2026');
    expect(all).toContain(`Tổng số: ${november.length}`);
    const land = november.filter((p) => p.field === 'land').length;
    expect(all).toMatch(new RegExp(`Đất đai: ${land} \\(`));
    const central = november.filter((p) => p.authority === 'central').length;
    expect(all).toMatch(new RegExp(`Trung ương: ${central} \\(`));
    const forwarded = november.filter((p) => p.status === 'forwarded').length;
    expect(all).toMatch(new RegExp(`Đã chuyển cơ quan có thẩm quyền: ${forwarded} \\(`));

    const wanted = november.filter((p) => inCauGiay(p) && p.field === 'environment').length;
    const [accented] = await h.text(staff, '/thongke 01/11/2026-30/11/2026 phường=Cầu Giấy lĩnhvực=môi trường');
    const [plain] = await h.text(staff, '/thongke tu 01/11/2026 den 30/11/2026 phuong=cau giay linhvuc=moi truong');
    expect(accented).toContain(`Tổng số: ${wanted}`);
    expect(plain).toContain(`Tổng số: ${wanted}`);
    expect(plain).toContain('Tài nguyên, môi trường');

    const [deputy] = await h.text(staff, '/thongke daibieu=nguyen van an');
    expect(deputy).toContain(`Tổng số: ${seeded.filter((p) => p.meeting === 'CG').length}`);
    const [byMeeting] = await h.text(staff, '/thongke hop=nd cap=xa/phuong');
    expect(byMeeting).toContain(
      `Tổng số: ${seeded.filter((p) => p.meeting === 'ND' && p.authority === 'commune').length}`,
    );

    const communes = seeded.filter((p) => p.authority === 'commune').length;
    for (const typed of ['xa', 'xã', 'phuong']) {
      const [level] = await h.text(staff, `/thongke cap=${typed}`);
      expect(level).toContain(`Tổng số: ${communes}`);
    }
    const [noLevel] = await h.text(staff, '/thongke cap=khong-co');
    expect(noLevel).toContain('Không tìm thấy: cấp "khong-co"');
    expect(noLevel).not.toContain('Tổng số');

    const [unknown] = await h.text(staff, '/thongke linh tinh');
    expect(unknown).toContain('Chưa hiểu');
  });

  it('sends charts by field, by level and per day as valid PNG photos', async () => {
    const before = h.telegram.sent.length;
    const captions = await h.text(staff, '/bieudo 01/11/2026-30/11/2026', 3);
    expect(captions[0]).toContain('theo lĩnh vực');
    expect(captions[1]).toContain('theo cấp thẩm quyền');
    expect(captions[2]).toContain('theo ngày');
    expect(h.telegram.sent.slice(before).map((call) => call.method)).toEqual(['sendPhoto', 'sendPhoto', 'sendPhoto']);
    const files = await filesSentTo(h.app, staff);
    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.kind).toBe('photo');
      const { width, height } = pngSize(file.data);
      expect(width).toBeGreaterThanOrEqual(600);
      expect(width).toBeLessThanOrEqual(3000);
      expect(height).toBeGreaterThanOrEqual(150);
      expect(height).toBeLessThanOrEqual(3000);
      expect(file.data.length).toBeGreaterThan(5000);
    }

    const [empty] = await h.text(staff, '/bieudo 01/01/2020-02/01/2020');
    expect(empty).toContain('Không có kiến nghị');
  });
});
