/** The cdk8s CLI's entry script (tools/cdk8s-cli), installed on first use. */
export declare function cdk8sCliBin(): string;
/** The environment a run of the CLI gets: `CDK8S_CHECK_UPGRADE=false` unless set. */
export declare function cdk8sCliEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
/** Installs tools/cdk8s-cli exactly as locked, unless it already is. */
export declare function ensureToolchain(): void;
/** ts-node's entry script (tools/cdk8s-cli), installed on first use. */
export declare function tsNodeBin(): string;
export declare const TOOLCHAIN_DIR: string;
