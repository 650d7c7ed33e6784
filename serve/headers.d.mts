// Types for headers.mjs (plain JavaScript so that Node runs it as is).
export declare const CSP: string;
export declare const ISOLATION: Record<string, string>;
export declare const SECURITY: Record<string, string>;
export declare const CONTENT_TYPES: Record<string, string>;
export declare const COMPRESSIBLE: RegExp;
export declare const IMMUTABLE: string;
export declare function isHashedAsset(pathname: string): boolean;
export declare function extensionOf(pathname: string): string;
export declare function isPageRoute(pathname: string): boolean;
export declare function headersFor(pathname: string): Record<string, string>;
