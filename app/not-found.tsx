import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">
        Go to your home page
      </Link>
    </main>
  );
}
