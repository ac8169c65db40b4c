import { MastraLogger } from '@mastra/core/logger';

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  args: unknown[];
}

/** A real Mastra logger that records every line, so tests can assert what was (not) logged. */
export class CaptureLogger extends MastraLogger {
  readonly lines: CapturedLog[] = [];

  constructor() {
    super({ name: 'capture', level: 'debug' as never });
  }

  debug(message: string, ...args: unknown[]): void {
    this.lines.push({ level: 'debug', message, args });
  }
  info(message: string, ...args: unknown[]): void {
    this.lines.push({ level: 'info', message, args });
  }
  warn(message: string, ...args: unknown[]): void {
    this.lines.push({ level: 'warn', message, args });
  }
  error(message: string, ...args: unknown[]): void {
    this.lines.push({ level: 'error', message, args });
  }

  /** Everything logged, as one string, for "no secret appears" assertions. */
  get text(): string {
    return this.lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.args)}`).join('\n');
  }

  reasons(): string[] {
    return this.lines.map((line) => (line.args[0] as { reason?: string } | undefined)?.reason ?? '');
  }
}
