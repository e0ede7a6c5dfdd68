import type { Metadata } from "next";
import { AnnounceForm } from "@/components/messages/announce-form";
import { Card } from "@/components/ui";
import { sendingRestoredText } from "@/lib/messages/announcements";
import { requireOperator } from "@/lib/web/guards";
import { OperatorShell } from "../operator-shell";
import { announceToAll } from "./actions";

export const metadata: Metadata = { title: "Announcements" };

export default async function AnnouncementsPage() {
  const actor = await requireOperator();
  return (
    <OperatorShell actor={actor} current="/ops/announcements">
      <h1 className="text-2xl font-semibold">Announce to every organisation</h1>
      <p className="mt-1 text-slate-600">
        One announcement in the message box of every enabled member of every organisation, at once.
        The ready text says that sending has been restored; change it as you need.
      </p>
      <Card className="mt-6">
        <AnnounceForm action={announceToAll} initial={sendingRestoredText("your organisation")} />
      </Card>
    </OperatorShell>
  );
}
