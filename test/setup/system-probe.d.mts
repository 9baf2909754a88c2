/** Types for system-probe.mjs (plain JavaScript so that it runs before any build step). */

/** The repository root. */
export declare const REPO_ROOT: string;
/** The folder holding native sources and their Makefile. */
export declare const NATIVE_DIR: string;
/** Path of the built Kafka mock cluster launcher. */
export declare const KAFKA_MOCK_PATH: string;
/** The folder holding PostgreSQL's `initdb` and `postgres`, or undefined when not installed. */
export declare function findPostgresBinDir(): string | undefined;
/** True when librdkafka's headers (with the mock cluster API) and library are installed. */
export declare function hasLibrdkafka(): boolean;
/** True when a C compiler (`cc`) and `make` can run. */
export declare function hasCToolchain(): boolean;
/** True when `pkg-config` can run. */
export declare function hasPkgConfig(): boolean;
/** The installed librdkafka version as pkg-config reports it, or undefined. */
export declare function librdkafkaVersion(): string | undefined;
/** True when the launcher is missing or older than one of its sources. */
export declare function nativeBuildIsStale(): boolean;
/** Builds native/ with `make -C native`; throws with make's output when it fails. */
export declare function buildNative(stdio?: 'pipe' | 'inherit'): void;
/** Builds the launcher if it is missing or stale; returns true when it built. */
export declare function ensureNativeBuilt(stdio?: 'pipe' | 'inherit'): boolean;
