// A piece of background work that runs until nothing more is wanted: a call while it runs joins that
// run (and asks for one more pass), so a burst of changes is handled in a few passes, not one each.

export class CoalescedWork {
  /** Consecutive failed runs: the caller's backoff. */
  failures = 0;
  private running: Promise<void> | null = null;
  private wanted = false;

  /**
   * `pass` does one batch and answers whether another is due at once; `settle` runs after every run,
   * failed or not; a run first waits `delayMs` to gather what arrives meanwhile.
   */
  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<boolean>,
    private readonly settle: () => Promise<void>,
    private readonly delayMs = 0,
  ) {}

  /** Whether a run is under way (its due work needs no alarm, only a backstop). */
  get busy(): boolean {
    return this.running !== null;
  }

  run(): Promise<void> {
    this.wanted = true;
    this.running ??= (async () => {
      try {
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        while (this.wanted) {
          this.wanted = false;
          while (await this.pass());
        }
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        console.error(`${this.name}: failed (attempt ${this.failures})`, error);
      } finally {
        this.running = null;
        await this.settle();
      }
    })();
    return this.running;
  }
}
