/**
 * The mod revision each written value got. Values are unique per write, so a value names one
 * write and one revision: a compare "the key holds V" is the server's `if_revision` = V's revision.
 */
export class ValueRevisions {
  private readonly revisions = new Map<string, number>();

  learn(value: string, revision: number): void {
    const known = this.revisions.get(value);
    if (known !== undefined && known !== revision) {
      throw new Error(`value ${JSON.stringify(value)} was written once but shows mod revisions ${known} and ${revision}`);
    }
    this.revisions.set(value, revision);
  }

  of(value: string): number | undefined {
    return this.revisions.get(value);
  }
}
