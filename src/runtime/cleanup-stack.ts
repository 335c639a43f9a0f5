/** A step that releases something; it may be async. */
export type CleanupStep = () => Promise<unknown> | unknown;

/**
 * Releases what a process or a test opened, last opened first, exactly once. A failing step is
 * reported and the others still run, so one stuck resource never keeps the rest open.
 */
export class CleanupStack {
  private readonly steps: { name: string; step: CleanupStep }[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly onError: (name: string, err: unknown) => void = () => undefined) {}

  /** Registers a step to run at {@link close}, before every step registered earlier. */
  defer(name: string, step: CleanupStep): void {
    if (this.closing) throw new Error(`Cannot defer "${name}": the stack is already closing`);
    this.steps.push({ name, step });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const { name, step } of this.steps.reverse()) {
        try {
          await step();
        } catch (err) {
          this.onError(name, err);
        }
      }
    })();
    return this.closing;
  }
}
