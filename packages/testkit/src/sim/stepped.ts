/** A simulation that advances in discrete steps, with the loops every scenario and run needs. */
export abstract class Stepped {
  /** One step of simulated time. */
  abstract step(): Promise<void>;

  /** Steps until `done` holds; false if `maxSteps` pass first. */
  async runUntil(done: () => boolean, maxSteps: number): Promise<boolean> {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return true;
      await this.step();
    }
    return done();
  }

  async run(steps: number): Promise<void> {
    for (let i = 0; i < steps; i++) await this.step();
  }
}
