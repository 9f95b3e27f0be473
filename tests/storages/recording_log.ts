/** A StorageLog that keeps what it is told, and what the OS says when an action fails. */
import { osReason } from "../../src/storages/output_file.ts";
import { RecordingLog } from "../helpers/recording_log.ts";

/** A StorageLog that keeps what it is told. */
export { RecordingLog as RecordingStorageLog };

/** What the OS says when `action` fails, in the words osReason keeps. */
export function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return osReason(error);
  }
  throw new Error("expected the action to fail");
}
