import { describe, expect, it } from 'vitest';
import { PLACEHOLDER, redactPersonalData } from '../../src/classify/pii.ts';

describe('redactPersonalData', () => {
  it('removes names, phones, ID numbers, e-mail and house numbers; lane numbers stay as part of the place', () => {
    const text =
      'Tôi là Nguyễn Văn An, nhà số 12 ngõ 34 phố Huế, điện thoại 0912 345 678, email an.nguyen@gmail.com, CCCD 001203004567, CMND 123456789.';
    const out = redactPersonalData(text, { names: ['Nguyễn Văn An'] });
    for (const secret of [
      'Nguyễn Văn An',
      '0912 345 678',
      'an.nguyen@gmail.com',
      '001203004567',
      '123456789',
      'số 12',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toBe(
      'Tôi là [tên], nhà số [số] ngõ 34 phố Huế, điện thoại [số điện thoại], email [email], CCCD [số giấy tờ], CMND [số giấy tờ].',
    );
  });

  it('finds names typed without diacritics or in another case', () => {
    const out = redactPersonalData('nguyen van an o ngo nay; NGUYỄN VĂN AN cũng vậy', { names: ['Nguyễn Văn An'] });
    expect(out).toBe('[tên] o ngo nay; [tên] cũng vậy');
  });

  it('removes people named after an honorific and international phone numbers', () => {
    const out = redactPersonalData('Ông Trần Văn Bình gọi +84 98.765.4321 và chị Lan', {});
    expect(out).toBe('Ông [tên] gọi [số điện thoại] và chị [tên]');
  });

  it('keeps legal references, roads and years that classification needs', () => {
    const text = 'Đề nghị sửa đổi Nghị định 33/2023/NĐ-CP, nâng cấp Quốc lộ 32 đoạn km 12 từ năm 2024 cho 1.500 hộ.';
    expect(redactPersonalData(text)).toBe(text);
  });

  it('removes full names nobody announced: at a sentence start, alone on a line, in capitals or lower case', () => {
    expect(redactPersonalData('Lê Thị Hoa đề nghị sửa cống.')).toBe('[tên] đề nghị sửa cống.');
    expect(redactPersonalData('Kính gửi Đoàn ĐBQH\nHOÀNG THỊ MAI\nTổ 5')).toBe('Kính gửi Đoàn ĐBQH\n[tên]\nTổ 5');
    expect(redactPersonalData('tran thi binh o xa dong anh')).toBe('[tên] o xa dong anh');
    expect(redactPersonalData('Vũ Quang Thịnh và Nguyễn Kim Liên ký đơn.')).toBe('[tên] và [tên] ký đơn.');
    expect(redactPersonalData('Tôn Nữ Thị Hoàng Lan Anh xin trả lời.')).toBe('[tên] xin trả lời.');
  });

  it('keeps streets, schools and places named after famous people, and agencies', () => {
    const text =
      'Đường Nguyễn Trãi, phố Lê Duẩn, trường THCS Nguyễn Du, 45 Lê Lợi, phố Bà Triệu, phường Kim Liên, Hà Nội, ' +
      'Hoàng Mai, Đoàn Thanh niên, Sở Tài nguyên và Môi trường, Công an phường, đường 3/2, tỉnh lộ 70.';
    expect(redactPersonalData(text)).toBe(text);
    expect(redactPersonalData('Địa chỉ: 45/12 Lê Lợi')).toBe(`Địa chỉ: ${PLACEHOLDER.number} Lê Lợi`);
  });

  it('removes phones glued to a word, landlines and every grouping', () => {
    const out = redactPersonalData(
      'ĐT0912345678, sđt:0987.654.321, Tel.0912 345 678, (024) 3823 4567, 0084 912 345 678',
    );
    expect(out).toBe('ĐT[số điện thoại], sđt:[số điện thoại], Tel.[số điện thoại], [số điện thoại], [số điện thoại]');
  });

  it('removes insurance, tax, passport and bank numbers but keeps amounts and hotlines', () => {
    const out = redactPersonalData(
      'Mã số BHXH 0123456789, MST 0101234567-001, hộ chiếu B1234567, STK 19031234567890 Techcombank, ' +
        'nhận 1.200.000.000 đồng, gọi 1900 9095.',
    );
    expect(out).toBe(
      'Mã số BHXH [số giấy tờ], MST [số giấy tờ], hộ chiếu [số giấy tờ], STK [số tài khoản] Techcombank, ' +
        'nhận 1.200.000.000 đồng, gọi 1900 9095.',
    );
  });

  it('removes written-out e-mail, plates, birth dates and apartments; meeting dates stay', () => {
    const out = redactPersonalData(
      'nva (a) gmail.com, le[at]yahoo.com; xe 29A-123.45 và 29-B1 123.45; sinh ngày 12/3/1958, SN 1955; ' +
        'căn hộ 1203, P.1203 tòa A; họp từ ngày 15/10/2026.',
    );
    expect(out).toBe(
      '[email], [email]; xe [biển số] và [biển số]; sinh ngày [ngày sinh], SN [ngày sinh]; ' +
        'căn hộ [số], P.[số] tòa A; họp từ ngày 15/10/2026.',
    );
  });
});
