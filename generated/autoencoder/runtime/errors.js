/**
 * A mistake in what a user gave us (a weights file, an .npy, a batch size, an argument):
 * the CLI prints its message alone, without a stack trace, and exits with `exitCode`.
 */
export class NetspecError extends Error {
    exitCode;
    constructor(message, exitCode = 1) {
        super(message);
        this.exitCode = exitCode;
        this.name = 'NetspecError';
    }
}
