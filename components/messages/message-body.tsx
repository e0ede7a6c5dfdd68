import { linkPieces } from "@/lib/messages/content";

/** A message's plain text: line breaks kept, links clickable, everything else escaped by React. */
export function MessageBody({ body }: { body: string }) {
  return (
    <div className="whitespace-pre-wrap break-words text-slate-900" data-testid="message-body">
      {linkPieces(body).map((piece, i) =>
        "href" in piece ? (
          <a
            key={i}
            href={piece.href}
            className="text-brand-700 underline"
            rel="noopener noreferrer nofollow"
            target="_blank"
          >
            {piece.href}
          </a>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </div>
  );
}
