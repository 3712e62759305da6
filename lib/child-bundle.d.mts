// The types of ./child-bundle.mjs (plain JavaScript: npm start's first process reads it with no TypeScript loader).

/** The bundle of `script` (relative to `root`), built or rebuilt first when it is missing or stale. */
export function childBundle(root: string, script: string): Promise<string>;

/** Where the bundle of `script` (relative to `root`) is kept, built or not. */
export function bundlePath(root: string, script: string): string;

/** Node's arguments that run `script` (relative to `root`): its bundle, or the script through tsx when it cannot be bundled. */
export function nodeEntry(root: string, script: string): Promise<string[]>;
