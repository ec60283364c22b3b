/** Absolute path of a package file, resolved from the library's folder. */
export declare function resolvePackage(id: string): string;
/** A package loaded with require from the library's folder. */
export declare function requirePackage(id: string): unknown;
