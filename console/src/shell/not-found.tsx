import { Link } from 'wouter';

export function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <Link href="~/" className="text-sm underline underline-offset-4">
        Go to the console's home
      </Link>
    </main>
  );
}
