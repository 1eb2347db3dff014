// Runs the real `kiennghi start` as a child process (for crash and restart tests).
import { spawn, type ChildProcess } from 'node:child_process';

export interface BotProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process logged to standard error. */
  logs(): string;
  exited: Promise<number | null>;
}

export async function startBotProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const child = spawn(process.execPath, ['bin/kiennghi.js', 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', PORT: '0', LOCAL_CHAT: 'off', DEMO_SEED: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${stderr}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const started = /"port":(\d+)[^\n]*"msg":"kiennghi started"/.exec(stderr);
      if (started) {
        clearTimeout(timer);
        resolve(Number(started[1]));
      }
    });
    void exited.then(() => reject(new Error(`bot exited: ${stderr}`)));
  });
  return { child, port, logs: () => stderr, exited };
}
