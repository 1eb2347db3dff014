// The argument parser (commander) in Vietnamese: its help option, help command and error lines.
import type { Command } from 'commander';

/** The argument parser's own error lines, in Vietnamese. */
const COMMANDER_ERRORS: [RegExp, string][] = [
  [/^error: required option '(.+)' not specified/, "Lỗi: thiếu tùy chọn bắt buộc '$1'"],
  [/^error: missing required argument '(.+)'/, "Lỗi: thiếu tham số bắt buộc '$1'"],
  [/^error: option '(.+)' argument missing/, "Lỗi: tùy chọn '$1' cần một giá trị"],
  [/^error: unknown option '(.+?)'/, "Lỗi: không có tùy chọn '$1'"],
  [/^error: unknown command '(.+?)'/, "Lỗi: không có lệnh '$1'"],
  [
    /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\./,
    'Lỗi: thừa tham số (cần $2, nhận $3)',
  ],
  [/\(Did you mean (.+)\?\)/, '(Có phải ý là $1?)'],
  [/^error: /, 'Lỗi: '],
];

/** `text` (one of commander's error lines) in Vietnamese; a line it does not know keeps its words. */
export function commanderError(text: string): string {
  return COMMANDER_ERRORS.reduce((line, [pattern, words]) => line.replace(pattern, words), text);
}

/** Makes `program` and the subcommands declared after this call speak Vietnamese. */
export function speakVietnamese(program: Command): Command {
  return program
    .helpOption('-h, --help', 'hiển thị trợ giúp')
    .helpCommand('help [command]', 'hiển thị trợ giúp cho lệnh')
    .configureOutput({ outputError: (text, write) => write(commanderError(text)) })
    .showHelpAfterError('(gõ --help để xem cách dùng)');
}
