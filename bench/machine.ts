import * as os from "node:os";

/** The machine a benchmark ran on, for the results file: figures mean little without it. */
export interface MachineInfo {
    cpuModel: string;
    cores: number;
    memoryGb: number;
    platform: string;
    node: string;
    date: string;
}

export function describeMachine(now = new Date()): MachineInfo {
    const cpus = os.cpus();
    return {
        cpuModel: cpus[0]?.model.trim() || "unknown",
        cores: typeof os.availableParallelism === "function" ? os.availableParallelism() : cpus.length,
        memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        platform: `${os.type()} ${os.release()} (${os.arch()})`,
        node: process.version,
        date: now.toISOString(),
    };
}
