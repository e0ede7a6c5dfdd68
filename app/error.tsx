"use client";

import { Button } from "@/components/ui";
import { BODY_LENGTH_REQUIRED, BODY_TOO_LARGE } from "@/lib/security/body-limit";

export default function ErrorPage({ error, reset }: { error: Error; reset: () => void }) {
  // A post refused by proxy.ts (too large): its sentence, thrown by Next.js's client as the error.
  const refused = [BODY_TOO_LARGE, BODY_LENGTH_REQUIRED].includes(error.message);
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">
        {refused ? "That was not sent" : "Something went wrong on our side"}
      </h1>
      <p className="text-slate-600">
        {refused ? error.message : "Nothing you entered was lost. Try again in a moment."}
      </p>
      <div>
        <Button onClick={reset}>Try again</Button>
      </div>
    </main>
  );
}
