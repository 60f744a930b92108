/**
 * A real single-node Slurm cluster for tests (Debian's slurm-wlm and munge): munged with its own key and socket, then
 * slurmctld and slurmd with a generated slurm.conf — this machine as the one node with 2 CPUs, one partition, no
 * accounting — all inside a temporary folder, on free ports, and stopped afterwards. Client commands reach it through
 * `env` (SLURM_CONF). Where it cannot run (Slurm not installed, not root) `startLocalCluster` says why instead; where
 * it could but does not start, it throws.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface LocalCluster {
  dir: string;
  /** The environment client commands (sbatch, squeue, the `crucible slurm` under test) need. */
  env: Record<string, string>;
  /** The one partition. */
  partition: string;
  /** A Slurm client command against this cluster; its stdout. */
  slurm(command: string, args: string[]): string;
  stop(): Promise<void>;
}

const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const find = (name: string) => SBIN.map((d) => join(d, name)).find((p) => existsSync(p));
const PARTITION = 'debug';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, ok: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s:\n${log()}`);
    await sleep(200);
  }
}

/** This machine's node line from `slurmd -C`, cut to 2 CPUs (config_overrides lets the node be smaller than it is). */
function nodeLine(slurmd: string): { name: string; line: string } {
  const text = execFileSync(slurmd, ['-C'], { encoding: 'utf8' });
  const name = /NodeName=(\S+)/.exec(text)?.[1];
  const memory = Number(/RealMemory=(\d+)/.exec(text)?.[1] ?? 1000);
  if (!name) throw new Error(`slurmd -C printed no NodeName:\n${text}`);
  return { name, line: `NodeName=${name} NodeAddr=127.0.0.1 CPUs=2 RealMemory=${Math.min(memory, 8000)} State=UNKNOWN` };
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : `(no ${path})`;
}

function killFromPidFile(path: string): number | null {
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the cluster, or returns why it cannot run on this machine. */
export async function startLocalCluster(): Promise<LocalCluster | { skip: string }> {
  const tools = {
    munged: find('munged'),
    slurmctld: find('slurmctld'),
    slurmd: find('slurmd'),
    sbatch: find('sbatch'),
    scancel: find('scancel'),
    sinfo: find('sinfo'),
  };
  const missing = Object.entries(tools).filter(([, p]) => !p);
  if (missing.length > 0) return { skip: `Slurm is not installed (no ${missing.map(([n]) => n).join(', ')}); apt-get install slurm-wlm munge` };
  if (process.getuid?.() !== 0) return { skip: 'slurmd needs root to start jobs; run the tests as root (as .ci/run does) to use the local cluster' };

  const dir = mkdtempSync(join(tmpdir(), 'crucible-slurm-'));
  // munged and slurmd refuse folders others can write to.
  chmodSync(dir, 0o755);
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub));
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge.socket');
  const file = (name: string) => join(dir, name);
  const conf = file('slurm.conf');
  const env = { SLURM_CONF: conf };
  const pidFiles = [file('slurmd.pid'), file('slurmctld.pid'), file('munged.pid')];
  const stop = async () => {
    // Jobs outlive slurmd (slurmstepd runs them): cancel them first, then stop the daemons by their pid files.
    spawnSync(tools.scancel!, ['--full', '--quiet', `--user=${userInfo().username}`], { env: { ...process.env, ...env } });
    await sleep(500);
    for (const pidFile of pidFiles) {
      const pid = killFromPidFile(pidFile);
      if (pid !== null)
        await waitUntil(
          `process ${pid} to stop`,
          () => !alive(pid),
          15_000,
          () => '',
        );
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const munge = spawnSync(
      tools.munged!,
      [
        '--force',
        `--key-file=${key}`,
        `--socket=${socket}`,
        `--pid-file=${file('munged.pid')}`,
        `--log-file=${file('log/munged.log')}`,
        `--seed-file=${file('munged.seed')}`,
      ],
      { encoding: 'utf8' },
    );
    if (munge.status !== 0) throw new Error(`munged failed: ${munge.stderr}`);
    await waitUntil(
      'munged to open its socket',
      () => existsSync(socket),
      10_000,
      () => tail(file('log/munged.log')),
    );

    const node = nodeLine(tools.slurmd!);
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const user = userInfo().username;
    writeFileSync(file('plugstack.conf'), '');
    writeFileSync(
      conf,
      [
        'ClusterName=crucible-test',
        `SlurmctldHost=${node.name}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        `SlurmUser=${user}`,
        `SlurmdUser=${user}`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'SchedulerType=sched/builtin',
        'SlurmdParameters=config_overrides',
        'AccountingStorageType=accounting_storage/none',
        'JobAcctGatherType=jobacct_gather/none',
        'JobCompType=jobcomp/none',
        'MpiDefault=none',
        'SwitchType=switch/none',
        'ReturnToService=2',
        // Cancelled tasks get SIGKILL 2 s after SIGTERM; finished jobs stay in squeue for 5 minutes.
        'KillWait=2',
        'MinJobAge=300',
        'MailProg=/bin/true',
        `PlugStackConfig=${file('plugstack.conf')}`,
        `StateSaveLocation=${file('state')}`,
        `SlurmdSpoolDir=${file('spool')}`,
        `SlurmctldPidFile=${file('slurmctld.pid')}`,
        `SlurmdPidFile=${file('slurmd.pid')}`,
        `SlurmctldLogFile=${file('log/slurmctld.log')}`,
        `SlurmdLogFile=${file('log/slurmd.log')}`,
        node.line,
        `PartitionName=${PARTITION} Nodes=${node.name} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    const daemonEnv = { ...process.env, ...env };
    for (const [daemon, args] of [
      [tools.slurmctld!, ['-f', conf, '-c']],
      [tools.slurmd!, ['-f', conf, '-N', node.name]],
    ] as const) {
      const started = spawnSync(daemon, [...args], { encoding: 'utf8', env: daemonEnv });
      if (started.status !== 0) throw new Error(`${daemon} failed (${started.status}): ${started.stderr}\n${tail(file('log/slurmctld.log'))}`);
    }
    const sinfo = () => spawnSync(tools.sinfo!, ['--noheader', '--format=%t'], { encoding: 'utf8', env: daemonEnv }).stdout?.trim();
    await waitUntil(
      'the node to be idle',
      () => sinfo() === 'idle',
      30_000,
      () => `sinfo: ${sinfo()}\n${tail(file('log/slurmctld.log'))}\n${tail(file('log/slurmd.log'))}`,
    );
    return {
      dir,
      env,
      partition: PARTITION,
      slurm: (command, args) => execFileSync(command, args, { encoding: 'utf8', env: daemonEnv }),
      stop,
    };
  } catch (e) {
    // Installed and root, yet not starting: a failure to see, not a reason to skip.
    await stop();
    throw e;
  }
}
