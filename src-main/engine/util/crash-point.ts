/**
 * Fault injection for the crash-safety tests: `crashPoint('import:committed')` kills the process on the spot
 * (SIGKILL, as a power cut or `kill -9` would) when CRUCIBLE_CRASH_AT names that point. The tests use it to
 * stop a real `crucible` command exactly between two writes; without the variable it does nothing.
 */
export function crashPoint(name: string): void {
  if (process.env.CRUCIBLE_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
