/** The outage buffer's bookkeeping: what is kept, what is dropped and counted, what is protected. */
import assert from "node:assert/strict";
import { type Batch, makeBatch, Outbox } from "../../../src/storages/kafka/outbox.ts";

function batch(id: string, bytes: number, samples: number): Batch {
  return makeBatch(id, [{ bytes: new Uint8Array(bytes), samples }]);
}

function ids(outbox: Outbox): string[] {
  const out: string[] = [];
  for (let b = outbox.next(); b; b = outbox.next()) {
    out.push(b.id);
    outbox.sent();
  }
  return out;
}

Deno.test("Outbox: keeps batches in order while they fit", () => {
  const outbox = new Outbox(100);
  for (const id of ["a", "b", "c"]) {
    assert.deepEqual(outbox.push(batch(id, 30, 2)), { batches: 0, samples: 0 });
  }
  assert.equal(outbox.bytes, 90);
  assert.equal(outbox.samples, 6);
  assert.deepEqual(ids(outbox), ["a", "b", "c"]);
  assert.equal(outbox.bytes, 0);
});

Deno.test("Outbox: a full buffer drops the oldest batches and counts their samples", () => {
  const outbox = new Outbox(100);
  outbox.push(batch("a", 40, 3));
  outbox.push(batch("b", 40, 5));
  assert.deepEqual(outbox.push(batch("c", 50, 7)), { batches: 1, samples: 3 });
  assert.deepEqual(outbox.push(batch("d", 60, 1)), { batches: 2, samples: 12 });
  assert.equal(outbox.droppedSamples, 15);
  assert.deepEqual(ids(outbox), ["d"]);
});

Deno.test("Outbox: the batch being sent is never dropped; a failed one stays first", () => {
  const outbox = new Outbox(100);
  outbox.push(batch("a", 40, 1));
  outbox.push(batch("b", 40, 1));
  assert.equal(outbox.next()?.id, "a");
  assert.deepEqual(outbox.push(batch("c", 40, 1)), { batches: 1, samples: 1 }, "b goes, a stays");
  outbox.failed();
  assert.deepEqual(ids(outbox), ["a", "c"]);
});

Deno.test("Outbox: a batch larger than the whole buffer is dropped itself; clear() counts what is left", () => {
  const outbox = new Outbox(100);
  outbox.push(batch("a", 40, 2));
  assert.deepEqual(outbox.push(batch("huge", 101, 9)), { batches: 1, samples: 9 });
  assert.deepEqual(outbox.clear(), { batches: 1, samples: 2 });
  assert.equal(outbox.droppedSamples, 11);
  assert.equal(outbox.batches, 0);
});
