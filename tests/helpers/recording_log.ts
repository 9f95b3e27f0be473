/**
 * A log that keeps what it is told, level by level: it stands in for the narrow log interfaces that
 * components take (uncore, storages, the HTTP server) so tests can check messages word for word and
 * count exactly the ones they caused.
 */
export class RecordingLog {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly debugs: string[] = [];
  error(message: string): void {
    this.errors.push(message);
  }
  warning(message: string): void {
    this.warnings.push(message);
  }
  info(message: string): void {
    this.infos.push(message);
  }
  debug(message: string): void {
    this.debugs.push(message);
  }
}
