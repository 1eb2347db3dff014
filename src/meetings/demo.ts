// Demo data for the embedded default: an open meeting to try the voter flow with, and a few
// past meetings with petitions in every state, so each workspace page shows something real.
// Everything goes through the same services as real work (meetings, petitions, status
// changes); the classification jobs the petitions enqueue classify them once the bot runs.
import type { Db } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { zonedTime } from '../core/dates.ts';
import { addDays, zonedYmd } from '../stats/period.ts';
import { storePetition } from '../intake/petitions.ts';
import { changeStatus, type StatusKind } from '../staff/review.ts';
import { DEMO_MEETING_CODE, saveMeeting } from './service.ts';

const DAY = 86_400_000;
const DEPUTIES = 'Nguyễn Văn An; Trần Thị Bình';
const ACTOR = 'web:admin (admin, demo)';

interface DemoMeeting {
  code: string;
  title: string;
  daysFromNow: number;
  place: string;
  ward: string;
  status: 'open' | 'closed' | 'scheduled';
  petitions: DemoPetition[];
}

interface DemoPetition {
  text: string;
  speaker?: string;
  voters?: number;
  then?: { kind: StatusKind; data: Record<string, unknown>; note: string | null };
}

const forwarded = (agency: string) => ({
  kind: 'forwarded' as const,
  data: { forwardedTo: agency, forwardedAt: new Date(), answerDueAt: new Date(Date.now() + 20 * DAY) },
  note: agency,
});
const answered = (text: string, ref: string) => ({
  kind: 'answered' as const,
  data: { answerText: text, answerRef: ref, answeredAt: new Date() },
  note: ref,
});

const MEETINGS: DemoMeeting[] = [
  {
    code: 'DEMO-T9',
    title: 'Tiếp xúc cử tri trước kỳ họp thứ 10',
    daysFromNow: -75,
    place: 'Nhà văn hóa tổ dân phố 5',
    ward: 'Phường Mẫu',
    status: 'closed',
    petitions: [
      {
        text: 'Đề nghị sửa chữa mặt đường ngõ 34 phố Chợ, đường xuống cấp nhiều ổ gà, mùa mưa ngập sâu gây mất an toàn.',
        speaker: 'Cử tri tổ 5',
        voters: 3,
        then: forwarded('UBND phường'),
      },
      {
        text: 'Cử tri kiến nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân khu tái định cư đã ở ổn định hơn 10 năm.',
        speaker: 'Cử tri khu tái định cư',
        voters: 5,
        then: answered(
          'Sở Nông nghiệp và Môi trường đã chỉ đạo hoàn thiện hồ sơ, dự kiến cấp giấy trong quý I.',
          '1234/SNNMT-QLĐĐ',
        ),
      },
      {
        text: 'Đề nghị Quốc hội sớm sửa đổi quy định về mức đóng bảo hiểm xã hội tự nguyện để người lao động tự do dễ tham gia hơn.',
        voters: 2,
        then: forwarded('Bộ Nội vụ'),
      },
      {
        text: 'Kiến nghị tăng cường kiểm tra an toàn thực phẩm tại các bếp ăn tập thể trường tiểu học trên địa bàn.',
        then: { kind: 'resolved', data: { resolvedAt: new Date() }, note: 'Đã kiểm tra, báo cáo kết quả' },
      },
      { text: 'Đề nghị lắp thêm đèn chiếu sáng tại đoạn đường ven kênh, buổi tối rất tối, người dân đi lại khó khăn.' },
      {
        text: 'Cử tri phản ánh tình trạng xe tải chở vật liệu xây dựng chạy quá tốc độ, làm rơi vãi đất cát trên đường.',
      },
    ],
  },
  {
    code: 'DEMO-T10',
    title: 'Tiếp xúc cử tri sau kỳ họp thứ 10',
    daysFromNow: -20,
    place: 'Hội trường UBND phường',
    ward: 'Phường Bến Mới',
    status: 'closed',
    petitions: [
      {
        text: 'Đề nghị thành phố sớm đầu tư xây dựng trường trung học cơ sở mới, các lớp hiện nay quá đông, trên 50 học sinh một lớp.',
        speaker: 'Đại diện hội phụ huynh',
        voters: 4,
        then: forwarded('Sở Giáo dục và Đào tạo'),
      },
      {
        text: 'Kiến nghị nạo vét hệ thống thoát nước khu dân cư, mỗi khi mưa lớn nước thải tràn vào nhà dân.',
        then: forwarded('UBND phường'),
      },
      {
        text: 'Đề nghị giải quyết dứt điểm tình trạng lấn chiếm vỉa hè để kinh doanh tại tuyến phố chợ.',
        then: answered('UBND phường đã ra quân lập lại trật tự vỉa hè từ ngày 15 hằng tháng.', '88/UBND'),
      },
      {
        text: 'Cử tri đề nghị điều chỉnh giá điện bậc thang sinh hoạt, mùa hè hóa đơn tiền điện tăng quá cao.',
        then: forwarded('Bộ Công Thương'),
      },
      { text: 'Đề nghị bố trí thêm bác sĩ và kéo dài giờ khám bệnh tại trạm y tế phường vào buổi tối.' },
      { text: 'Kiến nghị có chính sách hỗ trợ người cao tuổi neo đơn, không có lương hưu trên địa bàn phường.' },
      {
        text: 'Đề nghị cấp có thẩm quyền xem xét lại việc thu hồi đất làm đường, giá bồi thường thấp hơn giá thị trường.',
        then: {
          kind: 'rejected',
          data: { rejectReason: 'Đã được giải quyết bằng quyết định có hiệu lực' },
          note: null,
        },
      },
      { text: 'Cử tri phản ánh tiếng ồn từ quán karaoke hoạt động sau 23 giờ, ảnh hưởng sinh hoạt của khu dân cư.' },
    ],
  },
  {
    code: 'DEMO-CD',
    title: 'Tiếp xúc cử tri chuyên đề về môi trường đô thị',
    daysFromNow: -6,
    place: 'Nhà văn hóa khu phố 2',
    ward: 'Phường Mẫu',
    status: 'closed',
    petitions: [
      { text: 'Đề nghị tăng tần suất thu gom rác thải sinh hoạt, rác tồn đọng tại điểm tập kết gây mùi hôi.' },
      { text: 'Kiến nghị xử lý cơ sở sản xuất gây ô nhiễm khói bụi trong khu dân cư tổ 7.' },
      { text: 'Đề nghị trồng thêm cây xanh và cải tạo công viên nhỏ cho trẻ em vui chơi.' },
      { text: 'Đề nghị kiểm tra chất lượng nước sạch, nước máy có mùi clo và cặn bẩn.' },
      { text: 'Cử tri đề nghị thành phố có lộ trình di dời các cơ sở thu mua phế liệu ra khỏi khu dân cư.' },
    ],
  },
];

/** Petitions sent to the bot between meetings, tied to the open demo meeting. */
const CHAT_PETITIONS = [
  'Đề nghị sửa lại biển báo giao thông bị đổ tại ngã tư gần trường mầm non.',
  'Xin hỏi khi nào dự án mở rộng đường vành đai được triển khai, người dân chờ đã lâu.',
  'Kiến nghị hỗ trợ học phí cho con em hộ cận nghèo ở bậc trung học phổ thông.',
  'Đề nghị kiểm tra việc xây dựng sai phép tại công trình nhà 7 tầng trong ngõ nhỏ.',
  'Đề nghị có bãi đỗ xe công cộng gần chợ, xe máy đỗ tràn lan xuống lòng đường gây ùn tắc.',
  'Cử tri đề nghị rút ngắn thời gian giải quyết thủ tục đăng ký hộ kinh doanh tại bộ phận một cửa.',
  'Kiến nghị sửa đổi luật để tăng mức xử phạt hành vi bán hàng giả, hàng kém chất lượng trên mạng.',
  'Đề nghị bố trí lực lượng bảo đảm an ninh trật tự tại khu vực cổng trường vào giờ tan học.',
  'Kiến nghị cải tạo nhà văn hóa tổ dân phố đã xuống cấp, mái dột, thiếu chỗ sinh hoạt cho người dân.',
  'Đề nghị tăng mức trợ cấp hằng tháng cho người có công với cách mạng phù hợp với giá cả hiện nay.',
  'Đề nghị mở thêm tuyến xe buýt nối khu dân cư mới với trung tâm thành phố.',
  'Kiến nghị kiểm soát giá sách giáo khoa và các khoản thu đầu năm học tại trường phổ thông.',
];

/**
 * Seeds the demo meeting (and, with `full`, past meetings with petitions in various states)
 * on an empty database; false when there was something already.
 */
export async function seedDemoData(db: Db, now: Date, timeZone: string): Promise<boolean> {
  if ((await db.meeting.count()) > 0) return false;
  const demo = await saveMeeting(
    db,
    {
      code: DEMO_MEETING_CODE,
      title: 'Hội nghị tiếp xúc cử tri (thử nghiệm)',
      kind: 'before_session',
      start: new Date(now.getTime() + 60 * 60_000).toISOString(),
      place: 'Hội trường UBND phường',
      ward: 'Phường Mẫu',
      constituency: 'Đơn vị bầu cử số 1',
      deputies: DEPUTIES,
    },
    timeZone,
  );
  await db.meeting.update({ where: { id: demo.id }, data: { status: 'open' } });
  for (const meeting of MEETINGS) await seedMeeting(db, meeting, now, timeZone);
  await transaction(db, async (tx) => {
    for (const [index, text] of CHAT_PETITIONS.entries()) {
      await storePetition(tx, {
        channel: 'local',
        voterId: null,
        anonymous: index % 2 === 1,
        meetingId: demo.id,
        ward: 'Phường Mẫu',
        text,
        media: [],
        now: new Date(now.getTime() - (index + 1) * 3 * 3_600_000),
        timeZone,
      });
    }
  });
  return true;
}

async function seedMeeting(db: Db, meeting: DemoMeeting, now: Date, timeZone: string): Promise<void> {
  // Meetings of the office begin in the morning, whatever the hour the demo is seeded at.
  const day = addDays(zonedYmd(now, timeZone), meeting.daysFromNow);
  const startsAt = zonedTime(day, timeZone, { hour: 8, minute: 0, second: 0, ms: 0 });
  const saved = await saveMeeting(
    db,
    {
      code: meeting.code,
      title: meeting.title,
      kind: meeting.daysFromNow < -30 ? 'before_session' : 'after_session',
      start: startsAt.toISOString(),
      place: meeting.place,
      ward: meeting.ward,
      constituency: 'Đơn vị bầu cử số 1',
      deputies: DEPUTIES,
    },
    timeZone,
  );
  await db.meeting.update({ where: { id: saved.id }, data: { status: meeting.status, expectedVoters: 120 } });
  await transaction(db, async (tx) => {
    for (const [index, petition] of meeting.petitions.entries()) {
      const stored = await storePetition(tx, {
        channel: 'meeting',
        voterId: null,
        anonymous: false,
        meetingId: saved.id,
        ward: meeting.ward,
        text: petition.text,
        media: [],
        now: new Date(startsAt.getTime() + (index + 1) * 5 * 60_000),
        timeZone,
        minutes: {
          speaker: petition.speaker ?? null,
          speakerArea: meeting.ward,
          voters: petition.voters ?? 1,
          sourceFile: 'bien-ban-demo.docx',
          sourcePosition: `mục ${index + 1}`,
        },
        actor: ACTOR,
      });
      if (!petition.then) continue;
      const row = await tx.petition.findUniqueOrThrow({ where: { id: stored.id } });
      await changeStatus(tx, row, { ...petition.then, actor: ACTOR, now, timeZone });
    }
  });
}
