// Sentences only the Zalo channel says (the rest of the catalogue is in messages.ts).

export const zaloMsg = {
  /** Zalo's sendPhoto takes a public URL, not an upload: files are named, not sent. */
  fileNotSent: (name: string) =>
    `(Tệp "${name}" chưa gửi được qua Zalo. Bạn vui lòng xem tệp này trên Telegram hoặc nhờ văn phòng gửi lại.)`,
};
