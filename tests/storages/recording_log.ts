/** A StorageLog that keeps what it is told, and what the OS says when an action fails. */
import { osReason, type StorageLog } from "../../src/storages/output_file.ts";

/** A StorageLog that keeps what it is told. */
export class RecordingStorageLog implements StorageLog {
  readonly errors: string[] = [];
  readonly infos: string[] = [];
  error(message: string): void {
    this.errors.push(message);
  }
  info(message: string): void {
    this.infos.push(message);
  }
}

/** What the OS says when `action` fails, in the words osReason keeps. */
export function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return osReason(error);
  }
  throw new Error("expected the action to fail");
}
