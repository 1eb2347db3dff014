// `kiennghi llm check` (what the configured model endpoints accept) and `kiennghi llm usage`
// (tokens per feature, from LlmUsage).
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { addIsoDays, localDate } from '../digests/calendar.ts';
import { checkEndpoints, type CheckReport } from '../llm/check.ts';
import { usageSince } from '../llm/usage.ts';
import { withDb } from './db.ts';

const yesNo = (value: boolean, fallback: string) => (value ? 'có' : `không -> ${fallback}`);

function printCheck(report: CheckReport): void {
  console.log(`Máy chủ: ${report.endpoint}\nMô hình: ${report.model}`);
  if (report.error) {
    console.log(`Lỗi: ${report.error}`);
    process.exitCode = 1;
  }
  const caps = report.capabilities;
  if (caps) {
    console.log(`temperature: ${yesNo(caps.temperature, 'không gửi temperature')}`);
    console.log(`response_format json_schema: ${yesNo(caps.jsonSchema, 'json_object')}`);
    console.log(`response_format json_object: ${yesNo(caps.jsonObject, 'văn bản thường, tách JSON')}`);
    console.log(`tools (gọi công cụ): ${yesNo(caps.tools, 'kế hoạch JSON, rồi gợi ý lệnh')}`);
    console.log(
      report.contextCut
        ? 'Ngữ cảnh: máy chủ cắt bớt lời nhắc nhỏ hơn OPENAI_CONTEXT_TOKENS (Ollama: tăng OLLAMA_CONTEXT_LENGTH)'
        : 'Ngữ cảnh: đủ OPENAI_CONTEXT_TOKENS',
    );
  }
  if (report.speech) console.log(`Chuyển giọng nói thành văn bản: ${report.speech}`);
  if (report.vision) console.log(`Đọc ảnh: ${report.vision}`);
}

/** Adds `llm check` and `llm usage` to the `kiennghi` program. */
export function registerLlmCommands(program: Command): void {
  const llm = program.command('llm').description('mô hình ngôn ngữ: kiểm tra máy chủ, thống kê token');
  llm
    .command('check')
    .description('gọi thử máy chủ đã cấu hình và in những gì nó hỗ trợ')
    .action(async () => {
      const config = loadConfig();
      if (!config.llmEnabled) {
        console.log('Chưa cấu hình OPENAI_API_KEY: các tính năng dùng quy tắc ngoại tuyến.');
        return;
      }
      printCheck(await checkEndpoints(config));
    });
  llm
    .command('usage')
    .description('token theo tính năng và mô hình')
    .option('--days <n>', 'số ngày gần nhất', '30')
    .action(async (options: { days: string }) => {
      await withDb(async (db, config) => {
        const from = addIsoDays(localDate(new Date(), config.TZ), 1 - Math.max(1, Number(options.days) || 30));
        const rows = await usageSince(db, from);
        console.log(`Từ ${from}:`);
        if (rows.length === 0) console.log('Chưa có lượt gọi mô hình nào.');
        for (const row of rows) {
          const cut = row.truncated ? `, ${row.truncated} bị cắt` : '';
          console.log(
            `${row.feature}\t${row.model}\t${row.requests} lượt\t${row.tokensIn} token vào\t${row.tokensOut} token ra${cut}`,
          );
        }
      });
    });
}
