// A server value as the browser sees it after JSON: Dates become strings.

/** T as JSON.stringify leaves it: Dates become strings. */
export type Jsonify<T> = T extends Date ? string : T extends (infer U)[] ? Jsonify<U>[] : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;

/** A server value as the browser will see it from the API. */
export const toJson = <T>(v: T): Jsonify<T> => JSON.parse(JSON.stringify(v)) as Jsonify<T>;
