/** The part of fs-native-extensions (which ships no types) the directory lock uses. */
declare module 'fs-native-extensions' {
  /** flock(LOCK_EX | LOCK_NB) on an open descriptor; false when another descriptor holds the lock. */
  export function tryLock(fd: number, exclusive?: boolean): boolean;
  export function unlock(fd: number): void;
}
