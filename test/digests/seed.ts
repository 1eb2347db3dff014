// A fixed set of meetings, voters and petitions (fixed times) for the digest and report tests.
import type { Db } from '../../src/db/client.ts';
import { deputyKey, saveMeeting } from '../../src/meetings/service.ts';

export const CONSTITUENCY = 'Đơn vị bầu cử số 1';
/** The digest window of the tests: one day up to 07:00 on 29/11/2026 in Hanoi. */
export const SINCE = new Date('2026-11-28T07:00:00+07:00');
export const UNTIL = new Date('2026-11-29T07:00:00+07:00');

export const TEXTS = {
  flood1: 'Đề nghị sửa đường ngõ 12 phố Trần Duy Hưng, mưa là ngập.',
  flood2: 'Ngo 12 Tran Duy Hung cu mua xuong la ngap sau, de nghi sua duong va thoat nuoc',
  flood3: 'Mùa mưa ngõ 12 Trần Duy Hưng ngập nặng, đề nghị cải tạo đường và cống thoát nước. SĐT 0912345678',
  pension1: 'Đề nghị tăng lương hưu cho người nghỉ hưu trước năm 1995 vì mức hưởng quá thấp.',
  pension2: 'Lương hưu của cán bộ nghỉ hưu trước 1995 thấp, không đủ sống, đề nghị điều chỉnh tăng.',
  light: 'Đèn chiếu sáng ngõ 12 Trần Duy Hưng hỏng đã hai tháng chưa được thay.',
  other: 'Đề nghị xây thêm trường mầm non ở phường Dịch Vọng.',
  old: 'Xin cho biết kế hoạch mở rộng chợ Nghĩa Tân.',
  answered: 'Đề nghị lắp biển báo giảm tốc trước cổng trường tiểu học.',
  rejected: 'abc xyz',
};

export interface Seeded {
  deputyId: number;
  otherDeputyId: number;
  meetings: Record<string, number>;
  petitions: Record<keyof typeof TEXTS, number>;
}

let code = 0;

async function petition(
  db: Db,
  data: {
    text: string;
    meetingId: number;
    voterId: number | null;
    receivedAt: string;
    authority?: string;
    field?: string;
    status?: string;
    anonymous?: boolean;
  },
): Promise<number> {
  code += 1;
  const created = await db.petition.create({
    data: {
      trackingCode: `KN-2026-${String(900000 + code).padStart(6, '0')}`,
      channel: 'telegram',
      text: data.text,
      textNormalized: data.text,
      meetingId: data.meetingId,
      voterId: data.voterId,
      anonymous: data.anonymous ?? false,
      status: data.status ?? 'classified',
      authority: data.authority ?? null,
      field: data.field ?? null,
      receivedAt: new Date(data.receivedAt),
    },
  });
  return created.id;
}

export async function seedFixedSet(db: Db): Promise<Seeded> {
  const deputy = await db.deputy.create({
    data: { name: 'Nguyễn Văn An', nameKey: deputyKey('Nguyễn Văn An'), constituency: CONSTITUENCY },
  });
  const other = await db.deputy.create({
    data: { name: 'Lê Thị Cúc', nameKey: deputyKey('Lê Thị Cúc'), constituency: 'Đơn vị bầu cử số 9' },
  });
  const meeting = async (code: string, start: string, deputies: string, constituency: string, expected?: number) => {
    const saved = await saveMeeting(db, {
      code,
      title: `Tiếp xúc cử tri ${code}`,
      start,
      place: 'Hội trường UBND phường',
      ward: 'Phường Dịch Vọng',
      constituency,
      deputies,
    });
    if (expected) await db.meeting.update({ where: { id: saved.id }, data: { expectedVoters: expected } });
    return saved.id;
  };
  const meetings = {
    attended: await meeting('HN-01', '2026-11-20T08:00:00+07:00', 'Nguyễn Văn An', CONSTITUENCY, 120),
    constituency: await meeting('HN-02', '2026-11-21T08:00:00+07:00', '', CONSTITUENCY, 80),
    elsewhere: await meeting('HN-03', '2026-11-22T08:00:00+07:00', 'Lê Thị Cúc', 'Đơn vị bầu cử số 9', 50),
    upcoming: await meeting('HN-04', '2026-12-05T08:00:00+07:00', 'Nguyễn Văn An', CONSTITUENCY),
    cancelled: await meeting('HN-05', '2026-12-06T08:00:00+07:00', 'Nguyễn Văn An', CONSTITUENCY),
  };
  await db.meeting.update({ where: { id: meetings.cancelled }, data: { status: 'cancelled' } });
  const voter = async (n: number, consent = 'agreed') =>
    (
      await db.voter.create({
        data: {
          channel: 'telegram',
          channelUserId: `v${n}`,
          chatId: `v${n}`,
          name: `Cử tri ${n}`,
          ward: 'Dịch Vọng',
          consent,
        },
      })
    ).id;
  const v = [
    await voter(1),
    await voter(2),
    await voter(3, 'anonymous'),
    await voter(4),
    await voter(5),
    await voter(6),
  ];
  const inWindow = '2026-11-28T10:00:00+07:00';
  const petitions = {
    flood1: await petition(db, {
      text: TEXTS.flood1,
      meetingId: meetings.attended,
      voterId: v[0]!,
      receivedAt: inWindow,
      authority: 'commune',
      field: 'traffic_infrastructure',
    }),
    flood2: await petition(db, {
      text: TEXTS.flood2,
      meetingId: meetings.attended,
      voterId: v[1]!,
      receivedAt: inWindow,
      authority: 'commune',
      field: 'traffic_infrastructure',
    }),
    flood3: await petition(db, {
      text: TEXTS.flood3,
      meetingId: meetings.constituency,
      voterId: v[2]!,
      anonymous: true,
      receivedAt: inWindow,
      authority: 'commune',
      field: 'traffic_infrastructure',
    }),
    pension1: await petition(db, {
      text: TEXTS.pension1,
      meetingId: meetings.attended,
      voterId: v[0]!,
      receivedAt: inWindow,
      authority: 'central',
      field: 'social_insurance_labour',
    }),
    pension2: await petition(db, {
      text: TEXTS.pension2,
      meetingId: meetings.constituency,
      voterId: v[3]!,
      receivedAt: inWindow,
      authority: 'central',
      field: 'social_insurance_labour',
    }),
    light: await petition(db, {
      text: TEXTS.light,
      meetingId: meetings.attended,
      voterId: v[4]!,
      receivedAt: inWindow,
      status: 'received',
    }),
    other: await petition(db, {
      text: TEXTS.other,
      meetingId: meetings.elsewhere,
      voterId: v[5]!,
      receivedAt: inWindow,
      authority: 'city',
      field: 'education',
    }),
    old: await petition(db, {
      text: TEXTS.old,
      meetingId: meetings.attended,
      voterId: v[5]!,
      receivedAt: '2026-11-20T09:00:00+07:00',
      status: 'received',
      authority: 'commune',
      field: 'economy_finance_tax',
    }),
    answered: await petition(db, {
      text: TEXTS.answered,
      meetingId: meetings.attended,
      voterId: v[3]!,
      receivedAt: '2026-11-15T09:00:00+07:00',
      status: 'answered',
      authority: 'commune',
      field: 'traffic_infrastructure',
    }),
    rejected: await petition(db, {
      text: TEXTS.rejected,
      meetingId: meetings.attended,
      voterId: v[4]!,
      receivedAt: inWindow,
      status: 'rejected',
    }),
  };
  await db.petitionEvent.createMany({
    data: [
      {
        petitionId: petitions.answered,
        fromStatus: 'reviewed',
        toStatus: 'forwarded',
        createdAt: new Date('2026-11-28T09:00:00+07:00'),
      },
      {
        petitionId: petitions.answered,
        fromStatus: 'forwarded',
        toStatus: 'answered',
        createdAt: new Date('2026-11-28T15:00:00+07:00'),
      },
      {
        petitionId: petitions.other,
        fromStatus: 'reviewed',
        toStatus: 'answered',
        createdAt: new Date('2026-11-28T15:00:00+07:00'),
      },
      {
        petitionId: petitions.old,
        fromStatus: null,
        toStatus: 'received',
        createdAt: new Date('2026-11-20T09:00:00+07:00'),
      },
    ],
  });
  return { deputyId: deputy.id, otherDeputyId: other.id, meetings, petitions };
}
