// What staff read from the quick entry command.

export const minutesMsg = {
  quickEntryUsage: () =>
    'Cú pháp: /ghi MÃ_HỘI_NGHỊ | người nêu | địa bàn | nội dung kiến nghị\n' +
    'Người nêu và địa bàn có thể để trống, ví dụ: /ghi HN-01 | | | Đề nghị sửa đường Lê Lợi.',
  photoEntryUsage: () =>
    'Gửi ảnh đơn kiến nghị với chú thích: /ghi MÃ_HỘI_NGHỊ | người nêu | địa bàn (người nêu, địa bàn không bắt buộc).',
  photoEntryNote: () => 'Gửi ảnh đơn kiến nghị với chú thích /ghi MÃ_HỘI_NGHỊ để ghi vào hội nghị đó',
  unknownMeeting: (code: string) => `Không có hội nghị mã ${code}.`,
  tooLong: (max: number) => `Nội dung dài quá ${max.toLocaleString('vi-VN')} ký tự.`,
  quickEntryStored: (trackingCode: string, meetingCode: string) =>
    `Đã ghi kiến nghị ${trackingCode} vào hội nghị ${meetingCode}.`,
};
