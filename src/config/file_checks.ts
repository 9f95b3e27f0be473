/** Refuses config files an attacker could have written: the agent runs with privileges. */
import { ConfigError } from "./errors.ts";

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface FileOwner {
  /** The uid allowed to own config files besides root; defaults to the current user. */
  uid?: number | null;
}

/** Reads a config file after checking it exists, is a regular file, is ours or root's and not world-writable. */
export function readTrustedConfig(path: string, owner: FileOwner = {}): string {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new ConfigError(`Config file ${path} does not exist`);
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`Config file ${path} cannot be read: permission denied`);
    }
    throw new ConfigError(`Config file ${path} cannot be read: ${(error as Error).message}`);
  }
  if (!info.isFile) throw new ConfigError(`Config file ${path} is not a regular file`);
  const me = owner.uid === undefined ? Deno.uid() : owner.uid;
  if (info.uid !== null && me !== null && info.uid !== me && info.uid !== 0) {
    throw new ConfigError(
      `Config file ${path} is owned by uid ${info.uid}; it must be owned by the user running wca (uid ${me}) ` +
        `or by root, so that nobody else can change what the agent runs`,
    );
  }
  if (info.mode !== null && (info.mode & 0o002) !== 0) {
    throw new ConfigError(
      `Config file ${path} is writable by others (mode ${(info.mode & 0o777).toString(8)}); ` +
        `run 'chmod o-w ${path}' so that nobody else can change what the agent runs`,
    );
  }
  if (info.size > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `Config file ${path} is ${info.size} bytes; at most ${MAX_CONFIG_BYTES} are accepted`,
    );
  }
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    throw new ConfigError(`Config file ${path} cannot be read: ${(error as Error).message}`);
  }
}
