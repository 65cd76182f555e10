/** Types for scripts/build.mjs (plain JavaScript so that it runs without a TypeScript runner). */
export declare const DIST: string;
export declare const STAMP: string;
/** Builds dist/ from the sources; resolves to the number of files the build read. */
export declare function build(options?: { clean?: boolean }): Promise<number>;
