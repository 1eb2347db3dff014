// Sentences only the Zalo channel says (the rest of the catalogue is in messages.ts).

export const zaloMsg = {
  /** Zalo's sendPhoto takes a public URL, not an upload: files are named, not sent. */
  fileNotSent: (name: string) =>
    `(Tệp "${name}" chưa gửi được qua Zalo: xin xem tệp này trên Telegram hoặc đề nghị Văn phòng gửi lại.)`,
  /** A document (report, calendar) as a download link: Zalo shows only photos by URL. */
  fileLink: (name: string, url: string, hours: number) =>
    `Tải tệp "${name}" (liên kết dùng được ${hours} giờ):\n${url}`,
};
