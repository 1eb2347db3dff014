// Word lists the name finder relies on. Syllables are written with their diacritics; the finder
// compares a typed syllable with them exactly when it carries diacritics and folded when it is plain ASCII.

/** Vietnamese surnames, the first syllable of a full name (these cover nearly everyone). */
export const SURNAMES = [
  'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô',
  'Dương', 'Lý', 'Lí', 'Đào', 'Đoàn', 'Đinh', 'Trịnh', 'Lương', 'Trương', 'Mai', 'Cao', 'Lưu', 'Hà', 'Tạ',
  'Phùng', 'Vương', 'Lâm', 'Chu', 'Tô', 'Thái', 'Triệu', 'Quách', 'Châu', 'Kiều', 'Tăng', 'Thân', 'Hứa',
  'Lạc', 'Lã', 'Lò', 'Mạc', 'Mạnh', 'Nông', 'Âu', 'Bạch', 'Cù', 'Diệp', 'Đàm',
  'Giáp', 'Hàn', 'Hầu', 'Khổng', 'Khúc', 'Khương', 'Kim', 'Kha', 'La', 'Lại', 'Lục', 'Lường',
  'Mẫn', 'Ninh', 'Nghiêm', 'Phí', 'Quan', 'Tôn', 'Thạch', 'Thiều', 'Tiêu', 'Trình', 'Từ', 'Ứng', 'Doãn',
  'Bế', 'Lều', 'Nhữ', 'Sầm', 'Tống', 'Vòng', 'Cấn', 'Chế', 'Chử', 'Đậu', 'Hán', 'Lữ', 'Mã', 'Mông', 'Tào',
  'Uông',
];

/**
 * Surnames common enough to start a name inside a run of capitals that follows a place word
 * ("phường Kim Liên Nguyễn Văn An").
 */
export const MAJOR_SURNAMES = [
  'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý',
];

/** Surnames that are everyday words in lower case ("la" is "là", "to" is "to"), never a name start there. */
export const LOWERCASE_AMBIGUOUS_SURNAMES = ['La', 'Tô', 'Từ', 'Mã', 'Lò', 'Tào', 'Ninh'];

/** Surnames that are not everyday words, so a lower-case name may start with them and a given name. */
export const DISTINCT_SURNAMES = ['Nguyễn', 'Huỳnh', 'Trịnh', 'Phùng', 'Quách', 'Nghiêm', 'Khổng'];

/** Middle names: a lower-case name needs one after its surname ("nguyễn văn an", "tran thi binh"). */
export const MIDDLE_NAMES = [
  'Văn', 'Thị', 'Đức', 'Hữu', 'Đình', 'Công', 'Quang', 'Minh', 'Ngọc', 'Thanh', 'Xuân', 'Kim', 'Bá', 'Duy',
  'Quốc', 'Trọng', 'Tiến', 'Mạnh', 'Hoàng', 'Huy', 'Thế', 'Phương', 'Hồng', 'Thu', 'Bảo', 'Gia', 'Khánh',
  'Nhật', 'Tuấn', 'Hải', 'Anh', 'Thành', 'Trung', 'Việt', 'Đăng', 'Khắc', 'Như', 'Diệu', 'Mỹ', 'Thúy',
  'Thùy', 'Tấn', 'Phú', 'Hoài', 'Ngọc', 'Cao', 'Xuân', 'Kiều', 'Lệ', 'Bích', 'Thiên', 'Chí', 'Viết', 'Sỹ', 'Sĩ',
];

/** Given-name syllables, for names in all capitals or all lower case, where shape alone says too little. */
export const GIVEN_NAMES = [
  'An', 'Anh', 'Ánh', 'Bách', 'Bảo', 'Bắc', 'Bằng', 'Bích', 'Bình', 'Bảy', 'Cảnh', 'Cần', 'Chi', 'Chiến',
  'Chinh', 'Chính', 'Châu', 'Chung', 'Chương', 'Cúc', 'Cường', 'Công', 'Diệp', 'Diệu', 'Doanh', 'Dũng',
  'Dung', 'Duy', 'Duyên', 'Dương', 'Đại', 'Đạt', 'Đăng', 'Điệp', 'Định', 'Đông', 'Đức', 'Gấm', 'Giang',
  'Hà', 'Hạ', 'Hải', 'Hạnh', 'Hằng', 'Hân', 'Hào', 'Hậu', 'Hiền', 'Hiển', 'Hiếu', 'Hiệp', 'Hòa', 'Hoà',
  'Hoa', 'Hoài', 'Hoan', 'Hoàn', 'Hoàng', 'Học', 'Hợp', 'Hồng', 'Huân', 'Huấn', 'Huệ', 'Hùng', 'Hưng',
  'Hương', 'Hường', 'Huy', 'Huyền', 'Kha', 'Khải', 'Khang', 'Khánh', 'Khiêm', 'Khoa', 'Khôi', 'Khương',
  'Kiên', 'Kiệt', 'Kiều', 'Kim', 'Kỳ', 'Lai', 'Lài', 'Lan', 'Lành', 'Lâm', 'Lân', 'Lập', 'Lệ', 'Liên',
  'Liễu', 'Linh', 'Lĩnh', 'Loan', 'Lộc', 'Long', 'Lợi', 'Luân', 'Lực', 'Lụa', 'Luyến', 'Lương', 'Ly',
  'Lý', 'Mai', 'Mạnh', 'Mận', 'Mến', 'Miên', 'Minh', 'Mơ', 'Mừng', 'My', 'Mỹ', 'Nam', 'Năm', 'Nga',
  'Ngân', 'Nghĩa', 'Ngọc', 'Nguyên', 'Nguyệt', 'Nhàn', 'Nhạn', 'Nhân', 'Nhật', 'Nhi', 'Nhiên', 'Nhung',
  'Như', 'Ninh', 'Oanh', 'Phát', 'Phấn', 'Phi', 'Phong', 'Phú', 'Phúc', 'Phước', 'Phụng', 'Phương',
  'Phượng', 'Quang', 'Quảng', 'Quân', 'Quế', 'Quốc', 'Quý', 'Quyên', 'Quyền', 'Quyết', 'Quỳnh', 'Sang',
  'Sáng', 'Sáu', 'Sinh', 'Sĩ', 'Sỹ', 'Sơn', 'Tài', 'Tám', 'Tâm', 'Tân', 'Tấn', 'Tạo', 'Thạch', 'Thái',
  'Thắm', 'Thắng', 'Thanh', 'Thành', 'Thảo', 'Thân', 'Thế', 'Thi', 'Thị', 'Thiện', 'Thịnh', 'Thìn', 'Thọ',
  'Thơ', 'Thơm', 'Thông', 'Thu', 'Thuận', 'Thủy', 'Thuỷ', 'Thúy', 'Thùy', 'Thư', 'Thương', 'Thức', 'Tiến',
  'Tín', 'Tình', 'Tịnh', 'Toàn', 'Toản', 'Tố', 'Trâm', 'Trang', 'Trí', 'Triều', 'Trinh', 'Trọng', 'Trung',
  'Trúc', 'Trường', 'Tú', 'Tuấn', 'Tùng', 'Tuệ', 'Tuyền', 'Tuyết', 'Tư', 'Tường', 'Uyên', 'Út', 'Vân',
  'Văn', 'Việt', 'Vinh', 'Vĩnh', 'Vũ', 'Vượng', 'Vy', 'Xuân', 'Xuyến', 'Yến', 'Hữu', 'Đình', 'Bá', 'Khắc',
  'Chín', 'Mười', 'Hiên', 'Thiêm', 'Hoạt', 'Dân', 'Đào', 'Lưu', 'Tiên', 'Duyệt', 'Giao', 'Hiệu', 'Khuê',
  'Lạc', 'Ngà', 'Nhu', 'Phong', 'Quy', 'Sương', 'Thoa', 'Thuần', 'Thủy', 'Trà', 'Tuân', 'Uy', 'Viên', 'Yên',
];

/** In plain ASCII these given names are also common words ("lam" is "làm"); they never extend a name there. */
export const ASCII_FUNCTION_WORDS = [
  'la', 'lam', 'co', 'di', 'den', 've', 'tu', 'toi', 'cho', 'va', 'voi', 'se', 'dang', 'da', 'bi', 'duoc', 'hay',
  'thi', 'ma', 'nay', 'do', 'o', 'gui', 'xin', 'de', 'tai', 'khi', 'ca', 'con', 'nha', 'nam', 'sinh', 'dan',
  'hoa', 'thu', 'tam', 'tien', 'phu', 'phong', 'chi', 'an',
];

/** Words just before a capitalised run that make it a place, a street or an institution, not a person. */
export const PLACE_CUES = [
  'đường', 'phố', 'ngõ', 'ngách', 'hẻm', 'kiệt', 'quận', 'huyện', 'phường', 'xã', 'tỉnh', 'tp', 'trấn',
  'thôn', 'xóm', 'ấp', 'bản', 'khóm', 'làng', 'khu', 'trường', 'thcs', 'thpt', 'học', 'non', 'viện', 'bv',
  'chợ', 'cầu', 'sông', 'hồ', 'kênh', 'rạch', 'đê', 'đảo', 'núi', 'đền', 'chùa', 'đình', 'thờ', 'đài',
  'lăng', 'tàng', 'ga', 'bến', 'cảng', 'tòa', 'toà', 'kđt', 'cư', 'lộ', 'động', 'hóa', 'hoá', 'ở', 'tại',
  'đh', 'cđ', 'đẳng', 'th', 'mn', 'vực', 'bàn', 'tuyến', 'xá', 'hiệu', 'đoạn', 'trạm', 'họ', 'nhánh',
  'vòng', 'dốc', 'tư',
];

/** Place words naming an administrative unit: there a name with "Văn"/"Thị" second is still a person. */
export const ADMINISTRATIVE_CUES = ['quận', 'huyện', 'phường', 'xã', 'tỉnh', 'tp', 'trấn', 'thôn', 'xóm', 'ấp', 'bản', 'khóm', 'làng', 'ở', 'tại'];

/** Capitalised words that end a name: place words, institutions, honorifics, sentence openers. */
export const NAME_STOPS = [
  'Đường', 'Phố', 'Ngõ', 'Ngách', 'Hẻm', 'Kiệt', 'Quận', 'Huyện', 'Phường', 'Xã', 'Tỉnh', 'TP', 'Thôn',
  'Xóm', 'Ấp', 'Khu', 'Tổ', 'UBND', 'HĐND', 'Chủ', 'Ủy', 'Uỷ', 'Sở', 'Bộ', 'Ban', 'Phòng', 'Hội', 'Đảng',
  'Nhà', 'Số', 'Tòa', 'Toà', 'Chợ', 'Cầu', 'Sông', 'Bệnh', 'Viện', 'Đề', 'Kính', 'Xin', 'Tôi', 'Chúng', 'Về',
  'Kiến', 'Ngày', 'Tháng', 'Điện', 'Email', 'Địa', 'Theo', 'Tại', 'Ở', 'Và', 'Hoặc', 'Là', 'Ông', 'Bà',
  'Chị', 'Cô', 'Chú', 'Bác', 'Cụ', 'Em', 'Cháu', 'Thửa', 'Cty', 'Cử', 'Người', 'Hộ', 'Bản', 'Làng', 'Khóm',
  'Đội', 'Cục', 'Tổng', 'Mặt', 'Đoàn', 'Kho', 'Đài', 'Báo', 'Tiểu', 'Lớp', 'Xóm', 'Đơn', 'Đồng',
];

/** Words that, written with a capital after an honorific, begin an office or a title, not a name. */
export const NOT_NAME_AFTER_HONORIFIC = [
  'Bộ', 'Sở', 'UBND', 'HĐND', 'Chủ', 'Phó', 'Trưởng', 'Giám', 'Bí', 'Tổ', 'Ủy', 'Uỷ', 'Chính', 'Nhà', 'Hội',
  'Phòng', 'Ban', 'Viện', 'Cục', 'Tòa', 'Toà', 'Đảng', 'Mặt', 'Tổng', 'Thủ', 'Cán', 'Trời', 'Phật', 'Bác',
  'Già', 'Nội', 'Ngoại', 'Cả', 'Hai', 'Kính', 'Xin', 'Đề', 'Em', 'Con', 'Người', 'Cụ', 'Chị', 'Ông', 'Bà',
];

/** Capitalised phrases after an honorific that name an office, not a person ("ông Trung tâm" never is). */
export const OFFICE_PHRASES_AFTER_HONORIFIC = [
  'trung tâm', 'trung ương', 'thành phố', 'thành ủy', 'công an', 'công ty', 'văn phòng', 'quốc hội', 'đại biểu',
  'đại diện', 'đại tá', 'đại úy', 'quốc gia', 'đoàn thanh niên', 'đoàn đại biểu', 'thanh tra', 'trưởng thôn',
];

/** Common nouns of two syllables that a lower-case run after "tôi là" can spell: not names. */
export const LOWERCASE_NOT_NAMES = [
  'thương binh', 'thanh niên', 'công nhân', 'công dân', 'công chức', 'nông dân', 'bệnh binh', 'phụ huynh',
  'hưu trí', 'gia đình', 'chủ hộ', 'chủ nhà', 'đảng viên', 'cựu chiến binh', 'người dân', 'hộ dân', 'cử tri',
  'tiểu thương', 'doanh nhân', 'giáo viên', 'bác sĩ', 'kỹ sư', 'sinh viên', 'học sinh', 'dân', 'người',
];

/**
 * Places and famous people whose names are places (streets, schools, districts): written alone they
 * are not personal data. A person's longer name that contains one ("Nguyễn Kim Liên") is still a name.
 */
export const PLACE_NAMES = [
  // Famous people streets and schools are named after.
  'Nguyễn Trãi', 'Lê Lợi', 'Trần Hưng Đạo', 'Lê Duẩn', 'Nguyễn Du', 'Quang Trung', 'Lý Thường Kiệt',
  'Phan Chu Trinh', 'Phan Châu Trinh', 'Phan Bội Châu', 'Hồ Chí Minh', 'Võ Nguyên Giáp', 'Nguyễn Huệ',
  'Lê Thánh Tông', 'Trần Phú', 'Nguyễn Thị Minh Khai', 'Lê Văn Sỹ', 'Hoàng Diệu', 'Lý Tự Trọng',
  'Nguyễn Văn Cừ', 'Trần Quốc Toản', 'Tôn Đức Thắng', 'Phạm Văn Đồng', 'Nguyễn Chí Thanh', 'Lê Hồng Phong',
  'Nguyễn Thái Học', 'Võ Thị Sáu', 'Lê Quý Đôn', 'Chu Văn An', 'Nguyễn Đình Chiểu', 'Huỳnh Thúc Kháng',
  'Ngô Quyền', 'Đinh Tiên Hoàng', 'Lý Thái Tổ', 'Trần Nhân Tông', 'Nguyễn Khuyến', 'Tô Hiến Thành',
  'Nguyễn Bỉnh Khiêm', 'Phạm Ngũ Lão', 'Lê Lai', 'Nguyễn Văn Trỗi', 'Nguyễn Hữu Thọ', 'Hoàng Văn Thụ',
  'Phạm Hùng', 'Nguyễn Tất Thành', 'Trần Quang Khải', 'Trần Khánh Dư', 'Lê Văn Tám', 'Kim Đồng',
  'Nguyễn Văn Linh', 'Võ Văn Kiệt', 'Phan Đình Phùng', 'Hoàng Hoa Thám', 'Nguyễn Lương Bằng', 'Lê Thái Tổ',
  'Lý Nam Đế', 'Mai Hắc Đế', 'Triệu Việt Vương', 'Bà Triệu', 'An Dương Vương', 'Âu Cơ', 'Lạc Long Quân',
  'Trần Duy Hưng', 'Hồ Tùng Mậu', 'Lê Đức Thọ', 'Trường Chinh', 'Nguyễn Văn Huyên', 'Hoàng Quốc Việt',
  'Trần Đăng Ninh', 'Trần Cao Vân', 'Phan Đăng Lưu', 'Nguyễn Văn Thoại', 'Đào Duy Từ', 'Đào Duy Anh',
  'Đào Tấn', 'Bạch Đằng', 'Cao Thắng', 'Hai Bà Trưng', 'Hàm Nghi', 'Ông Ích Khiêm', 'Phan Văn Trị',
  'Nguyễn An Ninh', 'Trịnh Hoài Đức', 'Tạ Quang Bửu', 'Đặng Thai Mai', 'Xuân Thủy', 'Xuân Diệu', 'Tố Hữu',
  'Hoàng Cầu', 'Đặng Tiến Đông', 'Lê Trọng Tấn', 'Ngô Gia Tự', 'Nguyễn Công Trứ', 'Lương Thế Vinh',
  'Nguyễn Hiền', 'Trần Văn Ơn', 'Hồ Xuân Hương', 'Bùi Thị Xuân', 'Nguyễn Đình Thi', 'Phạm Văn Bạch',
  'Huỳnh Tấn Phát', 'Nguyễn Sinh Sắc', 'Hoàng Hoa Thám', 'Phùng Hưng', 'Lý Công Uẩn', 'Trần Nguyên Hãn',
  'Đoàn Thị Điểm', 'Lê Văn Hưu', 'Lê Ngọc Hân', 'Nguyễn Thượng Hiền', 'Phan Huy Chú', 'Phan Huy Ích',
  'Võ Trường Toản', 'Trương Định', 'Trương Công Định', 'Nguyễn Trung Trực', 'Lê Văn Duyệt', 'Đinh Bộ Lĩnh',
  'Nguyễn Hoàng', 'Nguyễn Cơ Thạch', 'Lê Văn Lương', 'Tôn Thất Tùng', 'Phạm Ngọc Thạch', 'Đặng Văn Ngữ',
  // Places whose first syllable is also a surname.
  'Hà Nội', 'Hà Đông', 'Hà Giang', 'Hà Nam', 'Hà Tĩnh', 'Hà Tiên', 'Hà Trung', 'Lâm Đồng', 'Lâm Hà',
  'Cao Bằng', 'Cao Lãnh', 'Cao Phong', 'Cao Lộc', 'Thái Bình', 'Thái Nguyên', 'Thái Hà', 'Thái Hòa',
  'Hoàng Mai', 'Hoàng Hóa', 'Hoàng Sa', 'Hoàng Liệt', 'Lê Chân', 'Hồ Tây', 'Hồ Gươm', 'Hồ Hoàn Kiếm',
  'Tô Lịch', 'Lý Sơn', 'Lý Nhân', 'Phan Thiết', 'Phan Rang', 'Kim Liên', 'Kim Mã', 'Kim Bảng', 'Kim Sơn',
  'Kim Động', 'Kim Thành', 'Kim Giang', 'Kim Chung', 'Mai Dịch', 'Mai Châu', 'Mai Sơn', 'Mai Động',
  'Đồng Nai', 'Đồng Tháp', 'Đồng Hới', 'Đồng Xoài', 'Đồng Xuân', 'Đồng Tâm', 'Long An', 'Long Biên',
  'Châu Thành', 'Châu Đốc', 'Châu Phú', 'Châu Đức', 'Bạch Mai', 'Bạch Long Vĩ', 'Vũ Thư', 'Vũ Quang',
  'Võ Nhai', 'Lương Sơn', 'Lương Tài', 'Đinh Lập', 'Nông Cống', 'Lâm Thao', 'Thạch Hà', 'Thạch Thất',
  'Quan Hóa', 'Quan Sơn', 'Quan Hoa', 'Dương Nội', 'Dương Kinh', 'Dương Minh Châu', 'Ninh Bình',
  'Ninh Thuận', 'Ninh Kiều', 'Giang Biên', 'Hồng Bàng', 'Hồng Hà', 'Lạc Sơn', 'Lạc Thủy', 'Phú Quốc',
  'Trung Hòa', 'Trung Kính', 'Thanh Xuân', 'Văn Quán', 'Văn Chương', 'Cầu Giấy', 'Đông Anh', 'Mê Linh',
  'Bà Rịa', 'Bà Điểm', 'Bà Chiểu', 'Bà Quẹo', 'Bà Hom', 'Bà Đen', 'Bà Nà', 'Bà Huyện Thanh Quan',
  'Cô Giang', 'Cô Bắc', 'Cô Tô', 'Ông Lãnh', 'Ông Tạ', 'Anh Sơn', 'Hoa Lư', 'Trang Bom', 'Từ Liêm',
  'Từ Sơn', 'Tân Bình', 'Bình Thạnh', 'Mạc Thị Bưởi', 'Lê Thanh Nghị', 'Tam Kỳ', 'Hội An', 'Quy Nhơn',
  'Đoàn Kết', 'Mai Lâm', 'Hoàng Văn Thái', 'Hồ Đắc Di', 'Hà Huy Tập', 'Đặng Dung', 'Lò Đúc', 'Thái Thịnh',
];

/** Phrases starting with a surname-like capital that name an institution ("Đoàn Thanh niên"). */
export const INSTITUTION_PHRASES = [
  'đoàn thanh niên', 'đoàn đại biểu', 'đoàn đbqh', 'đoàn kiểm tra', 'đoàn công tác', 'đoàn thanh tra',
  'đoàn giám sát', 'đoàn liên ngành', 'hồng thập tự', 'hoàng thành', 'quang trung', 'thái bình dương',
  'hồ chứa', 'hồ điều hòa', 'hà nội mới', 'lâm nghiệp', 'mai táng',
];
