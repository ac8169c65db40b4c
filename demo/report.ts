/** The demo's console report: one line per step, a tick or a cross, and a closing verdict. */
export class DemoReport {
  #passed = 0;
  #failed = 0;

  get failed(): number {
    return this.#failed;
  }

  title(text: string): void {
    console.log(`\n${text}\n${'='.repeat(text.length)}`);
  }

  section(text: string): void {
    console.log(`\n${text}`);
  }

  /** A fact worth showing (an address, a count), not an expectation. */
  info(label: string, detail: string): void {
    console.log(`  •  ${label.padEnd(50)} ${detail}`);
  }

  /** An expectation: counted, and marked ✓ or ✗. */
  check(label: string, ok: boolean, detail: string): void {
    if (ok) this.#passed += 1;
    else this.#failed += 1;
    console.log(`  ${ok ? '✓' : '✗'}  ${label.padEnd(50)} ${detail}`);
  }

  /** Runs one step; an exception fails it (with its message) instead of ending the demo. */
  async step(label: string, run: () => Promise<{ ok: boolean; detail: string }>): Promise<void> {
    try {
      const { ok, detail } = await run();
      this.check(label, ok, detail);
    } catch (error) {
      this.check(label, false, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }

  verdict(): void {
    const total = this.#passed + this.#failed;
    console.log(
      this.#failed === 0
        ? `\nDemo OK: all ${total} expectations held.`
        : `\nDemo FAILED: ${this.#failed} of ${total} expectations did not hold.`,
    );
  }
}
