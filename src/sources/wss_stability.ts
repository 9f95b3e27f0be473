/**
 * When a task's referenced bytes count as its working set, as WCA 2.x decided it. Pure: one tracker
 * per task, told each iteration's referenced bytes and memory-bandwidth counter.
 *
 * After each reset of the referenced bits, referenced bytes grow as the task touches pages. An
 * iteration is "stable" when they grew by at most `membwThreshold` of the bytes the task moved to and
 * from memory in the same iteration (RDT MBM; a decrease of less than 2% counts as no growth). After
 * `|stableCycles|` stable iterations in a row the working set is the mean of the referenced bytes at
 * the first and the last of them; with `stableCycles > 0` and no cyclic resets, the bits are then reset
 * and the search starts again, with `stableCycles < 0` the value is kept and not searched again until
 * the next cyclic reset. `resetCycles > 0` resets every that many iterations whatever happened.
 */

export interface WssSettings {
  /** Reset the referenced bits every this many iterations; 0 = never (only when stable). */
  readonly resetCycles: number;
  /** Stable iterations in a row that make a working set; 0 = no working set, only referenced bytes. */
  readonly stableCycles: number;
  /** Growth allowed per iteration, as a fraction of the memory traffic; undefined = no working set. */
  readonly membwThreshold: number | undefined;
}

export interface WssStep {
  /** The last working set found, if any. */
  readonly workingSetBytes: number | undefined;
  /** Whether the referenced bits are to be cleared now. */
  readonly reset: boolean;
}

/** A decrease of referenced bytes smaller than this share still counts as no growth (WCA: 2%). */
const TOLERATED_DECREASE = 1 / 50;

export class WssStability {
  readonly #settings: WssSettings;
  #cycle = 0;
  #stableCount = 0;
  #firstStable = 0;
  #previous: { referenced: number; membw: number } | undefined;
  #workingSet: number | undefined;

  constructor(settings: WssSettings) {
    this.#settings = settings;
  }

  /** Whether this tracker looks for a working set at all (both settings given). */
  get searching(): boolean {
    return this.#settings.membwThreshold !== undefined && this.#settings.stableCycles !== 0;
  }

  /** One iteration; `membwBytes` is the task's memory-bandwidth counter, undefined when unknown. */
  step(referenced: number, membwBytes: number | undefined): WssStep {
    this.#cycle += 1;
    const { resetCycles, stableCycles } = this.#settings;
    const goal = Math.abs(stableCycles);
    let reset = false;
    if (this.searching && membwBytes !== undefined) {
      if (this.#previous !== undefined && this.#stableCount < goal) {
        this.#judge(referenced, membwBytes - this.#previous.membw, referenced - this.#previous.referenced);
      }
      this.#previous = { referenced, membw: membwBytes };
      if (this.#stableCount === goal) {
        this.#workingSet = (this.#firstStable + referenced) / 2;
        if (resetCycles === 0 && stableCycles > 0) reset = true;
        // Past the goal: the same stable stretch does not give a value twice.
        this.#stableCount += 1;
      }
    }
    if (resetCycles > 0 && this.#cycle % resetCycles === 0) reset = true;
    if (reset) {
      this.#stableCount = 0;
      this.#previous = undefined;
    }
    return { workingSetBytes: this.#workingSet, reset };
  }

  #judge(referenced: number, membwDelta: number, referencedDelta: number): void {
    if (referencedDelta < 0 && -referencedDelta >= referenced * TOLERATED_DECREASE) {
      this.#stableCount = 0;
      return;
    }
    const growth = Math.max(0, referencedDelta);
    // "At most" (WCA said "less than", so an idle task, no growth and no traffic, never became stable).
    if (growth <= membwDelta * this.#settings.membwThreshold!) {
      if (this.#stableCount === 0) this.#firstStable = referenced;
      this.#stableCount += 1;
    } else {
      this.#stableCount = 0;
    }
  }
}
