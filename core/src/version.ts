// The product version, shown by `--version` and the server's initialize result.
export const VERSION = '0.1.0';
