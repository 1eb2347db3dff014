// Minutes and lists written for the tests in the shapes offices publish, built in memory:
// .docx with the `docx` package, .xlsx with exceljs, text and CSV as strings.
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import ExcelJS from 'exceljs';

const p = (text: string) => new Paragraph(text);
const bold = (text: string) => new Paragraph({ children: [new TextRun({ text, bold: true })] });
const row = (...cells: string[]) =>
  new TableRow({ children: cells.map((cell) => new TableCell({ children: [p(cell)] })) });

/** A compiled report: official two-column header, headings by authority level and field, numbered items, tables. */
export async function compiledReportDocx(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Table({
            rows: [
              row('ĐOÀN ĐBQH THÀNH PHỐ\nVĂN PHÒNG', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc'),
            ],
          }),
          p('Số: 12/BC-VP'),
          bold('BÁO CÁO TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI'),
          p('Thực hiện chương trình tiếp xúc cử tri trước kỳ họp, Văn phòng tổng hợp như sau.'),
          new Paragraph({ text: 'I. KIẾN NGHỊ THUỘC THẨM QUYỀN TRUNG ƯƠNG', heading: HeadingLevel.HEADING_1 }),
          p('1. Lĩnh vực bảo hiểm xã hội'),
          p('1.1. Đề nghị điều chỉnh mức lương hưu cho người nghỉ hưu trước năm 1995 (nhiều cử tri).'),
          p(
            '1.2. Đề nghị sớm sửa đổi Luật Đất đai về bồi thường khi thu hồi đất (cử tri Nguyễn Văn An, Trần Thị Bình).',
          ),
          new Paragraph({ text: 'II. KIẾN NGHỊ THUỘC THẨM QUYỀN THÀNH PHỐ', heading: HeadingLevel.HEADING_1 }),
          p('Về giao thông:'),
          p('Đề nghị sửa chữa mặt đường Lê Lợi đoạn trước chợ, nhiều ổ gà gây mất an toàn.'),
          p('Đề nghị lắp đèn tín hiệu tại ngã tư Lê Lợi – Hai Bà Trưng.'),
          new Table({
            rows: [
              row('STT', 'Nội dung kiến nghị', 'Cử tri'),
              row('1', 'Đề nghị nạo vét kênh Nhiêu Lộc đoạn qua phường 3, nước đen bốc mùi hôi.', 'Lê Văn Cường'),
              row('2', 'Đề nghị xây thêm trường mầm non công lập tại phường 5.', '05 cử tri'),
            ],
          }),
          new Table({
            rows: [
              row('1', 'Đề nghị tăng chuyến xe buýt số 18 giờ cao điểm.'),
              row('2', 'Đề nghị cải tạo công viên khu phố 2 thành sân chơi cho trẻ em.'),
            ],
          }),
          p('Nơi nhận:'),
          p('- Như trên;'),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** Minutes as a secretary writes them: speakers, several petitions in a turn, answers between. */
export const MINUTES_TEXT = `BIÊN BẢN HỘI NGHỊ TIẾP XÚC CỬ TRI
Thời gian: 8 giờ 00, ngày 05/12/2026.
Địa điểm: Nhà văn hóa khu phố 3, phường Bến Nghé.
Thành phần: Đại biểu Quốc hội Nguyễn Thị Dung; 120 cử tri.
Đại biểu Nguyễn Thị Dung báo cáo kết quả kỳ họp thứ 10.
Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI
Cử tri Nguyễn Văn An (tổ dân phố 5, phường Bến Nghé) phản ánh: đường Lê Lợi ngập nặng mỗi khi mưa, đề nghị nạo vét cống.
Đồng thời đề nghị lắp đèn chiếu sáng hẻm 12.
Đại biểu Nguyễn Thị Dung trả lời: sẽ chuyển kiến nghị đến UBND thành phố.
Ông Trần Văn Bình, khu phố 3: đề nghị tăng cường tuần tra ban đêm vì trộm cắp xe máy.
Bà Lê Thị Cúc hỏi: thứ nhất, khi nào cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở khu tái định cư; thứ hai, đề nghị sửa trạm y tế phường.
Cử tri Phạm Văn Dũng kiến nghị:
- Tăng chuyến xe buýt số 18.
- Xây thêm trường mầm non công lập.
Ông Hoàng Văn Em, Chủ tịch UBND phường giải trình: phường đã lập kế hoạch sửa trạm y tế.
Cử tri Võ Thị Phượng (khu phố 1) cũng kiến nghị: tăng cường tuần tra ban đêm vì trộm cắp xe máy.
Nhiều cử tri phường Bến Nghé kiến nghị giảm thời gian giải quyết thủ tục đất đai.
Hội nghị kết thúc vào lúc 11 giờ cùng ngày.
Thư ký
Nguyễn Văn Thư`;

/** A list with headers that are not the usual ones: --columns maps them. */
export async function unusualListXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Tổng hợp');
  sheet.addRow(['DANH SÁCH Ý KIẾN CỬ TRI HỘI NGHỊ NGÀY 05/12/2026']);
  sheet.addRow(['TT', 'Người nêu', 'Nơi ở', 'Tóm tắt', 'Ghi chú']);
  sheet.addRow([1, 'Nguyễn Văn An', 'Tổ 5', 'Đề nghị sửa cống thoát nước đường Lê Lợi.', '']);
  sheet.addRow([2, 'Trần Thị Bình; Lê Văn Cường', 'Khu phố 2', 'Đề nghị mở rộng hẻm 45 cho xe cứu hỏa vào được.', '']);
  sheet.addRow([3, 'Phạm Thị Dịu', 'Tổ 7', '', 'vắng']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A CSV list with the usual headers. */
export const LIST_CSV = `STT,Họ tên cử tri,Địa chỉ,Nội dung,Lĩnh vực
1,Nguyễn Văn An,"Tổ 5, phường Bến Nghé",Đề nghị sửa cống thoát nước đường Lê Lợi.,Giao thông
2,,Khu phố 2,Đề nghị tăng cường tuần tra ban đêm.,An ninh
`;
