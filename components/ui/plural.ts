// A count with its noun, singular or plural as the count says: "1 row", "2 rows", "1,200 rows".
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
