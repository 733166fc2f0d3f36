// netspec's version, written into generated code and exports.
export const VERSION = '0.1.0';
