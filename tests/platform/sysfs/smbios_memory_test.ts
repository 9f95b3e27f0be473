import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { defaultHostPaths, hostPathsUnder } from "../../../src/platform/host_paths.ts";
import { PlatformParseError } from "../../../src/platform/parse.ts";
import { isPersistent, parseSmbiosMemoryDevice, readMemoryDevices } from "../../../src/platform/sysfs/mod.ts";

const HOSTS = fileURLToPath(new URL("../../fixtures/hosts/", import.meta.url));
const GiB = 1024 ** 3;

Deno.test("SMBIOS 3.2 type 17: DDR4, an empty slot and Optane modules", () => {
  const devices = readMemoryDevices(hostPathsUnder(`${HOSTS}smbios_clx_optane`))!;
  assert.equal(devices.length, 11, "17-0 … 17-10 in numeric order");
  const ddr4 = devices[0]!;
  assert.deepEqual(ddr4, {
    sizeBytes: 32 * GiB,
    dataWidthBits: 64,
    memoryType: 0x1a,
    typeDetail: 0x2080,
    speedMts: 2666,
    technology: 3,
    nonVolatileBytes: 0,
    volatileBytes: 32 * GiB,
  });
  assert.equal(isPersistent(ddr4), false);
  const empty = devices[6]!;
  assert.equal(empty.sizeBytes, 0);
  assert.equal(empty.dataWidthBits, undefined, "FFFFh is unknown");
  assert.equal(empty.speedMts, undefined, "0 is unknown");
  const optane = devices[7]!;
  assert.equal(optane.sizeBytes, 126 * GiB);
  assert.equal(optane.volatileBytes, 63 * GiB);
  assert.equal(isPersistent(optane), true);
});

Deno.test("SMBIOS 2.8 type 17 (QEMU): no 3.2 fields, speed unknown, size in MiB", () => {
  const devices = readMemoryDevices(hostPathsUnder(`${HOSTS}smbios_qemu_2_8`))!;
  assert.deepEqual(devices.map((d) => [d.sizeBytes, d.speedMts, d.technology, d.volatileBytes]), [
    [8 * GiB, undefined, undefined, undefined],
    [8 * GiB, undefined, undefined, undefined],
  ]);
});

Deno.test("the Size word: KiB units in bit 15, FFFFh unknown", () => {
  const raw = new Uint8Array(0x15);
  raw[0] = 17;
  raw[1] = 0x15;
  const withSize = (word: number) => {
    new DataView(raw.buffer).setUint16(0x0c, word, true);
    return parseSmbiosMemoryDevice(raw).sizeBytes;
  };
  assert.equal(withSize(0x8000 | 512), 512 * 1024);
  assert.equal(withSize(0xffff), undefined);
  assert.equal(withSize(0x7fff), undefined, "Extended Size needs a 2.7 table");
});

Deno.test("not a type 17 structure, or a length past the end: the file is named", () => {
  assert.throws(
    () => parseSmbiosMemoryDevice(new Uint8Array([16, 0x17, 0, 0]), "/sys/firmware/dmi/entries/16-0/raw"),
    (e: unknown) =>
      e instanceof PlatformParseError && /16-0\/raw: expected an SMBIOS type 17/.test(e.message),
  );
  const short = new Uint8Array(0x20);
  short[0] = 17;
  short[1] = 0x54;
  assert.throws(() => parseSmbiosMemoryDevice(short), /formatted area of 84 bytes in 32/);
});

Deno.test("this host: its SMBIOS memory devices, or none when the kernel shows no tables", () => {
  const dir = "/sys/firmware/dmi/entries";
  let entries: string[] = [];
  try {
    entries = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("17-"));
  } catch {
    // no DMI tables (this project's VMs)
  }
  const devices = readMemoryDevices(defaultHostPaths());
  if (entries.length === 0) {
    assert.ok(devices === undefined || devices.length === 0);
  } else {
    assert.equal(devices!.length, entries.length);
    assert.ok(devices!.some((d) => (d.sizeBytes ?? 0) > 0), "a real host has memory installed");
  }
});
