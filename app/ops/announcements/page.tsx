import type { Metadata } from "next";
import { AnnounceForm } from "@/components/messages/announce-form";
import { Shell } from "@/components/shell";
import { Card } from "@/components/ui";
import { sendingRestoredText } from "@/lib/messages/announcements";
import { operatorNav } from "@/lib/tenants/nav";
import { requireOperator } from "@/lib/web/guards";
import { operatorLogout } from "../../login/actions";
import { announceToAll } from "./actions";

export const metadata: Metadata = { title: "Announcements" };

export default async function AnnouncementsPage() {
  const actor = await requireOperator();
  return (
    <Shell
      context="Operations"
      userName={actor.name || actor.loginId}
      loginId={actor.loginId}
      nav={operatorNav("/ops/announcements")}
      logout={operatorLogout}
    >
      <h1 className="text-2xl font-semibold">Announce to every organisation</h1>
      <p className="mt-1 text-slate-600">
        One announcement in the message box of every enabled member of every organisation, at once.
        The ready text says that sending has been restored; change it as you need.
      </p>
      <Card className="mt-6">
        <AnnounceForm action={announceToAll} initial={sendingRestoredText("your organisation")} />
      </Card>
    </Shell>
  );
}
