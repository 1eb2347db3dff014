import { describe, expect, it } from 'vitest';
import { redactPersonalData } from '../../src/classify/pii.ts';

describe('redactPersonalData', () => {
  it('removes names, phones, ID numbers, e-mail and house numbers', () => {
    const text =
      'Tôi là Nguyễn Văn An, nhà số 12 ngõ 34 phố Huế, điện thoại 0912 345 678, email an.nguyen@gmail.com, CCCD 001203004567, CMND 123456789.';
    const out = redactPersonalData(text, { names: ['Nguyễn Văn An'] });
    for (const secret of ['Nguyễn Văn An', '0912 345 678', 'an.nguyen@gmail.com', '001203004567', '123456789', 'số 12', 'ngõ 34']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('ngõ [số]');
    expect(out).toContain('phố Huế');
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
});
