import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/classify/evaluate.ts';
import { classifyWithRules } from '../../src/classify/rules.ts';
import { loadTaxonomy } from '../../src/classify/taxonomy.ts';
import { readJsonl } from './helpers.ts';

type Line = { text: string; authority: string; field: string };

function measure(file: string, name: 'legacy' | 'current') {
  const taxonomy = loadTaxonomy(name);
  const lines = readJsonl<Line>(file);
  const predictions = lines.map((line) => classifyWithRules(line.text, taxonomy));
  return evaluate(lines, predictions, taxonomy.levelIds);
}

describe('offline classifier accuracy on the development sets', () => {
  // Floors sit a little below the measured figures (legacy 0.951 / 0.984 / 0.804 on 245,
  // current 1.000 / 1.000 / 0.938 on 64), so a regression in the cues fails here.
  it('legacy taxonomy (four levels)', () => {
    const report = measure('../fixtures/classify-dev-legacy.jsonl', 'legacy');
    expect(report.n).toBeGreaterThanOrEqual(240);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.central_vs_local_accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.field_accuracy).toBeGreaterThanOrEqual(0.78);
  });

  it('current taxonomy (three levels)', () => {
    const report = measure('../fixtures/classify-dev-current.jsonl', 'current');
    expect(report.n).toBeGreaterThanOrEqual(60);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.central_vs_local_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.field_accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('offline classifier accuracy on the held-out sets', () => {
  // Written in the style of published "kết quả giải quyết kiến nghị cử tri" reports, labelled
  // by the level that answered. The first set was measured before tuning (0.889 / 0.968) and
  // then used to tune (now 0.984 / 1.000 / 0.865 on 126); the second was written before any
  // tuning and measured once afterwards (0.980 / 0.980 / 0.776 on 49, then 1.000 / 1.000 after
  // one fix). Real petitions are harder than either: keep these floors as regression guards,
  // not as an estimate of field accuracy.
  it('held-out set 1 (legacy)', () => {
    const report = measure('../fixtures/classify-heldout-legacy.jsonl', 'legacy');
    expect(report.n).toBeGreaterThanOrEqual(120);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.central_vs_local_accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.field_accuracy).toBeGreaterThanOrEqual(0.83);
  });

  it('held-out set 2 (legacy)', () => {
    const report = measure('../fixtures/classify-heldout2-legacy.jsonl', 'legacy');
    expect(report.n).toBeGreaterThanOrEqual(40);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.central_vs_local_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.field_accuracy).toBeGreaterThanOrEqual(0.73);
  });
});

describe('offline classifier behaviour', () => {
  const legacy = loadTaxonomy('legacy');
  const current = loadTaxonomy('current');

  it('works the same with and without diacritics', () => {
    const withMarks = classifyWithRules('Đề nghị phường sửa đèn chiếu sáng trong ngõ 12, tối quá', legacy);
    const without = classifyWithRules('de nghi phuong sua den chieu sang trong ngo 12, toi qua', legacy);
    expect(withMarks.authority).toBe('commune');
    expect(without.authority).toBe('commune');
    expect(without.field).toBe(withMarks.field);
  });

  it('classifies by who resolves, not by whom the petition is addressed to', () => {
    expect(
      classifyWithRules('Đề nghị UBND phường xem xét tăng lương hưu cho người nghỉ hưu trước năm 1995.', legacy)
        .authority,
    ).toBe('central');
    expect(
      classifyWithRules('Đề nghị Bộ Giao thông vận tải cho lắp đèn chiếu sáng trong ngõ 75.', legacy).authority,
    ).toBe('commune');
  });

  it('lets the object of the request outweigh a local addressee', () => {
    // Voters ask "Thành phố" for a lower secondary school or an inter-commune road; the district answers.
    expect(
      classifyWithRules('Cử tri đề nghị Thành phố xem xét xây dựng trường mầm non công lập tại xã Đại Áng.', legacy)
        .authority,
    ).toBe('district');
    expect(
      classifyWithRules('Đề nghị quận sớm cải tạo vườn hoa, sân chơi tại khu tập thể đã xuống cấp.', legacy).authority,
    ).toBe('district');
    expect(
      classifyWithRules(
        'Đề nghị bồi thường cho các hộ bị ảnh hưởng bởi dự án cải tạo kênh tiêu do huyện làm chủ đầu tư.',
        legacy,
      ).authority,
    ).toBe('district');
  });

  it('counts a list of addressees at one level once', () => {
    const text =
      'Cử tri đề nghị Quốc hội, Chính phủ chỉ đạo giải quyết dứt điểm việc bồi thường cho các hộ bị thu hồi đất thực hiện dự án Khu công nghiệp Phụng Hiệp.';
    expect(classifyWithRules(text, legacy).authority).toBe('city');
  });

  it('reads several districts as the city, and a policy for a group of officials as central', () => {
    expect(
      classifyWithRules(
        'Đề nghị Thành phố cải tạo trạm bơm tiêu và kênh tiêu chính để chống úng cho các huyện phía Tây.',
        legacy,
      ).authority,
    ).toBe('city');
    expect(
      classifyWithRules(
        'Đề nghị có chính sách đối với lực lượng công an xã bán chuyên trách sau khi nghỉ việc.',
        legacy,
      ).authority,
    ).toBe('central');
  });

  it('maps the old district level onto communes in the current taxonomy', () => {
    const text = 'Đề nghị UBND huyện nâng cấp tuyến đường liên xã đã xuống cấp.';
    expect(classifyWithRules(text, legacy).authority).toBe('district');
    expect(classifyWithRules(text, current).authority).toBe('commune');
  });

  it('explains itself with the words that decided, quoted as written', () => {
    const result = classifyWithRules(
      'Cử tri đề nghị Quốc hội sửa đổi Luật Đất đai về bồi thường khi thu hồi đất.',
      legacy,
    );
    expect(result.authority).toBe('central');
    expect(result.reason).toContain('Quốc hội');
    expect(result.reason).toContain('Luật');
    expect(result.reason).toContain('Đất đai');
    expect(result.classifier).toBe('rules');
  });

  it('ignores where the voters live ("cử tri phường X, quận Y đề nghị ...")', () => {
    const result = classifyWithRules('Cử tri phường Phúc Xá, quận Ba Đình đề nghị Chính phủ tăng lương cơ sở.', legacy);
    expect(result.authority).toBe('central');
  });

  it('uses the meeting context for the agency', () => {
    const result = classifyWithRules('Đề nghị nạo vét cống thoát nước ở đầu ngõ', current, { ward: 'phường Láng' });
    expect(result.authority).toBe('commune');
    expect(result.agency).toBe('UBND phường Láng');
  });

  it('names a ministry when the petition is central', () => {
    const result = classifyWithRules('Đề nghị Bộ Y tế bổ sung thuốc vào danh mục thuốc bảo hiểm y tế.', legacy);
    expect(result.agency).toBe('Bộ Y tế');
    expect(result.field).toBe('health');
  });

  it('recognises greetings and thanks as not petitions', () => {
    for (const text of [
      'Xin chào',
      'cam on ban nhieu nhe',
      'Xin cảm ơn các đại biểu đã lắng nghe ý kiến của bà con.',
      'ok',
    ]) {
      const result = classifyWithRules(text, legacy);
      expect(result.isPetition, text).toBe(false);
      expect(result.confidence).toBeLessThanOrEqual(0.3);
    }
    expect(classifyWithRules('Đường ngõ 5 bị ngập, đề nghị xử lý', legacy).isPetition).toBe(true);
  });

  it('marks emoji, a mistyped code, greetings and texts without any civic cue as not petitions', () => {
    for (const text of [
      '😀😀👍',
      'HN-CG-O1',
      'xin chào',
      'alo alo',
      'Bạn là ai?',
      'hôm nay trời đẹp quá nhỉ mọi người',
    ]) {
      const result = classifyWithRules(text, legacy);
      expect(result.isPetition, text).toBe(false);
      expect(result.summary, text).toBeNull();
      expect(result.reason, text).toContain('không phải kiến nghị');
    }
    // The intake screen's "question" or "too short" does not overrule a civic cue.
    expect(
      classifyWithRules('Hướng dẫn giúp tôi làm lại giấy khai sinh cho cháu, bị mất bản chính', legacy).isPetition,
    ).toBe(true);
  });

  it('summarises with personal data removed', () => {
    const result = classifyWithRules('Tôi là Trần Văn Hùng, số 0912345678, đề nghị sửa cống ngõ 8. Cảm ơn.', legacy, {
      personalNames: ['Trần Văn Hùng'],
    });
    expect(result.summary).toContain('đề nghị sửa cống');
    expect(result.summary).not.toMatch(/Hùng|0912345678/);
  });

  it('gives a low confidence when nothing points anywhere', () => {
    const result = classifyWithRules('Tôi có ý kiến về việc này, mong được quan tâm giải quyết.', legacy);
    expect(result.confidence).toBeLessThan(0.6);
  });
});
