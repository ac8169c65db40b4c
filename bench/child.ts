/**
 * A forked benchmark child (same Node, same tsx loader) with typed request/reply over IPC.
 * Children answer `{ type: 'error', message }` on failure; that rejects the pending request.
 */
import { fork, type ChildProcess } from 'node:child_process';

type Typed = { type: string };

export class ChildLink<ToChild extends Typed, FromChild extends Typed> {
  readonly #child: ChildProcess;
  #waiting: { type: string; resolve: (message: FromChild) => void; reject: (error: Error) => void } | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: FromChild) => {
      const waiting = this.#waiting;
      if (!waiting) return;
      this.#waiting = undefined;
      if (message.type === 'error') waiting.reject(new Error(`benchmark child failed: ${(message as unknown as { message: string }).message}`));
      else if (message.type !== waiting.type) waiting.reject(new Error(`benchmark child sent '${message.type}', expected '${waiting.type}'`));
      else waiting.resolve(message);
    });
    child.on('exit', (code) => {
      this.#waiting?.reject(new Error(`benchmark child exited (code ${String(code)})`));
      this.#waiting = undefined;
    });
  }

  /** Forks `file`, inheriting this process's loader flags (tsx) plus `execArgv`. */
  static fork<ToChild extends Typed, FromChild extends Typed>(file: URL, execArgv: string[] = []): ChildLink<ToChild, FromChild> {
    const child = fork(file, [], { execArgv: [...process.execArgv, ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new ChildLink<ToChild, FromChild>(child);
  }

  /** Sends `message` and resolves with the child's reply of type `replyType`. */
  request<T extends FromChild['type']>(message: ToChild, replyType: T): Promise<Extract<FromChild, { type: T }>> {
    if (this.#waiting) return Promise.reject(new Error('one request at a time'));
    return new Promise((resolve, reject) => {
      this.#waiting = { type: replyType, resolve: resolve as (message: FromChild) => void, reject };
      this.#child.send(message);
    });
  }

  /** Asks the child to stop, and kills it if it has not exited within `graceMs`. */
  async stop(stopMessage: ToChild, graceMs = 5_000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send(stopMessage);
    const timer = setTimeout(() => this.#child.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
