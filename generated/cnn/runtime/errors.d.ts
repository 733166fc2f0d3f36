/**
 * A mistake in what a user gave us (a weights file, an .npy, a batch size, an argument):
 * the CLI prints its message alone, without a stack trace, and exits with `exitCode`.
 */
export declare class NetspecError extends Error {
    readonly exitCode: number;
    constructor(message: string, exitCode?: number);
}
