// Types of node-version.js, which stays JavaScript so that it loads on the Node it refuses.
export declare const MINIMUM_NODE: string;
export declare const RECOMMENDED_NODE: string;
export interface NodeFacts {
  /** process.version, e.g. "v20.20.2". */
  version: string;
  execPath?: string;
  /** process.features.typescript: false, "strip", "transform", or undefined before Node 22.10. */
  typescript?: unknown;
  /** The entry point, when it is a .ts file run directly. */
  script?: string;
  platform?: string;
  arch?: string;
}
export declare function nodeVersionProblem(node: NodeFacts): string | undefined;
export declare function atLeast(version: string, minimum: string): boolean;
