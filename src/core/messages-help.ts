// The frames of the help lists; their lines come from the commands' own `usage` and `help`.
import { ROLE_LABELS } from './messages-staff.ts';

export const helpMsg = {
  voters: (lines: string[]) => ['Ông/Bà có thể:', ...lines.map((line) => `• ${line}`)].join('\n'),
  staff: (role: string, lines: string[]) =>
    [`Vai trò: ${ROLE_LABELS[role] ?? role}. Các lệnh:`, ...lines.map((line) => `• ${line}`)].join('\n'),
  /** /trogiup and /canbo in help lists and menus. */
  votersCommand: () => 'xem các lệnh',
  staffCommand: () => 'các lệnh dành cho cán bộ, đại biểu',
};
