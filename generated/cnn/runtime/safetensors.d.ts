export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64';
export type SafetensorsData = Float32Array | Float64Array | Int32Array | BigInt64Array;
export interface SafetensorsTensor {
    dtype: SafetensorsDtype;
    shape: number[];
    data: SafetensorsData;
}
/** What `readSafetensors` returns: tensors by name in header order, plus `metadata`. */
export type SafetensorsFile = Map<string, SafetensorsTensor> & {
    metadata?: Record<string, string>;
};
/** Parses and validates a whole safetensors file; `source` (a file name) starts every error message. */
export declare function readSafetensors(bytes: Uint8Array, source?: string): SafetensorsFile;
export interface TensorToWrite {
    name: string;
    shape: readonly number[];
    data: Float32Array;
}
/**
 * Serializes float32 tensors as the reference writer does: tensors sorted by name, stored
 * contiguously in that order; "__metadata__" first when given; the JSON header padded with
 * spaces to a multiple of 8 bytes, so the data (and every F32 tensor) starts 8-aligned.
 */
export declare function writeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array;
export interface ExpectedTensor {
    name: string;
    shape: readonly number[];
}
/**
 * The model's parameters, in `expected` order, from a file read by `readSafetensors`.
 * F32 is taken as is and F64 converted to float32; anything else is a dtype error.
 * Every problem (missing, unexpected, wrong shape, wrong dtype) is reported in one NetspecError.
 */
export declare function matchWeights(expected: readonly ExpectedTensor[], file: Map<string, SafetensorsTensor>, source: string): Float32Array[];
