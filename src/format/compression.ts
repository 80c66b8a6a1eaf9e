/** How a snapshot's tar is compressed inside the encryption; each has its own file extension. */
export const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const
export type Compression = (typeof COMPRESSIONS)[number]
