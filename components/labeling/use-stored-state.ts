"use client";
// useState that is restored from and saved to localStorage on every change (see local-store.ts).
import { useEffect, useState, type Dispatch, type SetStateAction } from "react";
import { loadStored, saveStored } from "./local-store";

export function useStoredState<T>(key: string, initial: () => T, isValid: (stored: unknown) => stored is T): [T, Dispatch<SetStateAction<T>>, boolean] {
  // Task views mount only in the browser (after the task is fetched), so reading storage here is safe.
  const [start] = useState(() => {
    const stored = typeof window === "undefined" ? undefined : loadStored(key);
    return isValid(stored) ? { value: stored, restored: true } : { value: initial(), restored: false };
  });
  const [value, setValue] = useState<T>(start.value);
  useEffect(() => saveStored(key, value), [key, value]);
  return [value, setValue, start.restored];
}
