import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { tryLock, unlock } from 'fs-native-extensions';

/**
 * An exclusive lock on a directory held as an operating-system lock (flock) on a file in it. The kernel releases
 * it when the holder's last descriptor closes, so it dies with the process however that ends (SIGKILL, a crash,
 * a power cut): no stale lock can stop the next start, and a reused pid means nothing. The file also names the
 * holder's pid, for a person looking, but only the lock decides.
 */
export class DirectoryLock {
  private constructor(private readonly fd: number) {}

  /** Takes the lock at `path` or throws at once when another open descriptor (another process) holds it. */
  static acquire(path: string, busyMessage: string): DirectoryLock {
    const fd = openSync(path, 'a+');
    if (!tryLock(fd)) {
      closeSync(fd);
      throw new Error(busyMessage);
    }
    ftruncateSync(fd, 0);
    writeSync(fd, String(process.pid));
    return new DirectoryLock(fd);
  }

  /** The file stays: removing it could let a starter that already opened it lock a name no one else sees. */
  release(): void {
    unlock(this.fd);
    closeSync(this.fd);
  }
}
