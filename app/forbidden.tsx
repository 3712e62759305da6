import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">You do not have access to this page</h1>
      <p className="text-zinc-500">Your role does not include this. Ask an admin if you need it.</p>
      <Link href="/" className="text-indigo-600 underline dark:text-indigo-400">
        Go to your home page
      </Link>
    </main>
  );
}
