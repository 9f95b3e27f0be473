/** ffi/: the C library bindings and kernel structures perf counters need. No business logic. */
export { type ArchConstants, archConstants } from "./arch.ts";
export { ERRNO, ErrnoError, errnoName } from "./errno.ts";
export { Libc } from "./libc.ts";
export { decodeStatx, type DirectoryEntry, type FileStatus, type FileType } from "./statx.ts";
export {
  decodeGroupRead,
  encodePerfEventAttr,
  type GroupRead,
  groupReadSize,
  type GroupReadValue,
  PERF_ATTR_SIZE_VER7,
  PERF_COUNT_HW,
  PERF_COUNT_SW,
  PERF_EVENT_IOC,
  PERF_FLAG,
  PERF_FORMAT,
  PERF_IOC_FLAG_GROUP,
  PERF_TYPE,
  type PerfAttrFlag,
  type PerfEventAttr,
} from "./perf_event_attr.ts";
